//! The error type of YAML loading.

use core::fmt;

use super::Mark;

const SYNTAX: &str = "YAML_SYNTAX";
const DUPLICATE_KEY: &str = "YAML_DUPLICATE_KEY";
const MULTIPLE_DOCUMENTS: &str = "YAML_MULTIPLE_DOCUMENTS";
const TOO_LARGE: &str = "YAML_TOO_LARGE";
const TOO_DEEP: &str = "YAML_TOO_DEEP";
const TOO_MANY_NODES: &str = "YAML_TOO_MANY_NODES";
const UNSUPPORTED: &str = "YAML_UNSUPPORTED";

/// The reason [`parse`](super::parse) rejected a YAML text, with its
/// position.
///
/// Displays as `MESSAGE at line L, column C`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    code: &'static str,
    message: String,
    mark: Mark,
}

impl YamlError {
    /// Returns the stable error code: `YAML_SYNTAX`, `YAML_DUPLICATE_KEY`,
    /// `YAML_MULTIPLE_DOCUMENTS`, `YAML_TOO_LARGE`, `YAML_TOO_DEEP`,
    /// `YAML_TOO_MANY_NODES` or `YAML_UNSUPPORTED`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Returns the message: one lowercase sentence without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the position of the problem (1:1 for `YAML_TOO_LARGE`).
    pub fn mark(&self) -> Mark {
        self.mark
    }

    pub(super) fn syntax(message: impl Into<String>, mark: Mark) -> Self {
        Self::new(SYNTAX, message.into(), mark)
    }

    pub(super) fn duplicate_key(key: &str, mark: Mark) -> Self {
        Self::new(DUPLICATE_KEY, format!("duplicate mapping key {key}"), mark)
    }

    pub(super) fn multiple_documents(mark: Mark) -> Self {
        Self::new(
            MULTIPLE_DOCUMENTS,
            "the text contains more than one document".to_owned(),
            mark,
        )
    }

    pub(super) fn too_large(length: usize, max_bytes: usize) -> Self {
        Self::new(
            TOO_LARGE,
            format!("the text is {length} bytes long, more than the maximum of {max_bytes}"),
            Mark { line: 1, column: 1 },
        )
    }

    pub(super) fn too_deep(message: impl Into<String>, mark: Mark) -> Self {
        Self::new(TOO_DEEP, message.into(), mark)
    }

    pub(super) fn too_many_nodes(max_nodes: usize, mark: Mark) -> Self {
        Self::new(
            TOO_MANY_NODES,
            format!(
                "the document has more than {max_nodes} nodes, counting those that aliases copy"
            ),
            mark,
        )
    }

    pub(super) fn unsupported(message: impl Into<String>, mark: Mark) -> Self {
        Self::new(UNSUPPORTED, message.into(), mark)
    }

    fn new(code: &'static str, message: String, mark: Mark) -> Self {
        Self {
            code,
            message,
            mark,
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {}",
            self.message, self.mark.line, self.mark.column
        )
    }
}

impl std::error::Error for YamlError {}
