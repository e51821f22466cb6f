//! Proof-token cases of the conformance corpus, and the request signature
//! and token of OpenLeash's cross-language test vectors.

use openleash_core::json::{self, Map, Value};
use openleash_core::keys::{Key, KeySet, PublicKey, SecretKey};
use openleash_core::request::{self, ReplayGuard, RequestCheck, SignedHeaders};
use openleash_core::token::{self, ProofParams, TokenError, VerifyOptions};
use openleash_core::{Timestamp, encoding};
use serde_json::Value as Json;

use super::CaseOutcome;
use super::corpus::Observed;

/// The reference's reason for a refused token, for the codes it can
/// report; other codes stand for themselves.
fn reference_reason(error: &TokenError) -> String {
    match error.code() {
        "TOKEN_BAD_SIGNATURE" | "TOKEN_UNKNOWN_KEY" => {
            "No matching key found or invalid signature".to_owned()
        }
        "TOKEN_EXPIRED" => "Token expired".to_owned(),
        other => other.to_owned(),
    }
}

/// Issues the case's token and verifies it at each listed time.
pub(super) fn run_token(case: &Json) -> Observed {
    let mut observed = Observed::default();
    observed.reference = Some(check_token(case, &mut observed));
    observed
}

fn check_token(case: &Json, observed: &mut Observed) -> Result<(), String> {
    let expect = case.get("expect").ok_or("case has no expect")?;
    let now = time(case, "now")?;
    let signer = key(case.get("key").ok_or("case has no key")?)?;
    let params = case.get("params").ok_or("case has no params")?;
    let text = |name: &str| params.get(name).and_then(Json::as_str).map(str::to_owned);
    let proof = ProofParams {
        decision_id: text("decision_id").unwrap_or_default(),
        owner_type: text("owner_type").unwrap_or_default(),
        owner_id: text("owner_id").unwrap_or_default(),
        agent_id: text("agent_id").unwrap_or_default(),
        action_type: text("action_type").unwrap_or_default(),
        action_hash: text("action_hash").unwrap_or_default(),
        matched_rule_id: text("matched_rule_id"),
        trust_profile: text("trust_profile"),
        constraints_snapshot: match params.get("constraints_snapshot") {
            Some(snapshot) => Some(strict_object(snapshot)?),
            None => None,
        },
    };
    let ttl = params
        .get("ttl_seconds")
        .and_then(Json::as_f64)
        .ok_or("params has no ttl_seconds")?;
    let issued = token::issue_proof(&signer, &proof, now, ttl);
    if let Some(reference_error) = expect.get("issue_error") {
        return match issued {
            Err(_) => Ok(()),
            Ok(issued) => Err(format!(
                "the reference failed to issue ({reference_error}); this engine issued {}",
                issued.token
            )),
        };
    }
    let issued = issued.map_err(|error| format!("issuing failed: {error}"))?;
    let mut problems = Vec::new();
    let payload = json::to_json(&Value::Object(issued.claims.clone()));
    if Some(payload.as_str()) != expect.get("payload_json").and_then(Json::as_str) {
        problems.push(format!("payload: got {payload}"));
    }
    if Some(issued.token.as_str()) != expect.get("token").and_then(Json::as_str) {
        problems.push(format!("token: got {}", issued.token));
    }
    let expires_at = issued.expires_at.to_rfc3339_millis();
    if Some(expires_at.as_str()) != expect.get("expires_at").and_then(Json::as_str) {
        problems.push(format!("expires_at: got {expires_at}"));
    }
    let token = match expect.get("tampered_token").and_then(Json::as_str) {
        Some(tampered) => tampered.to_owned(),
        None => issued.token.clone(),
    };
    let inputs = case
        .get("verify")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let outputs = expect
        .get("verify")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    if inputs.len() != outputs.len() {
        return Err("verify inputs and expectations differ in length".to_owned());
    }
    let mut codes = Vec::new();
    for (input, output) in inputs.iter().zip(&outputs) {
        let at = time(input, "at")?;
        let keys = match input.get("keys").and_then(Json::as_array) {
            Some(list) => list
                .iter()
                .map(|entry| key(entry).map(|key| key.to_verifying()))
                .collect::<Result<Vec<_>, _>>()?,
            None => vec![signer.to_verifying()],
        };
        let keys = KeySet::from_keys(keys).map_err(|error| error.to_string())?;
        let result = token::verify(&token, &keys, &VerifyOptions::proof(at));
        let want_valid = output.get("valid").and_then(Json::as_bool).unwrap_or(false);
        match &result {
            Ok(verified) => {
                codes.push(None);
                if !want_valid {
                    problems.push(format!("at {at}: verified, the reference refused"));
                    continue;
                }
                let claims = serde_json::from_str::<Json>(&json::to_json(&Value::Object(
                    verified.claims.clone(),
                )))
                .map_err(|error| error.to_string())?;
                if Some(&claims) != output.get("claims") {
                    problems.push(format!("at {at}: claims {claims}"));
                }
            }
            Err(error) => {
                codes.push(Some(error.code().to_owned()));
                if want_valid {
                    problems.push(format!("at {at}: refused with {error}"));
                } else if Some(reference_reason(error).as_str())
                    != output.get("reason").and_then(Json::as_str)
                {
                    problems.push(format!("at {at}: reason {}", reference_reason(error)));
                }
            }
        }
    }
    observed.token_codes = Some(codes);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// The request signature and the token of OpenLeash's cross-language
/// vectors: the signature verifies, and the token verifies inside its
/// window with the listed claims.
pub(super) fn run_testvector_signatures(whole: &Json) -> Vec<CaseOutcome> {
    let text = |name: &str| whole.get(name).and_then(Json::as_str).unwrap_or("");
    let public = PublicKey::from_spki_base64(text("public_key_b64"));
    let signature = (|| {
        let public = public.clone().map_err(|error| error.to_string())?;
        let input = text("signing_input");
        let fields: Vec<&str> = input.split('\n').collect();
        let [method, path, timestamp, nonce, body_sha256] = fields.as_slice() else {
            return Err("signing_input does not have five lines".to_owned());
        };
        let headers = SignedHeaders {
            agent_id: "test-agent".to_owned(),
            timestamp: (*timestamp).to_owned(),
            nonce: (*nonce).to_owned(),
            body_sha256: (*body_sha256).to_owned(),
            signature: text("signature_b64").to_owned(),
        };
        let now = Timestamp::parse_rfc3339(timestamp).map_err(|error| error.to_string())?;
        request::verify_request(
            &headers,
            method,
            path,
            None,
            &public,
            &RequestCheck::at(now),
            &ReplayGuard::new(1),
        )
        .map_err(|error| error.to_string())?;
        // The vectors' private key reproduces the signature (Ed25519 is
        // deterministic).
        let secret = SecretKey::from_pkcs8_base64(text("private_key_b64"))
            .map_err(|error| error.to_string())?;
        let again = encoding::encode_standard(&secret.sign(input.as_bytes()));
        if again == text("signature_b64") {
            Ok(())
        } else {
            Err(format!("re-signing gave {again}"))
        }
    })();
    let token = (|| {
        let public = public.clone().map_err(|error| error.to_string())?;
        let claims = whole.get("paseto_claims").ok_or("no paseto_claims")?;
        let kid = claims.get("kid").and_then(Json::as_str).unwrap_or("");
        let keys =
            KeySet::from_keys([Key::verifying(kid, public).map_err(|error| error.to_string())?])
                .map_err(|error| error.to_string())?;
        // Inside the token's window: a minute after `iat`.
        let issued = claims.get("iat").and_then(Json::as_str).unwrap_or("");
        let issued = Timestamp::parse_rfc3339(issued).map_err(|error| error.to_string())?;
        let at = Timestamp::from_unix_millis(issued.unix_millis() + 60_000)
            .ok_or("time out of range")?;
        let verified = token::verify(text("paseto_token"), &keys, &VerifyOptions::proof(at))
            .map_err(|error| error.to_string())?;
        let got: Json = serde_json::from_str(&json::to_json(&Value::Object(verified.claims)))
            .map_err(|error| error.to_string())?;
        if &got == claims {
            Ok(())
        } else {
            Err(format!("claims: got {got}"))
        }
    })();
    vec![
        CaseOutcome::from_check("openleash-testvectors-request-signature", signature),
        CaseOutcome::from_check("openleash-testvectors-paseto-token", token),
    ]
}

fn time(value: &Json, field: &str) -> Result<Timestamp, String> {
    let text = value
        .get(field)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("missing {field}"))?;
    Timestamp::parse_rfc3339(text).map_err(|error| error.to_string())
}

fn key(value: &Json) -> Result<Key, String> {
    let text = |name: &str| value.get(name).and_then(Json::as_str).unwrap_or("");
    let secret =
        SecretKey::from_pkcs8_base64(text("private_key_b64")).map_err(|error| error.to_string())?;
    let public =
        PublicKey::from_spki_base64(text("public_key_b64")).map_err(|error| error.to_string())?;
    if secret.public_key() != public {
        return Err("the case's key pair does not match".to_owned());
    }
    Key::signing(text("kid"), secret).map_err(|error| error.to_string())
}

/// Converts corpus JSON to an engine object through the strict parser.
fn strict_object(value: &Json) -> Result<Map, String> {
    match json::parse(&value.to_string()).map_err(|error| error.to_string())? {
        Value::Object(map) => Ok(map),
        _ => Err("constraints_snapshot is not an object".to_owned()),
    }
}
