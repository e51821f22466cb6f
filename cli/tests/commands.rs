//! The `openleash` commands end to end: output formats and exit codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn scratch_file(name: &str, text: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("openleash-cli-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn authorize_exit_codes_follow_the_result() {
    let purchases = "examples/purchases/policy.yaml";
    let cases = [
        ("examples/purchases/allow-small-purchase.json", 0, "ALLOW"),
        ("examples/purchases/deny-over-limit.json", 3, "DENY"),
        (
            "examples/purchases/require-approval-large-purchase.json",
            4,
            "REQUIRE_APPROVAL",
        ),
        (
            "examples/purchases/require-step-up-medium-purchase.json",
            5,
            "REQUIRE_STEP_UP",
        ),
        (
            "examples/purchases/require-deposit-equipment-rental.json",
            6,
            "REQUIRE_DEPOSIT",
        ),
    ];
    for (action, code, result) in cases {
        let output = openleash(&["authorize", "--policy", purchases, action]);
        assert_eq!(output.status.code(), Some(code), "{action}");
        let decision: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(decision["result"], result, "{action}");
    }
}

#[test]
fn authorize_layers_several_policies() {
    let output = openleash(&[
        "authorize",
        "--policy",
        "examples/layered/agent.yaml",
        "--policy",
        "examples/layered/owner.yaml",
        "--now",
        "2025-03-01T12:00:00Z",
        "examples/layered/deny-account-deletion.json",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let decision: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(decision["decided_at"], "2025-03-01T12:00:00.000Z");
}

#[test]
fn authorize_denies_invalid_action_json() {
    let action = scratch_file("broken.json", "{\"action_id\": ");
    let output = openleash(&[
        "authorize",
        "--policy",
        "examples/purchases/policy.yaml",
        path_str(&action),
    ]);
    assert_eq!(output.status.code(), Some(3));
    let decision: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(decision["error"]["code"], "JSON_SYNTAX");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.matches("JSON_SYNTAX").count(), 1, "{stderr}");
}

#[test]
fn authorize_explain_prints_the_trace() {
    let output = openleash(&[
        "authorize",
        "--explain",
        "--policy",
        "examples/purchases/policy.yaml",
        "examples/purchases/allow-small-purchase.json",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("result:   ALLOW\n"), "{text}");
    assert!(text.contains("small_purchase: MATCH"), "{text}");
    assert!(text.contains("trace ("), "{text}");
}

#[test]
fn authorize_rejects_a_bad_time() {
    let output = openleash(&[
        "authorize",
        "--now",
        "yesterday",
        "--policy",
        "examples/purchases/policy.yaml",
        "examples/purchases/allow-small-purchase.json",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn validate_prints_file_line_column_code() {
    let policy = scratch_file(
        "bad.yaml",
        "version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: permit\n    action: a\n",
    );
    let output = openleash(&["validate", path_str(&policy)]);
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "{}:5:13: POLICY_INVALID_VALUE: effect must be allow or deny, found \"permit\"\n",
        policy.display()
    );
    assert_eq!(stdout(&output), expected);
}

#[test]
fn validate_accepts_the_examples() {
    let output = openleash(&[
        "validate",
        "examples/purchases/policy.yaml",
        "examples/layered/owner.yaml",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output).lines().count(), 2);
    assert!(stdout(&output).contains("valid ("));
}

#[test]
fn hash_prints_canonical_json_and_hash() {
    let vectors = std::fs::read_to_string(
        root().join("tests/conformance/openleash/openleash-testvectors.json"),
    )
    .unwrap();
    let vectors: serde_json::Value = serde_json::from_str(&vectors).unwrap();
    let action = scratch_file("vector-action.json", &vectors["action"].to_string());
    let output = openleash(&["hash", "--raw", path_str(&action)]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            vectors["canonical_json"].as_str().unwrap(),
            vectors["action_hash"].as_str().unwrap()
        ]
    );
}

#[test]
fn hash_rejects_an_invalid_action() {
    let output = openleash(&["hash", "examples/purchases/policy.yaml"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn test_command_runs_the_examples() {
    let files: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path().join("tests.yaml"))
        .filter(|path| path.is_file())
        .map(|path| path.display().to_string())
        .collect();
    assert_eq!(files.len(), 5);
    let mut args = vec!["test"];
    args.extend(files.iter().map(String::as_str));
    let output = openleash(&args);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let last = text.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{text}");
}

#[test]
fn test_command_reports_failures_and_unknown_keys() {
    let failing = scratch_file(
        "failing.yaml",
        "policies: [{yaml: \"version: 1\\ndefault: deny\\nrules: []\\n\"}]\ncases:\n  - name: wrong\n    action: {action_id: x}\n    expect: {result: ALLOW}\n  - name: right\n    action: {action_id: x}\n    expect: {result: DENY, error: ACTION_INVALID_UUID}\n  - name: typo\n    action: {action_id: x}\n    expect: {resutl: DENY}\n",
    );
    let output = openleash(&["test", path_str(&failing)]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("FAIL") && text.contains("wrong"), "{text}");
    assert!(text.contains("unknown key \"resutl\""), "{text}");
    assert_eq!(text.lines().last(), Some("1 passed, 2 failed"));
}
