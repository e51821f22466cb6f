//! The OpenLeash conformance corpus through the Rust API (the suite runner
//! calls the core directly) and through the `openleash test` binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::process::Command;

use openleash_cli::suite::{self, CaseStatus, Deviations};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/openleash")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_case_passes_through_the_api() {
    let mut total = 0;
    let mut deviations_shown = 0;
    for file in corpus_files() {
        let outcomes = suite::run_file(&file).unwrap();
        for outcome in &outcomes {
            assert_ne!(
                outcome.status,
                CaseStatus::Failed,
                "{}: {}: {}",
                file.display(),
                outcome.id,
                outcome.detail
            );
            if outcome.status == CaseStatus::PassedAsDeviation {
                deviations_shown += 1;
            }
        }
        total += outcomes.len();
    }
    // 299 cases in the corpus files plus three checks of the cross-language
    // vector file (action hash, request signature, token).
    assert_eq!(total, 302);
    let listed = Deviations::load(&corpus_dir().join("../deviations.json")).unwrap();
    assert_eq!(
        deviations_shown,
        listed.len(),
        "every listed deviation is exercised"
    );
}

#[test]
fn openleash_test_runs_the_corpus() {
    let output = Command::new(env!("CARGO_BIN_EXE_openleash"))
        .arg("test")
        .args(corpus_files())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("302 passed, 0 failed"));
}

#[test]
fn listed_deviation_that_matches_the_reference_fails() {
    let folder = std::env::temp_dir().join(format!("openleash-deviation-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let corpus = r#"{"group": "g", "kind": "canonical", "description": "d", "reference": "r",
        "cases": [{"id": "sorted", "description": "d", "input": "{\"b\":1,\"a\":2}",
                   "canonical_json": "{\"a\":2,\"b\":1}",
                   "sha256": "d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772"}]}"#;
    std::fs::write(folder.join("corpus.json"), corpus).unwrap();
    let deviations = r#"{"description": "d", "deviations": [
        {"id": "sorted", "reason": "r", "ours": {"canonical_json": "{\"a\":2,\"b\":1}"}}]}"#;
    std::fs::write(folder.join("deviations.json"), deviations).unwrap();
    let outcomes = suite::run_file(&folder.join("corpus.json")).unwrap();
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].status, CaseStatus::Failed);
}
