//! Scalar resolution: the YAML 1.2 core schema and the YAML 1.1 schema of the
//! npm `yaml` package (version 2.9.0).
//!
//! Each schema is an ordered list of rules, as in the package. A plain scalar
//! without a tag takes the type of the first rule whose pattern matches it,
//! or stays a string. A scalar with a core tag such as `!!int` takes the
//! first rule of that tag's family that matches, whatever its style. When
//! none matches, the package only warns and keeps a string, but this module
//! rejects the scalar.

use saphyr_parser::Tag;

use super::error::YamlError;
use super::{Mark, NodeValue, number};

/// Prefix of the tags that `!!` abbreviates.
const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// The set of resolution rules that applies to a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Schema {
    /// YAML 1.2 core schema, the default.
    Core,
    /// The `yaml` package's YAML 1.1 schema, chosen by `%YAML 1.1`.
    Yaml11,
}

impl Schema {
    /// Chooses the schema from the `%YAML` directive of the first document.
    ///
    /// The parser does not report directives, so this reads the prologue
    /// itself: the lines before the first line that is not blank, a comment
    /// or a directive. The parser checks the directive's syntax.
    ///
    /// # Errors
    ///
    /// `YAML_UNSUPPORTED` for a version other than 1.1 and 1.2 (the package
    /// warns and falls back to 1.2).
    pub(super) fn for_document(text: &str) -> Result<Self, YamlError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // `\n`, `\r\n` and a lone `\r` each end a line, as for the parser: a
        // lone `\n` piece right after a piece ending in `\r` completes a CRLF.
        let mut line_number = 0_usize;
        let mut after_cr = false;
        for line in text.split_inclusive(['\n', '\r']) {
            if !(after_cr && line == "\n") {
                line_number += 1;
            }
            after_cr = line.ends_with('\r');
            let line = line.trim_end_matches(['\n', '\r']);
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !line.starts_with('%') {
                break;
            }
            let mut words = line.split([' ', '\t']).filter(|word| !word.is_empty());
            if words.next() != Some("%YAML") {
                continue;
            }
            return match words.next() {
                Some("1.1") => Ok(Self::Yaml11),
                Some("1.2") => Ok(Self::Core),
                Some(version) if !version.starts_with('#') => Err(YamlError::unsupported(
                    format!("YAML version {version} is not supported, only 1.1 and 1.2"),
                    Mark {
                        line: u32::try_from(line_number).unwrap_or(u32::MAX),
                        column: 1,
                    },
                )),
                // A directive without a version is the parser's syntax error.
                _ => Ok(Self::Core),
            };
        }
        Ok(Self::Core)
    }

    /// Returns whether a mapping key is the merge key `<<`: a plain, untagged
    /// `<<` in a YAML 1.1 document.
    pub(super) fn is_merge_key(self, value: &str, plain: bool, tag: Option<&TagKind>) -> bool {
        self == Self::Yaml11 && plain && tag.is_none() && value == "<<"
    }

    /// Resolves a scalar to its value.
    ///
    /// `plain` is true for a plain scalar. Quoted and block scalars resolve
    /// only through a tag.
    ///
    /// # Errors
    ///
    /// A message for `YAML_UNSUPPORTED`: a tag that is not a scalar core
    /// tag, a value that does not match its tag, or a YAML 1.1 timestamp.
    pub(super) fn resolve(
        self,
        value: &str,
        plain: bool,
        tag: Option<&TagKind>,
    ) -> Result<NodeValue, String> {
        let family = match tag {
            None if plain => return self.resolve_untagged(value),
            None | Some(TagKind::NonSpecific | TagKind::Core(CoreTag::Str)) => {
                return Ok(NodeValue::String(value.to_owned()));
            }
            Some(TagKind::Core(CoreTag::Null)) => Family::Null,
            Some(TagKind::Core(CoreTag::Bool)) => Family::Bool,
            Some(TagKind::Core(CoreTag::Int)) => Family::Int,
            Some(TagKind::Core(CoreTag::Float)) => Family::Float,
            Some(kind @ TagKind::Core(CoreTag::Map | CoreTag::Seq)) => {
                return Err(format!("tag {kind} cannot be applied to a scalar"));
            }
            Some(kind @ TagKind::Other(_)) => return Err(format!("tag {kind} is not supported")),
        };

        let rule = self
            .rules()
            .iter()
            .filter(|rule| rule.family == family)
            .find_map(|rule| (rule.resolve)(value));
        match rule {
            Some(Resolved::Value(resolved)) => Ok(resolved),
            Some(Resolved::Timestamp) => Err(timestamp_message(value)),
            None => Err(format!(
                "value {} does not match tag !!{}",
                quote(value),
                family.name()
            )),
        }
    }

    fn resolve_untagged(self, value: &str) -> Result<NodeValue, String> {
        match self.rules().iter().find_map(|rule| (rule.resolve)(value)) {
            Some(Resolved::Value(resolved)) => Ok(resolved),
            Some(Resolved::Timestamp) => Err(timestamp_message(value)),
            None => Ok(NodeValue::String(value.to_owned())),
        }
    }

    fn rules(self) -> &'static [Rule] {
        match self {
            Self::Core => CORE_RULES,
            Self::Yaml11 => YAML_1_1_RULES,
        }
    }
}

