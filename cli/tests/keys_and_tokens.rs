//! `keygen`, `authorize --key`, `verify`, `sign-request` and
//! `verify-request` end to end.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn openleash(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openleash"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn json(output: &Output) -> Json {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh folder per test.
fn folder(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("openleash-keys-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn keygen(dir: &Path, kid: &str) -> PathBuf {
    let path = dir.join(format!("{kid}.json"));
    let summary = json(&openleash(&["keygen", "--kid", kid, "--out", s(&path)]));
    assert_eq!(summary["kid"], kid);
    assert!(
        summary["paserk_public"]
            .as_str()
            .unwrap()
            .starts_with("k4.public.")
    );
    assert!(
        summary["paserk_id"]
            .as_str()
            .unwrap()
            .starts_with("k4.pid.")
    );
    path
}

const POLICY: &str = "examples/purchases/policy.yaml";
const SMALL: &str = "examples/purchases/allow-small-purchase.json";
const NOW: &str = "2025-03-01T12:00:00Z";

#[test]
fn keygen_writes_a_private_openleash_key_file_once() {
    let dir = folder("keygen");
    let path = keygen(&dir, "k1");
    let file: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let fields: Vec<&str> = file
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields.len(), 5, "{fields:?}");
    assert!(
        file["private_key_b64"]
            .as_str()
            .unwrap()
            .starts_with("MC4CAQAwBQYDK2VwBCIEI")
    );
    assert!(file["revoked_at"].is_null());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let again = openleash(&["keygen", "--kid", "k1", "--out", s(&path)]);
    assert_eq!(again.status.code(), Some(2), "never overwrites");
    // Without --out the key file goes to standard output.
    let printed = json(&openleash(&["keygen"]));
    assert_eq!(printed["kid"].as_str().unwrap().len(), 36);
    let paserk = json(&openleash(&["keygen", "--paserk"]));
    assert!(
        paserk["paserk_secret"]
            .as_str()
            .unwrap()
            .starts_with("k4.secret.")
    );
}

