//! The authorizer issues a proof exactly when OpenLeash's server would, with
//! OpenLeash's lifetimes, and fails closed when it cannot.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use openleash_core::authorizer::{Authorizer, Owner, TokenSettings};
use openleash_core::json::{self, Value};
use openleash_core::keys::{Key, KeySet, SecretKey};
use openleash_core::token::{self, VerifyOptions};
use openleash_core::{DecisionResult, Policy, PolicyStack, SequentialIds, Timestamp};

const NOW: &str = "2025-03-01T12:00:00.000Z";

const POLICY: &str = r#"
version: 1
default: allow
rules:
  - id: deny_big
    effect: deny
    action: purchase
    constraints: { amount_min: 100000 }
  - id: proof_short
    effect: allow
    action: purchase
    constraints: { amount_max: 1000 }
    proof: { required: true, ttl_seconds: 30 }
  - id: proof_long
    effect: allow
    action: purchase
    constraints: { amount_max: 5000 }
    proof: { required: true, ttl_seconds: 7200 }
  - id: proof_default
    effect: allow
    action: purchase
    constraints: { amount_max: 10000 }
    proof: { required: true }
  - id: no_proof
    effect: allow
    action: purchase
"#;

fn action(amount: u32, trust_profile: &str) -> Value {
    json::parse(&format!(
        r#"{{"action_id": "62195eb9-39f1-40f1-a012-0eb874047ded", "action_type": "purchase",
            "requested_at": "{NOW}", "principal": {{"agent_id": "shopper"}},
            "subject": {{"principal_id": "e92420d1-0a9e-4fa9-890c-5ade1c57c5e3"}},
            "relying_party": {{"domain": "shop.example.com", "trust_profile": "{trust_profile}"}},
            "payload": {{"amount_minor": {amount}, "currency": "EUR"}}}}"#
    ))
    .unwrap()
}

fn now() -> Timestamp {
    Timestamp::parse_rfc3339(NOW).unwrap()
}

fn signing_key() -> Key {
    Key::signing("active", SecretKey::from_seed(&[9; 32])).unwrap()
}

fn authorizer() -> Authorizer {
    let mut keys = KeySet::new();
    keys.rotate(signing_key()).unwrap();
    let stack = PolicyStack::single(Policy::from_yaml(POLICY).unwrap());
    Authorizer::new(stack, keys).unwrap()
}

fn verify_keys() -> KeySet {
    KeySet::from_keys([signing_key().to_verifying()]).unwrap()
}

#[test]
fn authorizers_are_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Authorizer>();
}