/// A node's tag, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum TagKind {
    /// `!`: the node is a string (scalar) or a plain collection.
    NonSpecific,
    /// One of the core tags (`!!str`, `!!int`...).
    Core(CoreTag),
    /// Any other tag, by its full name.
    Other(String),
}

/// The core tags that this parser honours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CoreTag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    Map,
    Seq,
}

impl TagKind {
    /// Classifies a tag as the parser resolved it against the `%TAG`
    /// directives.
    pub(super) fn from_tag(tag: &Tag) -> Self {
        if tag.handle.is_empty() && tag.suffix == "!" {
            return Self::NonSpecific;
        }
        let name = if tag.handle == "!" {
            format!("!{}", tag.suffix)
        } else {
            format!("{}{}", tag.handle, tag.suffix)
        };
        let core = match name.strip_prefix(CORE_TAG_PREFIX) {
            Some("str") => CoreTag::Str,
            Some("int") => CoreTag::Int,
            Some("float") => CoreTag::Float,
            Some("bool") => CoreTag::Bool,
            Some("null") => CoreTag::Null,
            Some("map") => CoreTag::Map,
            Some("seq") => CoreTag::Seq,
            _ => return Self::Other(name),
        };
        Self::Core(core)
    }
}

impl core::fmt::Display for TagKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NonSpecific => f.write_str("!"),
            Self::Core(tag) => write!(f, "!!{}", tag.name()),
            Self::Other(name) => match name.strip_prefix(CORE_TAG_PREFIX) {
                Some(suffix) => write!(f, "!!{suffix}"),
                None if name.starts_with('!') => f.write_str(name),
                None => write!(f, "!<{name}>"),
            },
        }
    }
}

impl CoreTag {
    fn name(self) -> &'static str {
        match self {
            Self::Str => "str",
            Self::Int => "int",
            Self::Float => "float",
            Self::Bool => "bool",
            Self::Null => "null",
            Self::Map => "map",
            Self::Seq => "seq",
        }
    }
}

/// Quotes a scalar for an error message, shortened to 40 characters.
pub(super) fn quote(value: &str) -> String {
    const MAX_CHARS: usize = 40;
    let mut quoted = String::from("\"");
    for (index, character) in value.chars().enumerate() {
        if index == MAX_CHARS {
            quoted.push_str("...");
            break;
        }
        if character == '"' || character == '\\' || character.is_control() {
            quoted.extend(character.escape_default());
        } else {
            quoted.push(character);
        }
    }
    quoted.push('"');
    quoted
}

fn timestamp_message(value: &str) -> String {
    format!(
        "timestamp {} is not supported; quote it to keep it a string",
        quote(value)
    )
}

/// The tag that a rule's values carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Null,
    Bool,
    Int,
    Float,
    Timestamp,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool => "bool",
            Self::Int => "int",
            Self::Float => "float",
            Self::Timestamp => "timestamp",
        }
    }
}

enum Resolved {
    Value(NodeValue),
    /// A YAML 1.1 timestamp, which the package turns into a `Date`.
    Timestamp,
}

/// One entry of a schema: its family, and a function that returns the
/// resolved value when the text matches the rule's pattern.
struct Rule {
    family: Family,
    resolve: fn(&str) -> Option<Resolved>,
}

/// The core schema in the package's order: null, bool, `0o` octal, decimal
/// and `0x` hexadecimal int, then `.inf`/`.nan`, exponent and plain float.
const CORE_RULES: &[Rule] = &[
    Rule {
        family: Family::Null,
        resolve: null,
    },
    Rule {
        family: Family::Bool,
        resolve: core_bool,
    },
    Rule {
        family: Family::Int,
        resolve: core_octal,
    },
    Rule {
        family: Family::Int,
        resolve: core_decimal,
    },
    Rule {
        family: Family::Int,
        resolve: core_hexadecimal,
    },
    Rule {
        family: Family::Float,
        resolve: non_finite,
    },
    Rule {
        family: Family::Float,
        resolve: core_float_exponent,
    },
    Rule {
        family: Family::Float,
        resolve: core_float,
    },
];

