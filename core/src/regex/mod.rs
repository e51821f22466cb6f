//! ECMAScript regular expressions (no flags, non-Unicode mode with the web
//! compatibility grammar of Annex B) run on the linear-time `regex` crate.
//!
//! OpenLeash policies test values with `new RegExp(pattern).test(value)`.
//! [`JsRegex`] translates such a pattern into the `regex` crate's syntax,
//! keeping JavaScript's meaning: `\d` and `\w` are ASCII, `\s` is
//! JavaScript's whitespace set, `.` excludes line terminators, `^` and `$`
//! anchor the whole input, and the search is unanchored. Matching takes time
//! linear in the input, so no pattern can hang the process.
//!
//! Constructs that need backtracking (lookahead, lookbehind and
//! backreferences) are rejected with `REGEX_UNSUPPORTED` instead of being
//! run with different semantics; invalid JavaScript patterns are rejected
//! with `REGEX_SYNTAX`.
//!
//! NOTE: JavaScript without the `u` flag matches UTF-16 code units, so `.`
//! or a negated class consumes half of a character outside the Basic
//! Multilingual Plane (an emoji), where this engine consumes the whole
//! character. Astral literals before a quantifier or inside a class, where
//! the difference would change a match, are rejected as unsupported.

mod translate;

use std::fmt;

/// Maximum pattern length in characters.
pub const MAX_PATTERN_CHARS: usize = 4096;
/// Maximum nesting of groups and classes in a pattern.
pub const MAX_NESTING: usize = 64;
/// Maximum size in bytes of the compiled program (see `RegexBuilder::size_limit`).
pub const MAX_COMPILED_BYTES: usize = 1 << 20;

/// A compiled ECMAScript pattern. Cheap to clone; safe to share between
/// threads.
#[derive(Clone, Debug)]
pub struct JsRegex {
    source: String,
    compiled: ::regex::Regex,
}

impl JsRegex {
    /// Compiles an ECMAScript pattern as `new RegExp(pattern)` would (no
    /// flags).
    ///
    /// Errors: `REGEX_SYNTAX` when JavaScript would throw a SyntaxError,
    /// `REGEX_UNSUPPORTED` for lookaround, backreferences and astral
    /// characters that JavaScript would split, `REGEX_TOO_LARGE` past
    /// [`MAX_PATTERN_CHARS`], [`MAX_NESTING`] or [`MAX_COMPILED_BYTES`].
    pub fn new(pattern: &str) -> Result<JsRegex, RegexError> {
        let length = pattern.chars().count();
        if length > MAX_PATTERN_CHARS {
            return Err(RegexError::new(
                "REGEX_TOO_LARGE",
                format!(
                    "the pattern has {length} characters, more than the limit of {MAX_PATTERN_CHARS}"
                ),
                MAX_PATTERN_CHARS,
            ));
        }
        let translated = translate::translate(pattern)?;
        let compiled = ::regex::RegexBuilder::new(&translated)
            .size_limit(MAX_COMPILED_BYTES)
            .dfa_size_limit(MAX_COMPILED_BYTES)
            .nest_limit(u32::try_from(MAX_NESTING * 4).unwrap_or(u32::MAX))
            .build()
            .map_err(|error| {
                let message = match error {
                    ::regex::Error::CompiledTooBig(_) => {
                        format!("the compiled pattern is larger than the limit of {MAX_COMPILED_BYTES} bytes")
                    }
                    _ => "the pattern could not be compiled".to_owned(),
                };
                RegexError::new("REGEX_TOO_LARGE", message, 0)
            })?;
        Ok(JsRegex {
            source: pattern.to_owned(),
            compiled,
        })
    }

    /// Returns true when the pattern matches anywhere in `haystack`, like
    /// `RegExp.prototype.test` without flags.
    pub fn is_match(&self, haystack: &str) -> bool {
        self.compiled.is_match(haystack)
    }

    /// The ECMAScript source of the pattern.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// A pattern that cannot be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexError {
    code: &'static str,
    message: String,
    offset: usize,
}

impl RegexError {
    pub(crate) fn new(code: &'static str, message: String, offset: usize) -> RegexError {
        RegexError {
            code,
            message,
            offset,
        }
    }

    /// `REGEX_SYNTAX`, `REGEX_UNSUPPORTED` or `REGEX_TOO_LARGE`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// One lowercase sentence naming the offending construct.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Character offset of the problem in the pattern.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (at character {})",
            self.code, self.message, self.offset
        )
    }
}

