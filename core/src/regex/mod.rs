//! ECMAScript regular expressions (no flags, non-unicode mode with the web
//! compatibility grammar of Annex B) run on the linear-time `regex` crate.
//!
//! OpenLeash policies test values with `new RegExp(pattern).test(value)`.
//! [`JsRegex`] parses such a pattern with its own ECMAScript parser and
//! translates it into the `regex` crate's syntax, keeping JavaScript's
//! meaning:
//!
//! - the search is unanchored; `^` and `$` anchor the whole input, and `$`
//!   does not match before a trailing newline;
//! - `.` matches anything but `\n`, `\r`, U+2028 and U+2029;
//! - `\d`, `\w`, `\b` and `\B` are ASCII; `\s` is JavaScript's whitespace set;
//! - escapes follow Annex B. `\p{L}` is the text `p{L}`, and `\u{41}` is
//!   `u` repeated 41 times. `\1` is an octal escape when there is no group
//!   1, and `\c1` is a backslash followed by `c1`. A `{` that starts no
//!   quantifier is a literal, and `[\d-a]` is `\d`, `-` and `a`;
//! - nothing is case-folded, and inline flags such as `(?i)` are syntax
//!   errors.
//!
//! Like JavaScript without the `u` flag, patterns match UTF-16 code units:
//! `.` consumes half of an emoji, and `\uD83D` matches the first half of
//! 😀. The translation re-encodes surrogates on both sides so that the
//! UTF-8 engine reproduces this exactly (see the `translate` module).
//!
//! Matching takes time linear in the input. The work is bounded further by
//! [`MAX_PATTERN_SIZE`], the estimated automaton size of a pattern, which
//! evaluation multiplies by the input length to keep each decision within
//! a fixed budget. Errors, with their codes:
//!
//! - `REGEX_SYNTAX`: `new RegExp(pattern)` would throw a SyntaxError.
//! - `REGEX_UNSUPPORTED`: the pattern is valid but needs backtracking
//!   (lookahead, lookbehind, backreferences), or names a group with a
//!   non-ASCII character, which cannot be checked without Unicode tables.
//! - `REGEX_TOO_LARGE`: the pattern exceeds a limit: [`MAX_PATTERN_CHARS`],
//!   [`MAX_NESTING`], [`MAX_REPETITION_COUNT`] or [`MAX_COMPILED_BYTES`].
//!
//! A pattern that is both too large and invalid may be reported as either.

mod ast;
mod class;
mod parse;
mod translate;

use std::fmt;

/// Maximum length of a pattern, in characters (Unicode scalar values).
pub const MAX_PATTERN_CHARS: usize = 4096;

/// Maximum depth of nested groups (of any kind, lookaround included).
pub const MAX_NESTING: usize = 64;

/// Maximum count in a `{n}`, `{n,}` or `{n,m}` quantifier.
pub const MAX_REPETITION_COUNT: u32 = 999_999;

/// Maximum size in bytes of the compiled automaton of one pattern, and of the
/// lazy DFA cache used to run it (`regex::RegexBuilder::size_limit` and
/// `dfa_size_limit`).
pub const MAX_COMPILED_BYTES: usize = 1 << 20;

/// Nesting limit handed to the `regex` crate. The translation of one
/// ECMAScript group adds at most three levels of the crate's nesting (a
/// quantified alternation such as `(b|...)*` adds a group, an alternation
/// and a repetition), so a pattern within [`MAX_NESTING`] stays under this
/// limit.
const TRANSLATED_NEST_LIMIT: u32 = (MAX_NESTING as u32) * 4 + 16;

/// Maximum [`JsRegex::size`] of one pattern: the estimated number of
/// automaton states, with counted repetitions multiplied out.
pub const MAX_PATTERN_SIZE: u64 = 10_000;

/// A compiled ECMAScript pattern. Cloning is cheap, and a `JsRegex` can be
/// shared between threads.
#[derive(Clone)]
pub struct JsRegex {
    source: String,
    compiled: ::regex::Regex,
    /// The pattern as plain text to look for, when it is one.
    literal: Option<Literal>,
    size: u64,
}

