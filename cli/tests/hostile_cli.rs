//! The `openleash` key, token and request-signature commands under hostile
//! input: unsigned agent ids, duplicate header spellings, oversized input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn openleash(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openleash"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may stop reading early; a broken pipe is expected then.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn folder(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "openleash-hostile-cli-{}-{name}",
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

/// Writes an agent key and the headers it signs for `POST /v1/x` with an
/// empty body; returns the key file and the headers as JSON text.
fn signed_request(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("agent.json");
    let made = openleash(&["keygen", "--kid", "agent-1", "--out", s(&key)], b"");
    assert!(made.status.success(), "{}", text(&made.stderr));
    let signed = openleash(
        &[
            "sign-request",
            "--key",
            s(&key),
            "--agent-id",
            "agent-1",
            "--method",
            "POST",
            "--path",
            "/v1/x",
            "--nonce",
            "n-1",
            "--now",
            NOW,
        ],
        b"",
    );
    assert!(signed.status.success(), "{}", text(&signed.stderr));
    (key, text(&signed.stdout))
}

fn verify_request(dir: &Path, key: &Path, headers: &str) -> Output {
    let path = dir.join("headers.json");
    std::fs::write(&path, headers).unwrap();
    openleash(
        &[
            "verify-request",
            "--headers",
            s(&path),
            "--key",
            s(key),
            "--method",
            "POST",
            "--path",
            "/v1/x",
            "--now",
            NOW,
        ],
        b"",
    )
}

#[test]
fn verify_request_does_not_vouch_for_unsigned_agent_id() {
    let dir = folder("agent-id");
    let (key, headers) = signed_request(&dir);
    let forged = headers.replace("\"X-Agent-Id\":\"agent-1\"", "\"X-Agent-Id\":\"admin\"");
    assert_ne!(forged, headers);

    // X-Agent-Id is not signed, and the key file's kid (agent-1) is not
    // compared with it, yet the output names "admin" as the signer.
    let output = verify_request(&dir, &key, &forged);
    let stdout = text(&output.stdout);
    assert!(
        !(output.status.success() && stdout.contains("admin")),
        "{stdout}"
    );
}

#[test]
fn verify_request_refuses_two_spellings_of_a_header() {
    let dir = folder("spellings");
    let (key, headers) = signed_request(&dir);
    let doubled = headers.replace(
        "\"X-Agent-Id\":\"agent-1\"",
        "\"X-Agent-Id\":\"agent-1\",\"x-agent-id\":\"admin\"",
    );
    assert_ne!(doubled, headers);

    // The command reads the first spelling; the bindings (through
    // `host::signed_headers_from_value`) read the last one.
    let output = verify_request(&dir, &key, &doubled);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
}

#[test]
fn oversized_token_on_stdin_reports_too_large() {
    let dir = folder("stdin");
    let key = dir.join("issuer.json");
    assert!(
        openleash(&["keygen", "--kid", "issuer", "--out", s(&key)], b"")
            .status
            .success()
    );
    // 80,000 bytes of two-byte characters: the 65,537-byte read cuts one
    // in half, and the error is then about UTF-8, with no code.
    let input = "é".repeat(40_000);
    let output = openleash(&["verify", "-", "--key", s(&key)], input.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("TOKEN_TOO_LARGE"), "{stderr}");
}

#[test]
fn oversized_headers_file_reports_too_large() {
    let dir = folder("headers-size");
    let (key, headers) = signed_request(&dir);
    let headers = headers.trim_end();
    let limit = 64 * 1024;

    // A file of exactly the limit is read whole.
    let exact = format!("{headers}{}", " ".repeat(limit - headers.len()));
    let output = verify_request(&dir, &key, &exact);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    // One byte more, a value longer than the limit, and text hidden past
    // the limit are all rejected as too large, never cut short.
    let long_value = headers.replacen(
        '{',
        &format!("{{\"X-Extra\":\"{}\",", "x".repeat(70_000)),
        1,
    );
    let hidden = format!("{headers}{}garbage", " ".repeat(limit));
    for (name, file) in [
        ("one byte over", format!("{exact} ")),
        ("long value", long_value),
        ("hidden text", hidden),
    ] {
        let output = verify_request(&dir, &key, &file);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains("JSON_TOO_LARGE"), "{name}: {stderr}");
    }
}

#[test]
fn stdin_token_size_matches_argument() {
    let dir = folder("stdin-size");
    let key = dir.join("issuer.json");
    assert!(
        openleash(&["keygen", "--kid", "issuer", "--out", s(&key)], b"")
            .status
            .success()
    );
    let verify = |token: &str, stdin: &[u8]| {
        let output = openleash(&["verify", token, "--key", s(&key)], stdin);
        assert_eq!(output.status.code(), Some(1));
        text(&output.stderr)
    };
    // A token of 65,536 bytes, the maximum, passes the size check and fails only
    // on its signature, as an argument and on standard input with the
    // whitespace a shell adds around it.
    let largest = format!("v4.public.{}", "A".repeat(65_526));
    let as_argument = verify(&largest, b"");
    assert!(as_argument.contains("TOKEN_BAD_SIGNATURE"), "{as_argument}");
    for stdin in [
        largest.clone(),
        format!("{largest}\n"),
        format!("{largest}\r\n"),
        format!("  {largest}\n\n"),
    ] {
        assert_eq!(
            verify("-", stdin.as_bytes()),
            as_argument,
            "{:?}",
            &stdin[65_530..]
        );
    }

    // One byte more is too large either way.
    let too_large = format!("{largest}A");
    assert!(verify(&too_large, b"").contains("TOKEN_TOO_LARGE"));
    assert!(verify("-", format!("{too_large}\n").as_bytes()).contains("TOKEN_TOO_LARGE"));

    // Endless whitespace is not read to its end.
    let endless = " ".repeat(10 * 1024 * 1024);
    let rejected = verify("-", endless.as_bytes());
    assert!(rejected.contains("TOKEN_TOO_LARGE"), "{rejected}");
}