#[test]
fn authorize_with_a_key_issues_a_proof_that_verify_accepts() {
    let dir = folder("authorize");
    let key = keygen(&dir, "issuer");
    let decision = json(&openleash(&[
        "authorize",
        "--policy",
        POLICY,
        "--key",
        s(&key),
        "--now",
        NOW,
        SMALL,
    ]));
    assert_eq!(decision["result"], "ALLOW");
    assert_eq!(decision["proof_expires_at"], "2025-03-01T12:05:00.000Z");
    let token = decision["proof_token"].as_str().unwrap();
    let hash = decision["action_hash"].as_str().unwrap();
    let claims = json(&openleash(&[
        "verify",
        token,
        "--key",
        s(&key),
        "--now",
        "2025-03-01T12:04:59Z",
        "--expect-action-hash",
        hash,
        "--expect-agent-id",
        "shopping-agent",
        "--expect-action-type",
        "purchase.item",
    ]));
    assert_eq!(claims["decision_id"], decision["decision_id"]);
    assert_eq!(claims["matched_rule_id"], "small_purchase");

    // The same public key given other ways.
    let file: Json = serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    let public = file["public_key_b64"].as_str().unwrap();
    json(&openleash(&[
        "verify",
        token,
        "--public-key",
        public,
        "--now",
        NOW,
    ]));
    let summary = json(&openleash(&["keygen", "--paserk"]));
    let stranger = summary["paserk_public"].as_str().unwrap();
    let refused = openleash(&["verify", token, "--paserk", stranger, "--now", NOW]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("TOKEN_BAD_SIGNATURE"),
        "{}",
        stderr(&refused)
    );

    // Each refusal has its code and exit code 1.
    for (args, code) in [
        (vec!["--now", "2025-03-01T12:05:00Z"], "TOKEN_EXPIRED"),
        (vec!["--now", "2025-03-01T11:59:59Z"], "TOKEN_NOT_YET_VALID"),
        (
            vec!["--now", NOW, "--purpose", "approval"],
            "TOKEN_WRONG_PURPOSE",
        ),
        (
            vec!["--now", NOW, "--expect-action-hash", "00"],
            "TOKEN_CLAIM_MISMATCH",
        ),
    ] {
        let mut all = vec!["verify", token, "--key", s(&key)];
        all.extend(args);
        let output = openleash(&all);
        assert_eq!(output.status.code(), Some(1), "{code}");
        assert!(
            stderr(&output).contains(code),
            "{code}: {}",
            stderr(&output)
        );
    }
    // A leeway keeps a just-expired token valid.
    json(&openleash(&[
        "verify",
        token,
        "--key",
        s(&key),
        "--now",
        "2025-03-01T12:05:01Z",
        "--leeway",
        "2",
    ]));
    let output = openleash(&["verify", "v4.local.AAAA", "--key", s(&key)]);
    assert!(
        stderr(&output).contains("TOKEN_UNSUPPORTED"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn authorize_with_a_key_issues_nothing_when_no_proof_is_due() {
    let dir = folder("no-proof");
    let key = keygen(&dir, "issuer");
    let output = openleash(&[
        "authorize",
        "--policy",
        POLICY,
        "--key",
        s(&key),
        "--now",
        NOW,
        "examples/purchases/deny-gift-card.json",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let decision: Json = serde_json::from_slice(&output.stdout).unwrap();
    assert!(decision.get("proof_token").is_none());
    assert!(decision.get("proof_expires_at").is_none());
}

#[test]
fn a_revoked_or_public_only_key_fails_closed() {
    let dir = folder("revoked");
    let key = keygen(&dir, "old");
    let mut file: Json = serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    file["revoked_at"] = Json::String("2025-01-01T00:00:00.000Z".to_owned());
    let revoked = dir.join("revoked.json");
    std::fs::write(&revoked, file.to_string()).unwrap();
    let output = openleash(&[
        "authorize",
        "--policy",
        POLICY,
        "--key",
        s(&revoked),
        "--now",
        NOW,
        SMALL,
    ]);
    assert_eq!(
        output.status.code(),
        Some(3),
        "a proof that cannot be issued denies"
    );
    let decision: Json = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(decision["error"]["code"], "TOKEN_REVOKED_KEY");

    file.as_object_mut().unwrap().remove("private_key_b64");
    file["revoked_at"] = Json::Null;
    let public_only = dir.join("public.json");
    std::fs::write(&public_only, file.to_string()).unwrap();
    let output = openleash(&[
        "authorize",
        "--policy",
        POLICY,
        "--key",
        s(&public_only),
        "--now",
        NOW,
        SMALL,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("KEY_NOT_SIGNING"),
        "{}",
        stderr(&output)
    );

    file["kid"] = Json::String("x".to_owned());
    file["revoke_at"] = Json::Null;
    let misspelt = dir.join("misspelt.json");
    std::fs::write(&misspelt, file.to_string()).unwrap();
    let output = openleash(&["verify", "v4.public.AAAA", "--key", s(&misspelt)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("KEY_INVALID_FILE"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn sign_request_rejects_unverifiable_fields() {
    let dir = folder("unverifiable");
    let key = keygen(&dir, "agent");
    for (agent_id, path, nonce, code) in [
        ("", "/v1/authorize", "n-1", "MISSING_HEADERS"),
        ("agent-7", "/v1/authorize", "", "MISSING_HEADERS"),
        ("agent-7", "/v1/authorize\nGET", "n-1", "INVALID_HEADERS"),
    ] {
        let output = openleash(&[
            "sign-request",
            "--key",
            s(&key),
            "--agent-id",
            agent_id,
            "--method",
            "POST",
            "--path",
            path,
            "--now",
            NOW,
            "--nonce",
            nonce,
        ]);
        assert_eq!(output.status.code(), Some(1), "{code}");
        assert!(output.stdout.is_empty(), "{code}");
        assert!(stderr(&output).contains(code), "{}", stderr(&output));
    }
}

#[test]
fn signed_requests_verify_once_per_body_path_and_time() {
    let dir = folder("requests");
    let key = keygen(&dir, "agent");
    let body = dir.join("body.json");
    std::fs::write(&body, br#"{"action_type":"purchase"}"#).unwrap();
    let headers = json(&openleash(&[
        "sign-request",
        "--key",
        s(&key),
        "--agent-id",
        "agent-7",
        "--method",
        "POST",
        "--path",
        "/v1/authorize",
        "--body",
        s(&body),
        "--now",
        NOW,
        "--nonce",
        "n-1",
    ]));
    assert_eq!(headers["X-Nonce"], "n-1");
    assert_eq!(headers["X-Timestamp"], "2025-03-01T12:00:00.000Z");
    let headers_file = dir.join("headers.json");
    std::fs::write(&headers_file, headers.to_string()).unwrap();
    let check = |method: &str, path: &str, body: &Path, now: &str| {
        openleash(&[
            "verify-request",
            "--headers",
            s(&headers_file),
            "--key",
            s(&key),
            "--method",
            method,
            "--path",
            path,
            "--body",
            s(body),
            "--now",
            now,
        ])
    };
    assert_eq!(
        check("POST", "/v1/authorize", &body, "2025-03-01T12:04:00Z")
            .status
            .code(),
        Some(0)
    );
    for (output, code) in [
        (
            check("PUT", "/v1/authorize", &body, NOW),
            "INVALID_SIGNATURE",
        ),
        (check("POST", "/v1/other", &body, NOW), "INVALID_SIGNATURE"),
        (
            check("POST", "/v1/authorize", &key, NOW),
            "BODY_HASH_MISMATCH",
        ),
        (
            check("POST", "/v1/authorize", &body, "2025-03-01T12:05:01Z"),
            "TIMESTAMP_SKEW",
        ),
    ] {
        assert_eq!(output.status.code(), Some(1), "{code}");
        assert!(
            stderr(&output).contains(code),
            "{code}: {}",
            stderr(&output)
        );
    }
    let mut partial = headers.clone();
    partial.as_object_mut().unwrap().remove("X-Signature");
    std::fs::write(&headers_file, partial.to_string()).unwrap();
    let output = check("POST", "/v1/authorize", &body, NOW);
    assert!(
        stderr(&output).contains("MISSING_HEADERS"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn authorize_rejects_invalid_owner() {
    let dir = folder("owner");
    let key = keygen(&dir, "issuer");
    let authorize = |owner: &[&str]| {
        let mut args = vec![
            "authorize",
            "--policy",
            POLICY,
            "--key",
            s(&key),
            "--now",
            NOW,
        ];
        args.extend(owner);
        args.push(SMALL);
        openleash(&args)
    };
    for owner in [
        &["--owner-type", "admin", "--owner-id", ""][..],
        &["--owner-type", "admin", "--owner-id", "o-1"],
        &["--owner-type", "User", "--owner-id", "o-1"],
        &["--owner-type", "", "--owner-id", "o-1"],
        &["--owner-type", "org", "--owner-id", ""],
        &["--owner-id", ""],
    ] {
        let output = authorize(owner);
        assert_eq!(output.status.code(), Some(2), "{owner:?}");
        assert!(output.stdout.is_empty(), "{owner:?}: no decision, no proof");
        assert!(
            stderr(&output).contains("KEY_INVALID_SETTINGS"),
            "{owner:?}: {}",
            stderr(&output)
        );
    }

    // The owners the bindings accept are written into the proof, and the
    // type defaults to `user`.
    for (owner, owner_type, owner_id) in [
        (
            &["--owner-type", "org", "--owner-id", "acme"][..],
            "org",
            "acme",
        ),
        (&["--owner-id", "u-1"], "user", "u-1"),
    ] {
        let decision = json(&authorize(owner));
        let token = decision["proof_token"].as_str().unwrap();
        let claims = json(&openleash(&[
            "verify",
            token,
            "--key",
            s(&key),
            "--now",
            NOW,
        ]));
        assert_eq!(claims["owner_type"], owner_type);
        assert_eq!(claims["owner_id"], owner_id);
    }
}