/// A pattern of plain characters, optionally between `^` and `$`, such as
/// `\.invalid$`. It is searched for as text: the `regex` crate would do
/// the same with its literal optimizations, which the WebAssembly build
/// leaves out for size (core/Cargo.toml).
#[derive(Clone, Debug)]
struct Literal {
    text: String,
    at_start: bool,
    at_end: bool,
}

impl Literal {
    /// Returns the literal that `node` is, if it is one. Each code unit must
    /// be a whole character (not a surrogate), so that matching characters
    /// of UTF-8 text is matching code units of UTF-16 text.
    fn of(node: &ast::Node) -> Option<Literal> {
        use ast::{Assertion, Node};
        let mut items = match node {
            Node::Concat(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        let at_start = matches!(items.first(), Some(Node::Assertion(Assertion::Start)));
        if at_start {
            items = items.get(1..)?;
        }
        let at_end = matches!(items.last(), Some(Node::Assertion(Assertion::End)));
        if at_end {
            items = items.get(..items.len() - 1)?;
        }
        let mut text = String::new();
        for item in items {
            match item {
                Node::Unit(unit) => text.push(char::from_u32(u32::from(*unit))?),
                Node::Empty => {}
                _ => return None,
            }
        }
        Some(Literal {
            text,
            at_start,
            at_end,
        })
    }

    fn is_match(&self, haystack: &str) -> bool {
        match (self.at_start, self.at_end) {
            (true, true) => haystack == self.text,
            (true, false) => haystack.starts_with(&self.text),
            (false, true) => haystack.ends_with(&self.text),
            (false, false) => haystack.contains(self.text.as_str()),
        }
    }
}

impl JsRegex {
    /// Compiles an ECMAScript pattern as `new RegExp(pattern)` would, with no
    /// flags.
    ///
    /// Errors: `REGEX_SYNTAX` where JavaScript throws a SyntaxError,
    /// `REGEX_UNSUPPORTED` for lookaround, backreferences and non-ASCII
    /// group names, and `REGEX_TOO_LARGE` past [`MAX_PATTERN_CHARS`],
    /// [`MAX_NESTING`], [`MAX_REPETITION_COUNT`], [`MAX_PATTERN_SIZE`] or
    /// [`MAX_COMPILED_BYTES`].
    pub fn new(pattern: &str) -> Result<JsRegex, RegexError> {
        let length = pattern.chars().count();
        if length > MAX_PATTERN_CHARS {
            return Err(RegexError::too_large(
                format!(
                    "the pattern has {length} characters, more than the limit of {MAX_PATTERN_CHARS}"
                ),
                MAX_PATTERN_CHARS,
            ));
        }

        let node = parse::parse(pattern)?;
        let size = node.size();
        if size > MAX_PATTERN_SIZE {
            return Err(RegexError::too_large(
                format!(
                    "the pattern expands to about {size} automaton states, more than the limit of {MAX_PATTERN_SIZE}; use smaller repetition counts"
                ),
                0,
            ));
        }
        let literal = Literal::of(&node);
        let translated = translate::translate(&node);
        let compiled = ::regex::RegexBuilder::new(&translated)
            .size_limit(MAX_COMPILED_BYTES)
            .dfa_size_limit(MAX_COMPILED_BYTES)
            .nest_limit(TRANSLATED_NEST_LIMIT)
            .build()
            .map_err(|error| match error {
                ::regex::Error::CompiledTooBig(_) => RegexError::too_large(
                    format!(
                        "the compiled pattern is larger than the limit of {MAX_COMPILED_BYTES} bytes"
                    ),
                    0,
                ),
                // The translation only writes syntax that the crate accepts,
                // so this is a bug; the pattern is rejected rather than run.
                _ => RegexError::unsupported(
                    "the pattern could not be compiled for the linear-time engine".to_owned(),
                    0,
                ),
            })?;

        Ok(JsRegex {
            source: pattern.to_owned(),
            compiled,
            literal,
            size,
        })
    }

    /// The estimated number of automaton states of the pattern (see
    /// [`MAX_PATTERN_SIZE`]). A search costs at most about this many steps
    /// per input byte.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The worst-case work of searching `haystack`: [`JsRegex::size`] times
    /// the haystack length in bytes plus one. Evaluation sums this over a
    /// decision to bound its time.
    pub fn search_cost(&self, haystack: &str) -> u64 {
        let length = u64::try_from(haystack.len()).unwrap_or(u64::MAX);
        self.size.saturating_mul(length.saturating_add(1))
    }

    /// Returns true when the pattern matches anywhere in `haystack`, like
    /// `RegExp.prototype.test` without flags.
    ///
    /// Allocates a re-encoded copy of the haystack only when it contains a
    /// character outside the Basic Multilingual Plane.
    pub fn is_match(&self, haystack: &str) -> bool {
        match &self.literal {
            Some(literal) => literal.is_match(haystack),
            None => self.compiled_match(haystack),
        }
    }

    /// Matches with the compiled automaton, whatever the pattern.
    fn compiled_match(&self, haystack: &str) -> bool {
        self.compiled
            .is_match(&translate::encode_haystack(haystack))
    }

    /// Returns the ECMAScript source of the pattern.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for JsRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsRegex").field(&self.source).finish()
    }
}

/// A pattern that cannot be compiled: a stable code, a message and the
/// character offset of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexError {
    code: &'static str,
    message: String,
    offset: usize,
}

