//! The policy test runner behind `openleash test`.
//!
//! It runs two kinds of files:
//!
//! - policy test files (YAML or JSON) with policies, actions and expected
//!   decisions; `docs/testing.md` describes the format;
//! - OpenLeash conformance corpus files (`{"kind": ..., "cases": [...]}`),
//!   whose expected values come from the OpenLeash reference engine. Cases
//!   where this engine deliberately differs are listed in a
//!   `deviations.json` file beside the corpus file (or in its parent
//!   folder), each with the reason and the behaviour this engine has
//!   instead; such a case passes when it shows that behaviour.

mod compare;
mod corpus;
mod deviations;
mod testfile;
mod token;

use std::fmt;
use std::path::Path;

pub use deviations::Deviations;

/// The outcome of one test case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseOutcome {
    /// The case id or name.
    pub id: String,
    pub status: CaseStatus,
    /// The failure or deviation reason; empty for a plain pass.
    pub detail: String,
}

/// Whether a case passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseStatus {
    Passed,
    /// Passed by showing the behaviour its deviation entry describes.
    PassedAsDeviation,
    Failed,
}

impl CaseOutcome {
    fn passed(id: &str) -> CaseOutcome {
        CaseOutcome {
            id: id.to_owned(),
            status: CaseStatus::Passed,
            detail: String::new(),
        }
    }

    fn failed(id: &str, detail: String) -> CaseOutcome {
        CaseOutcome {
            id: id.to_owned(),
            status: CaseStatus::Failed,
            detail,
        }
    }

    fn from_check(id: &str, check: Result<(), String>) -> CaseOutcome {
        match check {
            Ok(()) => CaseOutcome::passed(id),
            Err(detail) => CaseOutcome::failed(id, detail),
        }
    }
}

/// A test file that could not be read at all.
#[derive(Debug)]
pub struct SuiteError {
    message: String,
}

impl SuiteError {
    fn new(message: String) -> SuiteError {
        SuiteError { message }
    }
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SuiteError {}

/// Runs every case of one file. Corpus files use the deviations found beside
/// them; policy test files resolve policy paths relative to themselves.
pub fn run_file(path: &Path) -> Result<Vec<CaseOutcome>, SuiteError> {
    let bytes =
        crate::input::read_limited(path, testfile::MAX_TEST_FILE_BYTES).map_err(SuiteError::new)?;
    if bytes.len() > testfile::MAX_TEST_FILE_BYTES {
        return Err(SuiteError::new(format!(
            "{} is larger than the limit of {} bytes for test files",
            path.display(),
            testfile::MAX_TEST_FILE_BYTES
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| SuiteError::new(format!("{} is not valid UTF-8", path.display())))?;
    if corpus::is_corpus_file(&text) {
        let deviations = Deviations::find_beside(path)?;
        corpus::run(&text, &deviations)
            .map_err(|message| SuiteError::new(format!("{}: {message}", path.display())))
    } else {
        let base = path.parent().unwrap_or(Path::new("."));
        testfile::run(&text, base)
            .map_err(|message| SuiteError::new(format!("{}: {message}", path.display())))
    }
}

/// Counts outcomes as `(passed, failed)`; deviations count as passed.
pub fn count(outcomes: &[CaseOutcome]) -> (usize, usize) {
    let mut totals = (0, 0);
    for outcome in outcomes {
        match outcome.status {
            CaseStatus::Passed | CaseStatus::PassedAsDeviation => totals.0 += 1,
            CaseStatus::Failed => totals.1 += 1,
        }
    }
    totals
}