#[test]
fn proof_lifetimes_come_from_the_rule_the_default_and_the_cap() {
    let authorizer = authorizer();
    for (amount, rule, seconds) in [
        (500, "proof_short", 30),
        (2000, "proof_long", 3600),
        (8000, "proof_default", 120),
    ] {
        let result =
            authorizer.authorize(action(amount, "LOW"), now(), &mut SequentialIds::default());
        assert_eq!(result.decision.result, DecisionResult::Allow);
        assert_eq!(result.decision.matched_rule_id.as_deref(), Some(rule));
        let expires = result.proof_expires_at.unwrap();
        assert_eq!(
            expires.unix_millis() - now().unix_millis(),
            seconds * 1000,
            "{rule}"
        );
        let verified = token::verify(
            result.proof_token.as_deref().unwrap(),
            &verify_keys(),
            &VerifyOptions::proof(now()),
        )
        .unwrap();
        let claim = |name: &str| {
            verified
                .claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        assert_eq!(claim("decision_id").unwrap(), result.decision.decision_id);
        assert_eq!(claim("action_hash").unwrap(), result.decision.action_hash);
        assert_eq!(claim("matched_rule_id").as_deref(), Some(rule));
        assert_eq!(claim("agent_id").as_deref(), Some("shopper"));
        assert_eq!(claim("owner_type").as_deref(), Some("user"));
        assert_eq!(
            claim("owner_id").as_deref(),
            Some("e92420d1-0a9e-4fa9-890c-5ade1c57c5e3")
        );
        assert_eq!(claim("trust_profile").as_deref(), Some("LOW"));
    }
    let settings = TokenSettings {
        default_ttl_seconds: 45.0,
        max_ttl_seconds: 60.0,
    };
    let tuned = authorizer.clone().with_settings(settings).unwrap();
    for (amount, seconds) in [(500, 30), (2000, 60), (8000, 45)] {
        let result = tuned.authorize(action(amount, "LOW"), now(), &mut SequentialIds::default());
        let expires = result.proof_expires_at.unwrap();
        assert_eq!(expires.unix_millis() - now().unix_millis(), seconds * 1000);
    }
    for bad in [0.0, -1.0, f64::NAN] {
        let settings = TokenSettings {
            default_ttl_seconds: bad,
            max_ttl_seconds: 60.0,
        };
        assert!(authorizer.clone().with_settings(settings).is_err());
    }
}

#[test]
fn no_proof_unless_allowed_and_required() {
    let authorizer = authorizer();
    let plain = authorizer.authorize(action(50_000, "LOW"), now(), &mut SequentialIds::default());
    assert_eq!(plain.decision.matched_rule_id.as_deref(), Some("no_proof"));
    assert!(plain.proof_token.is_none() && plain.proof_expires_at.is_none());
    // A HIGH trust profile requires a proof even without a rule asking.
    let high = authorizer.authorize(action(50_000, "HIGH"), now(), &mut SequentialIds::default());
    assert!(high.proof_token.is_some());
    // A denied action gets no proof, even when one would be required.
    let denied = authorizer.authorize(
        action(200_000, "HIGH"),
        now(),
        &mut SequentialIds::default(),
    );
    assert_eq!(denied.decision.result, DecisionResult::Deny);
    assert!(denied.decision.proof_required);
    assert!(denied.proof_token.is_none());
}

#[test]
fn the_default_allow_proof_names_no_rule() {
    let stack =
        PolicyStack::single(Policy::from_yaml("version: 1\ndefault: allow\nrules: []\n").unwrap());
    let mut keys = KeySet::new();
    keys.rotate(signing_key()).unwrap();
    let authorizer = Authorizer::new(stack, keys).unwrap().with_owner(Owner {
        owner_type: "org".to_owned(),
        owner_id: "org-1".to_owned(),
    });
    let result = authorizer.authorize(action(1, "REGULATED"), now(), &mut SequentialIds::default());
    let verified = token::verify(
        result.proof_token.as_deref().unwrap(),
        &verify_keys(),
        &VerifyOptions::proof(now()),
    )
    .unwrap();
    assert_eq!(verified.claims.get("matched_rule_id"), Some(&Value::Null));
    assert_eq!(
        verified.claims.get("owner_type").and_then(Value::as_str),
        Some("org")
    );
    assert_eq!(
        verified.claims.get("owner_id").and_then(Value::as_str),
        Some("org-1")
    );
}

#[test]
fn failures_deny_with_the_error() {
    let authorizer = authorizer();
    let mut invalid = action(500, "LOW");
    if let Value::Object(map) = &mut invalid {
        map.remove("action_id");
    }
    let result = authorizer.authorize(invalid, now(), &mut SequentialIds::default());
    assert_eq!(result.decision.result, DecisionResult::Deny);
    assert!(result.decision.error.is_some());
    assert!(result.proof_token.is_none());

    let mut keys = KeySet::new();
    keys.rotate(signing_key()).unwrap();
    keys.revoke("active", now()).unwrap();
    let stack = PolicyStack::single(Policy::from_yaml(POLICY).unwrap());
    let revoked = Authorizer::new(stack.clone(), keys).unwrap();
    let result = revoked.authorize(action(500, "LOW"), now(), &mut SequentialIds::default());
    assert_eq!(result.decision.result, DecisionResult::Deny);
    assert_eq!(result.decision.error.unwrap().code, "TOKEN_REVOKED_KEY");
    // Actions that need no proof are still decided with a revoked key.
    let result = revoked.authorize(action(50_000, "LOW"), now(), &mut SequentialIds::default());
    assert_eq!(result.decision.result, DecisionResult::Allow);

    let error = Authorizer::new(stack, KeySet::new()).unwrap_err();
    assert_eq!(error.code(), "KEY_NO_ACTIVE_KEY");
}

#[test]
fn authorizations_serialize_with_the_proof_fields_last() {
    let result = authorizer().authorize(action(500, "LOW"), now(), &mut SequentialIds::default());
    let text = serde_json::to_string(&result).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["proof_expires_at"], "2025-03-01T12:00:30.000Z");
    assert!(text.find("\"trace\"").unwrap() < text.find("\"proof_token\"").unwrap());
}