/// The package's YAML 1.1 schema in its order. Its binary, omap, pairs and
/// set tags apply only when written explicitly, and the merge key only to
/// keys (see [`Schema::is_merge_key`]), so they have no rule here.
const YAML_1_1_RULES: &[Rule] = &[
    Rule {
        family: Family::Null,
        resolve: null,
    },
    Rule {
        family: Family::Bool,
        resolve: yaml11_true,
    },
    Rule {
        family: Family::Bool,
        resolve: yaml11_false,
    },
    Rule {
        family: Family::Int,
        resolve: yaml11_binary,
    },
    Rule {
        family: Family::Int,
        resolve: yaml11_octal,
    },
    Rule {
        family: Family::Int,
        resolve: yaml11_decimal,
    },
    Rule {
        family: Family::Int,
        resolve: yaml11_hexadecimal,
    },
    Rule {
        family: Family::Float,
        resolve: non_finite,
    },
    Rule {
        family: Family::Float,
        resolve: yaml11_float_exponent,
    },
    Rule {
        family: Family::Float,
        resolve: yaml11_float,
    },
    Rule {
        family: Family::Int,
        resolve: yaml11_sexagesimal_integer,
    },
    Rule {
        family: Family::Float,
        resolve: yaml11_sexagesimal_float,
    },
    Rule {
        family: Family::Timestamp,
        resolve: yaml11_timestamp,
    },
];

fn resolved(value: NodeValue) -> Option<Resolved> {
    Some(Resolved::Value(value))
}

/// `^(?:~|[Nn]ull|NULL)?$`
fn null(text: &str) -> Option<Resolved> {
    matches!(text, "" | "~" | "null" | "Null" | "NULL").then_some(Resolved::Value(NodeValue::Null))
}

/// `^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$`
fn core_bool(text: &str) -> Option<Resolved> {
    match text {
        "true" | "True" | "TRUE" => resolved(NodeValue::Bool(true)),
        "false" | "False" | "FALSE" => resolved(NodeValue::Bool(false)),
        _ => None,
    }
}

/// `^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$`
fn yaml11_true(text: &str) -> Option<Resolved> {
    matches!(
        text,
        "Y" | "y" | "Yes" | "yes" | "YES" | "True" | "true" | "TRUE" | "On" | "on" | "ON"
    )
    .then_some(Resolved::Value(NodeValue::Bool(true)))
}

/// `^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$`
fn yaml11_false(text: &str) -> Option<Resolved> {
    matches!(
        text,
        "N" | "n" | "No" | "no" | "NO" | "False" | "false" | "FALSE" | "Off" | "off" | "OFF"
    )
    .then_some(Resolved::Value(NodeValue::Bool(false)))
}

/// `^0o[0-7]+$`
fn core_octal(text: &str) -> Option<Resolved> {
    let digits = text.strip_prefix("0o")?;
    all_nonempty(digits, |b| matches!(b, b'0'..=b'7'))
        .then(|| Resolved::Value(number::integer(false, digits, 8, text)))
}

/// `^[-+]?[0-9]+$`
fn core_decimal(text: &str) -> Option<Resolved> {
    let (negative, digits) = split_sign(text);
    all_nonempty(digits, |b| b.is_ascii_digit())
        .then(|| Resolved::Value(number::integer(negative, digits, 10, text)))
}

/// `^0x[0-9a-fA-F]+$`
fn core_hexadecimal(text: &str) -> Option<Resolved> {
    let digits = text.strip_prefix("0x")?;
    all_nonempty(digits, |b| b.is_ascii_hexdigit())
        .then(|| Resolved::Value(number::integer(false, digits, 16, text)))
}

/// `^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$`
fn non_finite(text: &str) -> Option<Resolved> {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return resolved(NodeValue::Number(f64::NAN));
    }
    let (negative, rest) = split_sign(text);
    matches!(rest, ".inf" | ".Inf" | ".INF").then_some(Resolved::Value(NodeValue::Number(
        if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        },
    )))
}

