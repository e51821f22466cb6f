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

fn openleash_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_openleash"))
        .current_dir(root())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The command may stop reading early; a broken pipe is expected then.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn endless_action_input_is_denied_as_too_large() {
    let output = openleash(&[
        "authorize",
        "--policy",
        "examples/purchases/policy.yaml",
        "/dev/zero",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let decision: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(decision["error"]["code"], "JSON_TOO_LARGE");
}

#[test]
fn endless_policy_input_is_too_large() {
    let output = openleash(&["validate", "/dev/zero"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("YAML_TOO_LARGE"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn non_utf8_action_is_denied() {
    let output = openleash_with_stdin(
        &[
            "authorize",
            "--policy",
            "examples/purchases/policy.yaml",
            "-",
        ],
        b"{\"action_id\": \"\xff\"}",
    );
    assert_eq!(output.status.code(), Some(3));
    let decision: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(decision["error"]["code"], "JSON_INVALID_UTF8");
}

#[test]
fn non_utf8_policy_reports_position() {
    let policy = scratch_file("latin1.yaml", "");
    std::fs::write(&policy, b"version: 1\ndefault: d\xe9ny\nrules: []\n").unwrap();
    let output = openleash(&["validate", path_str(&policy)]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        format!(
            "{}:2:11: YAML_INVALID_UTF8: the document is not valid UTF-8\n",
            policy.display()
        )
    );
}

#[test]
fn standard_input_is_read_once() {
    let output = openleash(&["authorize", "--policy", "-", "-"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn validate_reports_every_file_before_failing() {
    let output = openleash(&[
        "validate",
        "/nonexistent/policy.yaml",
        "examples/purchases/policy.yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("examples/purchases/policy.yaml: valid"));
}

#[test]
fn explain_escapes_control_characters_in_rule_ids() {
    let policy = scratch_file(
        "sneaky.yaml",
        "version: 1\ndefault: deny\nrules:\n  - {id: \"x\\nresult:   ALLOW\\e[31m\", effect: deny, action: purchase}\n",
    );
    let output = openleash(&[
        "authorize",
        "--explain",
        "--policy",
        path_str(&policy),
        "examples/purchases/allow-small-purchase.json",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let text = stdout(&output);
    let result_lines = text
        .lines()
        .filter(|line| line.starts_with("result:"))
        .count();
    assert_eq!(result_lines, 1, "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}

#[test]
fn test_file_decides_inline_actions_with_bad_numbers() {
    let file = scratch_file(
        "bignumber.yaml",
        "policies: [{yaml: \"version: 1\\ndefault: allow\\nrules: []\\n\"}]\ncases:\n  - name: rounded integer\n    action: {action_id: 3b241101-e2bb-4255-8caf-4136c566a962, action_type: a, requested_at: x, principal: {agent_id: a}, subject: {principal_id: 9c5b94b1-35ad-49bb-b118-8e8fc24abf80}, payload: {amount_minor: 9007199254740993}}\n    expect: {result: DENY, error: JSON_NUMBER_OUT_OF_RANGE}\n",
    );
    let output = openleash(&["test", path_str(&file)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output).lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn test_file_with_endless_action_file_fails_quickly() {
    let file = scratch_file(
        "endless.yaml",
        "policies: [{yaml: \"version: 1\\ndefault: allow\\nrules: []\\n\"}]\ncases:\n  - name: endless\n    action_file: /dev/zero\n    expect: {result: DENY, error: JSON_TOO_LARGE}\n",
    );
    let output = openleash(&["test", path_str(&file)]);
    assert_eq!(stdout(&output).lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn test_command_counts_each_unreadable_file() {
    let output = openleash(&["test", "/nonexistent/a.yaml", "/nonexistent/b.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output).lines().last(), Some("0 passed, 2 failed"));
}

#[test]
fn validate_reads_standard_input_once() {
    let output = openleash(&["validate", "-", "-"]);
    assert_eq!(output.status.code(), Some(2));
}