impl RegexError {
    fn syntax(message: String, offset: usize) -> RegexError {
        RegexError {
            code: "REGEX_SYNTAX",
            message,
            offset,
        }
    }

    fn unsupported(message: String, offset: usize) -> RegexError {
        RegexError {
            code: "REGEX_UNSUPPORTED",
            message,
            offset,
        }
    }

    fn too_large(message: String, offset: usize) -> RegexError {
        RegexError {
            code: "REGEX_TOO_LARGE",
            message,
            offset,
        }
    }

    /// Returns the stable error code: `REGEX_SYNTAX`, `REGEX_UNSUPPORTED` or
    /// `REGEX_TOO_LARGE`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Returns one lowercase sentence that names the offending construct.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the character offset (in Unicode scalar values) of the problem
    /// in the pattern. It is 0 when the problem is the compiled size of the
    /// whole pattern.
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

    fn error(pattern: &str) -> RegexError {
        match JsRegex::new(pattern) {
            Ok(_) => panic!("{pattern:?} compiled"),
            Err(error) => error,
        }
    }

    fn code(pattern: &str) -> &'static str {
        error(pattern).code()
    }

    fn nested(depth: usize) -> String {
        "(".repeat(depth) + "a" + &")".repeat(depth)
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
            ("^\\s$", "\u{feff}", true),
            ("a.b", "a\nb", false),
            ("a.b", "a\rb", false),
            ("a.b", "a\u{2028}b", false),
            ("a.b", "a\u{85}b", true),
            ("abc$", "abc\n", false),
            ("^abc", "x\nabc", false),
            ("\\p{L}", "p{L}", true),
            ("\\p{L}", "a", false),
            ("[[:alpha:]]", "a", false),
            ("[[:alpha:]]", "a]", true),
            ("[]", "a", false),
            ("[]", "", false),
            ("[^]", "\n", true),
            ("[\\d-z]", "-", true),
            ("[\\d-z]", "y", false),
            ("[\\b]", "\u{8}", true),
            ("\\bfoo\\b", "a foo b", true),
            ("\\bfoo\\b", "afoob", false),
            ("\\b\u{e9}", "\u{e9}", false),
            ("\\B", "a\u{e9}a", false),
            ("x{", "x{", true),
            ("x{2", "x{2", true),
            ("a{,2}", "a{,2}", true),
            ("a{2}", "aa", true),
            ("a{2,}", "a", false),
            ("}]", "}]", true),
            ("\\u{41}", &"u".repeat(41), true),
            ("\\u{41}", &"u".repeat(40), false),
            ("\\u0041", "A", true),
            ("\\x41", "A", true),
            ("\\x4", "x4", true),
            ("\\cJ", "\n", true),
            ("\\c1", "\\c1", true),
            ("[\\c1]", "\u{11}", true),
            ("\\0", "\0", true),
            ("\\101", "A", true),
            ("\\400", " 0", true),
            ("\\8", "8", true),
            ("(a)\\10", "a\u{8}", true),
            ("\\k<a>", "k<a>", true),
            ("a{1000}", &"a".repeat(1000), true),
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
    fn code_units_match_like_javascript() {
        let cases: &[(&str, &str, bool)] = &[
            ("\\uD83D\\uDE00", "\u{1F600}", true),
            ("\\uD83D", "\u{1F600}", true),
            ("\\uDE00", "\u{1F600}", true),
            ("^\\uD83D$", "\u{1F600}", false),
            ("\\uD83D", "\u{1F601}", true),
            ("\\uD83D", "\u{1F900}", false),
            ("^.$", "\u{1F600}", false),
            ("^..$", "\u{1F600}", true),
            ("^[^a]{2}$", "\u{1F600}", true),
            ("^\\S\\S$", "\u{1F600}", true),
            ("\u{1F600}+", "\u{1F600}\u{1F600}", true),
            ("^\u{1F600}+$", "\u{1F600}\u{1F600}", false),
            ("[\u{1F600}]", "\u{1F600}", true),
            ("^[\u{1F600}]$", "\u{1F600}", false),
            ("[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]", "a\u{10000}", true),
            ("[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]", "abc", false),
            ("\\B", "a\u{1F600}a", true),
            ("^\u{e9}\u{1F600}$", "\u{e9}\u{1F600}", true),
            ("\u{100000}", "\u{100000}", true),
            ("\\uDBC0", "\u{100000}", true),
            ("\\uDBC0", "x", false),
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
            "(",
            ")",
            "a)",
            "[a",
            "[",
            "*a",
            "a**",
            "a*??",
            "+",
            "?",
            "a|*",
            "{1}",
            "{2,1}",
            "a{2,1}",
            "(?i)a",
            "(?",
            "(?<",
            "(?<>x)",
            "(?<1a>x)",
            "(?<a-b>x)",
            "(?<a>x)(?<a>y)",
            "(?<a>x)\\k",
            "(?<a>x)\\k<b>",
            "(?<a>x)[\\k]",
            "\\",
            "[\\",
            "^*",
            "$+",
            "\\b*",
            "(?<=a)*",
            "(?<!a){2}",
            "a{1}{1}",
            "[z-a]",
            "[\u{1F600}-\u{1F602}]",
        ] {
            assert_eq!(code(pattern), "REGEX_SYNTAX", "{pattern:?}");
        }
    }

    #[test]
    fn syntax_error_wins_over_unsupported_construct() {
        assert_eq!(code("(?=a)("), "REGEX_SYNTAX");
        assert_eq!(code("(a)\\1)"), "REGEX_SYNTAX");
        assert_eq!(code("(?<a>x)\\k<a>\\k<b>"), "REGEX_SYNTAX");
    }

    #[test]
    fn backtracking_constructs_are_unsupported() {
        for pattern in [
            "a(?=b)",
            "a(?!b)",
            "(?<=a)b",
            "(?<!a)b",
            "(?=a)*",
            "(a)\\1",
            "\\1(a)",
            "(a)\\1*",
            "(?<x>a)\\k<x>",
            "\\k<x>(?<x>a)",
        ] {
            assert_eq!(code(pattern), "REGEX_UNSUPPORTED", "{pattern:?}");
        }
    }

    #[test]
    fn non_ascii_group_name_is_unsupported() {
        assert_eq!(code("(?<\u{e9}>x)"), "REGEX_UNSUPPORTED");
        assert_eq!(code("(?<\\u00e9>x)"), "REGEX_UNSUPPORTED");
    }

    #[test]
    fn group_name_escapes_are_decoded() {
        assert_eq!(code("(?<\\u0061>x)\\k<a>"), "REGEX_UNSUPPORTED");
        assert_eq!(code("(?<\\u{61}b>x)\\k<ab>"), "REGEX_UNSUPPORTED");
        assert!(matches("(?<$_a1>x)", "x"));
    }

    #[test]
    fn unsupported_message_names_the_construct() {
        let error = error("^(?!internal\\.)");

        assert_eq!(
            error.message(),
            "negative lookahead `(?!` is not supported: the engine only runs patterns that match in linear time"
        );
        assert_eq!(error.offset(), 1);
    }

    #[test]
    fn backreference_message_names_the_reference() {
        let error = error("(a)(b)\\2");

        assert_eq!(
            error.message(),
            "backreference `\\2` is not supported: the engine only runs patterns that match in linear time"
        );
        assert_eq!(error.offset(), 6);
    }

    #[test]
    fn syntax_error_message_and_offset() {
        let error = error("ab[z-a]");

        assert_eq!(
            error.message(),
            "character class range `z-a` is out of order"
        );
        assert_eq!(error.offset(), 3);
    }

    #[test]
    fn offset_counts_characters_not_code_units() {
        let error = error("\u{1F600}\u{1F600}(");

        assert_eq!(error.code(), "REGEX_SYNTAX");
        assert_eq!(error.offset(), 2);
    }

    #[test]
    fn inline_flag_message_explains_the_group() {
        let error = error("(?i)usd");

        assert!(
            error.message().starts_with("invalid group `(?i`"),
            "{}",
            error.message()
        );
        assert_eq!(error.offset(), 0);
    }

    #[test]
    fn display_shows_code_message_and_offset() {
        let error = error("a**");

        assert_eq!(
            error.to_string(),
            "REGEX_SYNTAX: quantifier `*` has nothing to repeat (at character 2)"
        );
    }

    #[test]
    fn as_str_returns_the_source() {
        let regex = JsRegex::new("^[A-Z]{3}$").unwrap();

        assert_eq!(regex.as_str(), "^[A-Z]{3}$");
        assert_eq!(format!("{regex:?}"), "JsRegex(\"^[A-Z]{3}$\")");
    }

    #[test]
    fn js_regex_is_send_sync_and_clone() {
        fn assert_traits<T: Send + Sync + Clone + fmt::Debug>() {}

        assert_traits::<JsRegex>();
        assert_traits::<RegexError>();
    }

    #[test]
    fn pattern_length_limit_holds() {
        assert!(JsRegex::new(&"a".repeat(MAX_PATTERN_CHARS)).is_ok());
        assert!(JsRegex::new(&"\u{e9}".repeat(MAX_PATTERN_CHARS)).is_ok());

        let error = error(&"a".repeat(MAX_PATTERN_CHARS + 1));
        assert_eq!(error.code(), "REGEX_TOO_LARGE");
        assert_eq!(error.offset(), MAX_PATTERN_CHARS);
    }

    #[test]
    fn nesting_limit_holds() {
        assert!(matches(&nested(MAX_NESTING), "a"));

        let error = error(&nested(MAX_NESTING + 1));
        assert_eq!(error.code(), "REGEX_TOO_LARGE");
        assert_eq!(error.offset(), MAX_NESTING);

        assert_eq!(code(&nested(100_000)), "REGEX_TOO_LARGE");
    }

    #[test]
    fn nesting_limit_holds_for_quantified_alternations() {
        let pattern = "(b|".repeat(MAX_NESTING) + "a" + &")*".repeat(MAX_NESTING);

        assert!(matches(&pattern, "a"));
    }

    #[test]
    fn parser_rejects_deep_nesting_without_recursing() {
        // Calls the parser directly, past the pattern length check.
        let pattern = "(".repeat(100_000);

        let error = parse::parse(&pattern).unwrap_err();
        assert_eq!(error.code(), "REGEX_TOO_LARGE");
        assert_eq!(error.offset(), MAX_NESTING);
    }

    #[test]
    fn repetition_count_limit_holds() {
        let at_limit = format!("a{{0,{MAX_REPETITION_COUNT}}}");
        assert_eq!(code(&at_limit), "REGEX_TOO_LARGE", "automaton size");
        let past_limit = format!("a{{{}}}", MAX_REPETITION_COUNT + 1);
        let error = error(&past_limit);
        assert_eq!(error.code(), "REGEX_TOO_LARGE");
        assert!(
            error.message().contains("repeats more than 999999 times"),
            "{}",
            error.message()
        );

        assert!(matches("(?:){999999}", ""));
        assert_eq!(code("(?:){1000000}"), "REGEX_TOO_LARGE");
        assert_eq!(code("a{0,2147483648}"), "REGEX_TOO_LARGE");
    }

    #[test]
    fn huge_repetition_is_too_large() {
        assert_eq!(code("(a{1000}){1000}"), "REGEX_TOO_LARGE");
        assert_eq!(code("((a{1000}){1000}){1000}"), "REGEX_TOO_LARGE");
        assert_eq!(code("a{9999999}"), "REGEX_TOO_LARGE");
        assert!(matches("[a-z]{0,1000}", "abc"));
    }

    #[test]
    fn size_error_has_offset_zero() {
        let error = error("(a{1000}){1000}");

        assert_eq!(error.offset(), 0);
        assert!(
            error.message().contains("1001001 automaton states"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn catastrophic_patterns_run_in_linear_time() {
        let a = "a".repeat(50_000);
        let x = "x".repeat(50_000);
        let cases: &[(&str, String)] = &[
            ("(a+)+$", a.clone() + "b"),
            ("(a|a)*b", a.clone()),
            ("(x+x+)+y", x.clone()),
            ("^(a|aa)*$", a.clone() + "!"),
            ("(.*a){20}", x),
        ];
        for (pattern, haystack) in cases {
            assert!(!matches(pattern, haystack), "{pattern:?}");
        }
    }

    #[test]
    fn plain_patterns_are_searched_as_text() {
        for (pattern, text, at_start, at_end) in [
            ("\\.invalid$", ".invalid", false, true),
            ("^admin", "admin", true, false),
            ("^USD$", "USD", true, true),
            ("caf\\u00e9", "caf\u{e9}", false, false),
            ("\\^\\$", "^$", false, false),
            ("", "", false, false),
            ("^$", "", true, true),
            ("\\u2028", "\u{2028}", false, false),
        ] {
            let regex = JsRegex::new(pattern).unwrap();
            let literal = regex
                .literal
                .as_ref()
                .unwrap_or_else(|| panic!("{pattern:?}"));
            assert_eq!(
                (literal.text.as_str(), literal.at_start, literal.at_end),
                (text, at_start, at_end),
                "{pattern:?}"
            );
        }
        for pattern in [
            "a|b", "a*", "a.b", "(ab)", "[a]", "\\bfoo", "$^", "^^a", "a$$", "\\uD83D", "\\d",
        ] {
            assert!(
                JsRegex::new(pattern).unwrap().literal.is_none(),
                "{pattern:?}"
            );
        }
    }

    proptest::proptest! {
        /// Text search and the automaton agree on every pattern the text
        /// search takes, for any haystack, astral characters included.
        #[test]
        fn text_search_agrees_with_the_automaton(
            start in proptest::bool::ANY,
            end in proptest::bool::ANY,
            middle in "[ab.\u{e9}]{0,3}",
            haystack in "[ab.x\u{e9}\u{1f600}\n]{0,6}",
        ) {
            let escaped: String = middle
                .chars()
                .map(|character| if character == '.' { "\\.".to_owned() } else { character.to_string() })
                .collect();
            let pattern = format!(
                "{}{escaped}{}",
                if start { "^" } else { "" },
                if end { "$" } else { "" }
            );
            let regex = JsRegex::new(&pattern).unwrap();
            proptest::prop_assert!(regex.literal.is_some(), "{}", pattern);
            proptest::prop_assert_eq!(
                regex.is_match(&haystack),
                regex.compiled_match(&haystack),
                "{} on {:?}", pattern, haystack
            );
        }
    }
}