/// `^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$`
fn core_float_exponent(text: &str) -> Option<Resolved> {
    let (_, unsigned) = split_sign(text);
    let parts = DecimalParts::split(unsigned, false)?;
    let mantissa = !parts.whole.is_empty() || (parts.dot && !parts.fraction.is_empty());
    (parts.exponent && mantissa).then(|| Resolved::Value(number::float(text, text)))
}

/// `^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$`
fn core_float(text: &str) -> Option<Resolved> {
    let (_, unsigned) = split_sign(text);
    let parts = DecimalParts::split(unsigned, false)?;
    let mantissa = !parts.whole.is_empty() || !parts.fraction.is_empty();
    (!parts.exponent && parts.dot && mantissa).then(|| Resolved::Value(number::float(text, text)))
}

/// `^[-+]?0b[0-1_]+$`
fn yaml11_binary(text: &str) -> Option<Resolved> {
    yaml11_prefixed_integer(text, "0b", 2, |b| matches!(b, b'0' | b'1' | b'_'))
}

/// `^[-+]?0[0-7_]+$`
fn yaml11_octal(text: &str) -> Option<Resolved> {
    yaml11_prefixed_integer(text, "0", 8, |b| matches!(b, b'0'..=b'7' | b'_'))
}

/// `^[-+]?0x[0-9a-fA-F_]+$`
fn yaml11_hexadecimal(text: &str) -> Option<Resolved> {
    yaml11_prefixed_integer(text, "0x", 16, |b| b.is_ascii_hexdigit() || b == b'_')
}

fn yaml11_prefixed_integer(
    text: &str,
    prefix: &str,
    radix: u32,
    is_digit: fn(u8) -> bool,
) -> Option<Resolved> {
    let (negative, unsigned) = split_sign(text);
    let digits = unsigned.strip_prefix(prefix)?;
    if !all_nonempty(digits, is_digit) {
        return None;
    }
    let digits = digits.replace('_', "");
    resolved(number::integer(negative, &digits, radix, text))
}

