//! `$.`-paths: dot-separated keys with array indexes, as in
//! `$.payload.items[0].sku`.

use super::model::PathSegment;

/// Maximum length of a path in characters.
pub const MAX_PATH_CHARS: usize = 1024;

/// Parses a path. The grammar is `$.` followed by nothing (the whole action)
/// or by segments separated by `.`, where a segment is a key
/// (`[A-Za-z_][A-Za-z0-9_]*`) followed by any number of `[digits]` indexes.
///
/// OpenLeash silently skips characters outside this grammar (so
/// `amount-minor` reads `amount.minor`); here any such character is an
/// error naming its position.
pub(crate) fn parse_path(text: &str) -> Result<Vec<PathSegment>, String> {
    if text.chars().count() > MAX_PATH_CHARS {
        return Err(format!("paths are limited to {MAX_PATH_CHARS} characters"));
    }
    let Some(rest) = text.strip_prefix("$.") else {
        return Err("paths must start with \"$.\"".to_owned());
    };
    let mut segments = Vec::new();
    if rest.is_empty() {
        return Ok(segments);
    }
    let chars: Vec<char> = rest.chars().collect();
    let mut position = 0;
    let offset = |position: usize| position + 3;
    loop {
        let start = position;
        match chars.get(position) {
            Some(c) if c.is_ascii_alphabetic() || *c == '_' => {}
            Some(c) => {
                return Err(format!(
                    "expected a key (a letter or underscore, then letters, digits or underscores) at character {}, found {c:?}",
                    offset(position)
                ));
            }
            None => {
                return Err(format!(
                    "expected a key after the dot at character {}",
                    offset(position)
                ));
            }
        }
        while chars
            .get(position)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            position += 1;
        }
        segments.push(PathSegment::Key(
            chars.get(start..position).unwrap_or(&[]).iter().collect(),
        ));

        while chars.get(position) == Some(&'[') {
            position += 1;
            let digits_start = position;
            while chars.get(position).is_some_and(char::is_ascii_digit) {
                position += 1;
            }
            let digits: String = chars
                .get(digits_start..position)
                .unwrap_or(&[])
                .iter()
                .collect();
            if digits.is_empty() || chars.get(position) != Some(&']') {
                return Err(format!(
                    "expected an index of digits and `]` at character {}; negative indexes and quoted keys are not supported",
                    offset(digits_start)
                ));
            }
            let index: usize = digits
                .parse()
                .map_err(|_| format!("the index {digits} is too large"))?;
            segments.push(PathSegment::Index(index));
            position += 1;
        }

        match chars.get(position) {
            None => return Ok(segments),
            Some('.') => position += 1,
            Some(c) => {
                return Err(format!(
                    "unexpected character {c:?} at character {}; keys may contain only letters, digits and underscores",
                    offset(position)
                ));
            }
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn key(name: &str) -> PathSegment {
        PathSegment::Key(name.to_owned())
    }

    #[test]
    fn keys_and_indexes_parse() {
        assert_eq!(
            parse_path("$.payload.items[0].sku").unwrap(),
            vec![
                key("payload"),
                key("items"),
                PathSegment::Index(0),
                key("sku")
            ]
        );
        assert_eq!(
            parse_path("$.payload.grid[1][01]").unwrap(),
            vec![
                key("payload"),
                key("grid"),
                PathSegment::Index(1),
                PathSegment::Index(1)
            ]
        );
        assert_eq!(parse_path("$.").unwrap(), vec![]);
    }

    #[test]
    fn characters_outside_the_grammar_are_rejected() {
        for path in [
            "$",
            "payload.x",
            "$.payload.amount-minor",
            "$.payload.first name",
            "$..payload",
            "$.payload.items[-1]",
            "$.payload.items[]",
            "$.payload.",
            "$.payload['x']",
            "$.payload.1x",
            "$.payload.café",
        ] {
            assert!(parse_path(path).is_err(), "{path}");
        }
    }

    #[test]
    fn length_limit_holds_at_and_past_the_bound() {
        let at_limit = format!("$.{}", "a".repeat(MAX_PATH_CHARS - 2));
        assert!(parse_path(&at_limit).is_ok());
        let past = format!("$.{}", "a".repeat(MAX_PATH_CHARS - 1));
        assert!(parse_path(&past).is_err());
    }
}
