//! The list of conformance cases where this engine deliberately differs
//! from the OpenLeash reference.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::SuiteError;

/// File name searched beside a corpus file and in its parent folder.
pub const DEVIATIONS_FILE: &str = "deviations.json";

/// One deliberate difference.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// The corpus case id.
    pub id: String,
    /// The reason this engine differs.
    pub reason: String,
    /// The behaviour this engine shows instead (see [`Expected`]).
    pub ours: Expected,
}

/// The behaviour a deviating case must show. Every field given is checked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// A policy layer is rejected with a diagnostic of this code.
    pub policy_error: Option<String>,
    /// The action is rejected with an issue of this code.
    pub action_error: Option<String>,
    /// The canonical-JSON input is rejected with this code.
    pub input_error: Option<String>,
    /// A binding record is rejected with this code.
    pub binding_error: Option<String>,
    /// The decision has these fields (`result`, `matched_rule_id`, `reason`).
    pub decision: Option<serde_json::Value>,
    /// The bindings order into these policy ids.
    pub ordered_policy_ids: Option<Vec<String>>,
    /// For token cases, one entry per verification: `null` when the token
    /// verifies, else this engine's error code.
    pub token_verify: Option<Vec<Option<String>>>,
    /// The canonical JSON, for canonical cases.
    pub canonical_json: Option<String>,
}

/// Deviations by case id.
#[derive(Clone, Debug, Default)]
pub struct Deviations {
    by_id: HashMap<String, Deviation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviationsFile {
    #[allow(dead_code)]
    description: String,
    deviations: Vec<Deviation>,
}

impl Deviations {
    /// Loads `deviations.json` from the folder of `corpus_file` or its
    /// parent; no file means no deviations.
    pub fn find_beside(corpus_file: &Path) -> Result<Deviations, SuiteError> {
        let folder = corpus_file.parent().unwrap_or(Path::new("."));
        let candidates = [
            folder.join(DEVIATIONS_FILE),
            folder.join("..").join(DEVIATIONS_FILE),
        ];
        for candidate in candidates {
            if candidate.is_file() {
                return Deviations::load(&candidate);
            }
        }
        Ok(Deviations::default())
    }

    /// Loads a deviations file.
    pub fn load(path: &Path) -> Result<Deviations, SuiteError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| SuiteError::new(format!("cannot read {}: {error}", path.display())))?;
        let file: DeviationsFile = serde_json::from_str(&text).map_err(|error| {
            SuiteError::new(format!(
                "invalid deviations file {}: {error}",
                path.display()
            ))
        })?;
        let mut by_id = HashMap::new();
        for deviation in file.deviations {
            if let Some(previous) = by_id.insert(deviation.id.clone(), deviation) {
                return Err(SuiteError::new(format!(
                    "{} lists the case {:?} twice",
                    path.display(),
                    previous.id
                )));
            }
        }
        Ok(Deviations { by_id })
    }

    /// The deviation for a case, if listed.
    pub fn get(&self, id: &str) -> Option<&Deviation> {
        self.by_id.get(id)
    }

    /// Number of listed deviations.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Returns true when nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