impl std::error::Error for RegexError {}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn matches(pattern: &str, haystack: &str) -> bool {
        JsRegex::new(pattern)
            .unwrap_or_else(|error| panic!("{pattern:?}: {error}"))
            .is_match(haystack)
    }

    fn code(pattern: &str) -> &'static str {
        JsRegex::new(pattern).unwrap_err().code()
    }

    #[test]
    fn javascript_semantics_hold() {
        let cases: &[(&str, &str, bool)] = &[
            ("^USD$", "USD", true),
            ("US", "xUSx", true),
            ("", "", true),
            ("^\\d+$", "\u{661}\u{662}", false),
            ("^\\w+$", "caf\u{e9}", false),
            ("^\\s$", "\u{2003}", true),
            ("^\\s$", "\u{85}", false),
            ("a.b", "a\nb", false),
            ("a.b", "a\u{2028}b", false),
            ("abc$", "abc\n", false),
            ("\\p{L}", "p{L}", true),
            ("[[:alpha:]]", "a", false),
            ("[[:alpha:]]", "a]", true),
            ("[]", "a", false),
            ("[^]", "\n", true),
            ("[\\d-z]", "-", true),
            ("[\\b]", "\u{8}", true),
            ("\\bfoo\\b", "a foo b", true),
            ("\\bfoo\\b", "afoob", false),
            ("x{", "x{", true),
            ("x{2", "x{2", true),
            ("a{2}", "aa", true),
            ("a{2,}", "a", false),
            ("}]", "}]", true),
            ("\\u{41}", &"u".repeat(41), true),
            ("\\u0041", "A", true),
            ("\\x41", "A", true),
            ("\\x4", "x4", true),
            ("\\cJ", "\n", true),
            ("\\c1", "\\c1", true),
            ("\\0", "\0", true),
            ("\\101", "A", true),
            ("\\8", "8", true),
            ("\\uD83D\\uDE00", "\u{1F600}", true),
            ("\\uD83D", "\u{1F600}", false),
            ("(?<year>\\d{4})-", "2024-", true),
            ("(?:ab)+c", "ababc", true),
            ("a|b|", "z", true),
            ("(a+)+$", &("a".repeat(50_000) + "b"), false),
            ("(x+x+)+y", &"x".repeat(50_000), false),
            ("(a|a)*b", &"a".repeat(50_000), false),
        ];
        for (pattern, haystack, expected) in cases {
            assert_eq!(
                matches(pattern, haystack),
                *expected,
                "{pattern:?} on {haystack:?}"
            );
        }
    }

    #[test]
    fn syntax_errors_are_rejected() {
        for pattern in [
            "(", ")", "[a", "*a", "a**", "+", "?", "{1}", "a{2,1}", "(?i)a", "(?<1a>x)", "\\",
            "^*", "a{1}{1}", "[z-a]",
        ] {
            assert_eq!(code(pattern), "REGEX_SYNTAX", "{pattern:?}");
        }
    }

    #[test]
    fn backtracking_constructs_are_unsupported() {
        for pattern in [
            "a(?=b)",
            "a(?!b)",
            "(?<=a)b",
            "(?<!a)b",
            "(a)\\1",
            "(?<x>a)\\k<x>",
            "\u{1F600}+",
            "[\u{1F600}]",
        ] {
            assert_eq!(code(pattern), "REGEX_UNSUPPORTED", "{pattern:?}");
        }
    }

    #[test]
    fn pattern_length_limit_holds() {
        assert!(JsRegex::new(&"a".repeat(MAX_PATTERN_CHARS)).is_ok());
        assert_eq!(code(&"a".repeat(MAX_PATTERN_CHARS + 1)), "REGEX_TOO_LARGE");
    }

    #[test]
    fn nesting_limit_holds() {
        let nested = |depth: usize| "(".repeat(depth) + "a" + &")".repeat(depth);
        assert!(JsRegex::new(&nested(MAX_NESTING)).is_ok());
        assert_eq!(code(&nested(MAX_NESTING + 1)), "REGEX_TOO_LARGE");
        assert_eq!(code(&nested(100_000)), "REGEX_TOO_LARGE");
    }

    #[test]
    fn huge_repetition_is_too_large() {
        assert_eq!(code("(a{1000}){1000}"), "REGEX_TOO_LARGE");
        assert_eq!(code("a{9999999}"), "REGEX_TOO_LARGE");
    }
}