/// `^[-+]?[0-9][0-9_]*$`
fn yaml11_decimal(text: &str) -> Option<Resolved> {
    let (negative, digits) = split_sign(text);
    if !digits.as_bytes().first().is_some_and(u8::is_ascii_digit)
        || !all_nonempty(digits, |b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let digits = digits.replace('_', "");
    resolved(number::integer(negative, &digits, 10, text))
}

/// `^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$`
fn yaml11_float_exponent(text: &str) -> Option<Resolved> {
    let (_, unsigned) = split_sign(text);
    let parts = DecimalParts::split(unsigned, true)?;
    parts
        .exponent
        .then(|| Resolved::Value(number::float(&text.replace('_', ""), text)))
}

/// `^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$`
fn yaml11_float(text: &str) -> Option<Resolved> {
    let (_, unsigned) = split_sign(text);
    let parts = DecimalParts::split(unsigned, true)?;
    (parts.dot && !parts.exponent)
        .then(|| Resolved::Value(number::float(&text.replace('_', ""), text)))
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$`
fn yaml11_sexagesimal_integer(text: &str) -> Option<Resolved> {
    let (negative, unsigned) = split_sign(text);
    if !is_sexagesimal(unsigned) {
        return None;
    }
    let cleaned = unsigned.replace('_', "");
    let parts: Vec<&str> = cleaned.split(':').collect();
    resolved(number::sexagesimal_integer(negative, &parts, text))
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$`
fn yaml11_sexagesimal_float(text: &str) -> Option<Resolved> {
    let (negative, unsigned) = split_sign(text);
    let (whole, fraction) = unsigned.split_once('.')?;
    if !is_sexagesimal(whole) || !fraction.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    let cleaned = unsigned.replace('_', "");
    let parts: Vec<&str> = cleaned.split(':').collect();
    resolved(number::sexagesimal_float(negative, &parts, text))
}

/// `[0-9][0-9_]*(?::[0-5]?[0-9])+` without sign.
fn is_sexagesimal(text: &str) -> bool {
    let mut parts = text.split(':');
    let first_ok = parts.next().is_some_and(|first| {
        first.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    });
    let mut count = 0;
    let rest_ok = parts.all(|part| {
        count += 1;
        match part.as_bytes() {
            [digit] => digit.is_ascii_digit(),
            [tens, digit] => matches!(tens, b'0'..=b'5') && digit.is_ascii_digit(),
            _ => false,
        }
    });
    first_ok && rest_ok && count > 0
}

/// `^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})` followed by an optional time
/// `(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)` and
/// an optional zone `(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?`.
fn yaml11_timestamp(text: &str) -> Option<Resolved> {
    let mut cursor = Cursor {
        rest: text.as_bytes(),
    };
    let date = cursor.digits(4, 4)
        && cursor.byte(|b| b == b'-')
        && cursor.digits(1, 2)
        && cursor.byte(|b| b == b'-')
        && cursor.digits(1, 2);
    if !date {
        return None;
    }
    if cursor.rest.is_empty() {
        return Some(Resolved::Timestamp);
    }

    let separator = cursor.byte(|b| b == b't' || b == b'T') || cursor.blanks(1);
    let time = separator
        && cursor.digits(1, 2)
        && cursor.byte(|b| b == b':')
        && cursor.digits(1, 2)
        && cursor.byte(|b| b == b':')
        && cursor.digits(1, 2)
        && (!cursor.byte(|b| b == b'.') || cursor.digits(1, usize::MAX));
    if !time {
        return None;
    }
    // Blanks may only come before a zone.
    let blanks = cursor.blanks(1);
    if cursor.rest.is_empty() {
        return (!blanks).then_some(Resolved::Timestamp);
    }
    if cursor.rest == b"Z" {
        return Some(Resolved::Timestamp);
    }

    let zone = cursor.byte(|b| b == b'-' || b == b'+')
        && match cursor.rest {
            [b'0'..=b'2', b'0'..=b'9', ..] => cursor.digits(2, 2),
            _ => cursor.digits(1, 1),
        }
        && (cursor.rest.is_empty() || (cursor.byte(|b| b == b':') && cursor.digits(2, 2)));
    (zone && cursor.rest.is_empty()).then_some(Resolved::Timestamp)
}

/// A position in a byte string, for the timestamp pattern.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl Cursor<'_> {
    /// Consumes one byte if it satisfies `accept`.
    fn byte(&mut self, accept: impl Fn(u8) -> bool) -> bool {
        match self.rest.split_first() {
            Some((first, rest)) if accept(*first) => {
                self.rest = rest;
                true
            }
            _ => false,
        }
    }

    /// Consumes as many ASCII digits as there are, up to `max`, and returns
    /// whether there were at least `min`.
    fn digits(&mut self, min: usize, max: usize) -> bool {
        let count = self
            .rest
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        self.rest = self.rest.get(count..).unwrap_or_default();
        count >= min
    }

    /// Consumes spaces and tabs and returns whether there were at least `min`.
    fn blanks(&mut self, min: usize) -> bool {
        let count = self
            .rest
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        self.rest = self.rest.get(count..).unwrap_or_default();
        count >= min
    }
}

/// The parts of `[digits][.digits][e[sign]digits]`, for the float rules.
struct DecimalParts<'a> {
    whole: &'a str,
    dot: bool,
    fraction: &'a str,
    exponent: bool,
}

impl<'a> DecimalParts<'a> {
    /// Splits an unsigned decimal. With `underscores` (YAML 1.1), the whole
    /// part may contain `_` after its first digit and the fraction anywhere;
    /// the exponent never may.
    fn split(text: &'a str, underscores: bool) -> Option<Self> {
        let is_digit = |b: &u8| b.is_ascii_digit() || (underscores && *b == b'_');
        let bytes = text.as_bytes();

        let whole_len = if bytes.first().is_some_and(u8::is_ascii_digit) {
            bytes.iter().take_while(|b| is_digit(b)).count()
        } else {
            0
        };
        let mut at = whole_len;
        let dot = bytes.get(at) == Some(&b'.');
        let mut fraction_len = 0;
        if dot {
            at += 1;
            fraction_len = bytes
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| is_digit(b))
                .count();
        }
        let fraction = text.get(at..at + fraction_len)?;
        at += fraction_len;

        let exponent = matches!(bytes.get(at), Some(b'e' | b'E'));
        if exponent {
            at += 1;
            if matches!(bytes.get(at), Some(b'-' | b'+')) {
                at += 1;
            }
            let exponent_digits = text.get(at..)?;
            if !all_nonempty(exponent_digits, |b| b.is_ascii_digit()) {
                return None;
            }
        } else if at != bytes.len() {
            return None;
        }

        Some(Self {
            whole: text.get(..whole_len)?,
            dot,
            fraction,
            exponent,
        })
    }
}

/// Splits an optional leading `-` or `+`; returns whether it was `-`.
fn split_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    }
}

fn all_nonempty(text: &str, accept: impl Fn(u8) -> bool) -> bool {
    !text.is_empty() && text.bytes().all(accept)
}
