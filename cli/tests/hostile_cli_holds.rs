//! Hostile inputs to `keygen`, `verify`, `sign-request` and
//! `verify-request`, each handled as documented.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn openleash(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openleash"))
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn folder(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "openleash-hostile-holds-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).unwrap();
    path
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const NOW: &str = "2025-03-01T12:00:00Z";

fn keygen(dir: &Path, kid: &str) -> PathBuf {
    let path = dir.join(format!("{kid}.json"));
    let output = openleash(&["keygen", "--kid", kid, "--out", s(&path)], b"");
    assert!(output.status.success(), "{}", text(&output.stderr));
    path
}

fn proof_token(key: &Path) -> String {
    let output = openleash(
        &[
            "authorize",
            "--policy",
            "examples/purchases/policy.yaml",
            "--key",
            s(key),
            "--now",
            NOW,
            "examples/purchases/allow-small-purchase.json",
        ],
        b"",
    );
    let decision: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    decision["proof_token"].as_str().unwrap().to_owned()
}

#[test]
fn keygen_never_follows_or_replaces_a_path() {
    let dir = folder("keygen");
    let target = dir.join("target.json");
    let link = dir.join("link.json");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let output = openleash(&["keygen", "--out", s(&link)], b"");
        assert_eq!(output.status.code(), Some(2));
        assert!(!target.exists(), "followed a dangling symlink");
    }
    std::fs::write(&target, "keep").unwrap();
    let output = openleash(&["keygen", "--out", s(&target)], b"");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    let control = openleash(&["keygen", "--kid", "a\u{7}b"], b"");
    assert_eq!(control.status.code(), Some(1));
    assert!(text(&control.stderr).contains("KEY_INVALID_KID"));
}

#[test]
fn verify_with_revoked_key_files_and_key_mixes() {
    let dir = folder("revoked");
    let key = keygen(&dir, "issuer");
    let token = proof_token(&key);
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    // Revoked at 12:00:00.500Z, written with an offset.
    file["revoked_at"] = "2025-03-01T13:00:00.500+01:00".into();
    let revoked = dir.join("revoked.json");
    std::fs::write(&revoked, file.to_string()).unwrap();
    let output = openleash(
        &[
            "verify",
            &token,
            "--key",
            s(&revoked),
            "--now",
            "2025-03-01T12:00:01Z",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("TOKEN_REVOKED_KEY"));

    // Two keys, neither named by the token: refused before any signature.
    let other = keygen(&dir, "other");
    let third = keygen(&dir, "third");
    let output = openleash(
        &[
            "verify",
            &token,
            "--key",
            s(&other),
            "--key",
            s(&third),
            "--now",
            NOW,
        ],
        b"",
    );
    assert!(text(&output.stderr).contains("TOKEN_UNKNOWN_KEY"));

    // A secret PASERK is not accepted where a public one is expected.
    let summary = openleash(&["keygen", "--paserk"], b"");
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let secret = summary["paserk_secret"].as_str().unwrap();
    let output = openleash(&["verify", &token, "--paserk", secret, "--now", NOW], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(!text(&output.stderr).contains(&secret["k4.secret.".len()..]));
}

#[test]
fn verify_rejects_hostile_stdin_quickly() {
    let dir = folder("stdin");
    let key = keygen(&dir, "issuer");
    let started = Instant::now();
    for input in [
        vec![0u8; 50_000_000],
        b"\xff\xfe\xfd".to_vec(),
        b"v4.public.".repeat(100_000),
        Vec::new(),
        b"   \n\t ".to_vec(),
    ] {
        let output = openleash(&["verify", "-", "--key", s(&key), "--now", NOW], &input);
        assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    let token = proof_token(&key);
    let output = openleash(
        &["verify", "-", "--key", s(&key), "--now", NOW],
        format!("\n {token}\r\n").as_bytes(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn verify_request_refuses_altered_requests() {
    let dir = folder("request");
    let key = keygen(&dir, "agent");
    let body = dir.join("body.json");
    std::fs::write(&body, "{\"amount\": 5}").unwrap();
    let signed = openleash(
        &[
            "sign-request",
            "--key",
            s(&key),
            "--agent-id",
            "agent",
            "--method",
            "POST",
            "--path",
            "/v1/x",
            "--body",
            s(&body),
            "--now",
            NOW,
        ],
        b"",
    );
    let headers = text(&signed.stdout);
    let check = |headers: &str, method: &str, body_text: &str| {
        let path = dir.join("headers.json");
        std::fs::write(&path, headers).unwrap();
        std::fs::write(&body, body_text).unwrap();
        openleash(
            &[
                "verify-request",
                "--headers",
                s(&path),
                "--key",
                s(&key),
                "--method",
                method,
                "--path",
                "/v1/x",
                "--body",
                s(&body),
                "--now",
                NOW,
            ],
            b"",
        )
    };
    assert!(check(&headers, "POST", "{\"amount\": 5}").status.success());
    let mut lower = headers.clone();
    for name in [
        "X-Agent-Id",
        "X-Timestamp",
        "X-Nonce",
        "X-Body-Sha256",
        "X-Signature",
    ] {
        lower = lower.replace(name, &name.to_lowercase());
    }
    assert!(
        check(&lower, "POST", "{\"amount\": 5}").status.success(),
        "lower-case names"
    );
    let output = check(&headers, "POST", "{\"amount\": 500}");
    assert!(text(&output.stderr).contains("BODY_HASH_MISMATCH"));
    let output = check(&headers, "PUT", "{\"amount\": 5}");
    assert!(text(&output.stderr).contains("INVALID_SIGNATURE"));
    let output = check("[]", "POST", "");
    assert_eq!(output.status.code(), Some(1));
    let output = check("{\"X-Nonce\": 1}", "POST", "");
    assert_eq!(output.status.code(), Some(1));
}
