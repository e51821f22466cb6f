//! Diagnostics: what is wrong with a policy, where, in stable codes.

use std::fmt;

/// One problem found in a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    code: &'static str,
    message: String,
    path: String,
    line: u32,
    column: u32,
}

impl Diagnostic {
    pub(crate) fn new(
        code: &'static str,
        message: String,
        path: String,
        line: u32,
        column: u32,
    ) -> Diagnostic {
        Diagnostic {
            code,
            message,
            path,
            line,
            column,
        }
    }

    /// Stable machine-readable code, e.g. `POLICY_UNKNOWN_KEY` or
    /// `REGEX_UNSUPPORTED`. The policy-language reference lists them all.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// One lowercase sentence naming the offending value.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where in the document, e.g. `rules[2].when.match.op`; empty for the
    /// document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// 1-based line in the YAML text.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column in the YAML text, counted in characters.
    pub fn column(&self) -> u32 {
        self.column
    }
}

impl fmt::Display for Diagnostic {
    /// `line:column: CODE: message (at path)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.code, self.message
        )?;
        if !self.path.is_empty() {
            write!(f, " (at {})", self.path)?;
        }
        Ok(())
    }
}

/// A policy that failed to load, with every problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    diagnostics: Vec<Diagnostic>,
}

impl PolicyError {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> PolicyError {
        PolicyError { diagnostics }
    }

    /// The code of the first diagnostic.
    pub fn code(&self) -> &'static str {
        self.diagnostics
            .first()
            .map_or("POLICY_INVALID", Diagnostic::code)
    }

    /// All problems, in document order. Never empty.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.diagnostics.as_slice() {
            [only] => write!(f, "invalid policy: {only}"),
            all => {
                write!(f, "invalid policy: {} problems", all.len())?;
                for diagnostic in all {
                    write!(f, "\n  {diagnostic}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PolicyError {}
