#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use super::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, Mark, Node, NodeValue, YamlError,
    YamlLimits, parse,
};

/// Stack size of the threads that parse hostile input, far below the usual
/// 2 MiB (8 MiB on the main thread), so that recursion would overflow it.
const SMALL_STACK_BYTES: usize = 256 * 1024;

/// How long a rejected hostile input may take. Generous for debug builds
/// on a loaded machine; the parser stops at the first level past the limit.
const HOSTILE_INPUT_TIME_LIMIT: Duration = Duration::from_secs(5);

fn parse_default(text: &str) -> Result<Node, YamlError> {
    parse(text, &YamlLimits::default())
}

fn error_of(text: &str) -> YamlError {
    match parse_default(text) {
        Ok(node) => panic!("expected an error for {text:?}, got {node:?}"),
        Err(error) => error,
    }
}

fn error_with(text: &str, limits: &YamlLimits) -> YamlError {
    match parse(text, limits) {
        Ok(_) => panic!("expected an error for {} bytes of YAML", text.len()),
        Err(error) => error,
    }
}

fn mark(line: u32, column: u32) -> Mark {
    Mark { line, column }
}

/// Returns the value of the string key `key` of a mapping node.
fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
    let NodeValue::Mapping(pairs) = &node.value else {
        panic!("expected a mapping, got {:?}", node.value);
    };
    pairs
        .iter()
        .find(|(k, _)| k.value == NodeValue::String(key.to_owned()))
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no key {key:?}"))
}

/// Returns the key node of the string key `key` of a mapping node.
fn key_node<'a>(node: &'a Node, key: &str) -> &'a Node {
    let NodeValue::Mapping(pairs) = &node.value else {
        panic!("expected a mapping, got {:?}", node.value);
    };
    pairs
        .iter()
        .map(|(k, _)| k)
        .find(|k| k.value == NodeValue::String(key.to_owned()))
        .unwrap_or_else(|| panic!("no key {key:?}"))
}

fn item(node: &Node, index: usize) -> &Node {
    let NodeValue::Sequence(items) = &node.value else {
        panic!("expected a sequence, got {:?}", node.value);
    };
    &items[index]
}

fn keys(node: &Node) -> Vec<NodeValue> {
    let NodeValue::Mapping(pairs) = &node.value else {
        panic!("expected a mapping, got {:?}", node.value);
    };
    pairs.iter().map(|(key, _)| key.value.clone()).collect()
}

fn string(text: &str) -> NodeValue {
    NodeValue::String(text.to_owned())
}

/// Runs `work` on a thread with a small stack and returns its result and
/// how long it took.
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> (T, Duration) {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK_BYTES)
        .spawn(move || {
            let start = Instant::now();
            let result = work();
            (result, start.elapsed())
        })
        .unwrap()
        .join()
        .unwrap()
}

/// `depth` block mappings nested as `not:` keys, each indented one space
/// more than its parent.
fn nested_block_mappings(depth: usize) -> String {
    let mut text = String::new();
    for level in 0..depth {
        text.push_str(&" ".repeat(level));
        text.push_str("not:\n");
    }
    text
}

fn nested_flow_sequences(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_flow_mappings(depth: usize) -> String {
    format!("{}x{}", "{not: ".repeat(depth), "}".repeat(depth))
}

fn nested_block_sequences(depth: usize) -> String {
    format!("{}x\n", "- ".repeat(depth))
}

/// Returns a flow sequence of `count` plain scalars, `count + 1` nodes in
/// all.
fn flat_sequence(count: usize) -> String {
    format!("[{}]", vec!["a"; count].join(", "))
}

// Empty input.

#[test]
fn empty_text_is_null_at_start() {
    let node = parse_default("").unwrap();
    assert_eq!(node.value, NodeValue::Null);
    assert_eq!(node.mark, mark(1, 1));
}

#[test]
fn comment_only_text_is_null_at_start() {
    let node = parse_default("# nothing\n\n  # more\n").unwrap();
    assert_eq!(node.value, NodeValue::Null);
    assert_eq!(node.mark, mark(1, 1));
}

#[test]
fn explicit_empty_document_is_null() {
    assert_eq!(parse_default("---\n").unwrap().value, NodeValue::Null);
}

// Positions.

#[test]
fn block_mapping_positions() {
    let root = parse_default("version: 1\nrules:\n  - id: r1\n    effect: allow\n").unwrap();
    assert_eq!(root.mark, mark(1, 1));
    assert_eq!(key_node(&root, "version").mark, mark(1, 1));
    assert_eq!(get(&root, "version").mark, mark(1, 10));
    assert_eq!(key_node(&root, "rules").mark, mark(2, 1));

    let rules = get(&root, "rules");
    assert_eq!(rules.mark, mark(3, 3));
    let rule = item(rules, 0);
    assert_eq!(rule.mark, mark(3, 5));
    assert_eq!(key_node(rule, "id").mark, mark(3, 5));
    assert_eq!(get(rule, "id").mark, mark(3, 9));
    assert_eq!(key_node(rule, "effect").mark, mark(4, 5));
    assert_eq!(get(rule, "effect").mark, mark(4, 13));
}

#[test]
fn nested_block_mapping_starts_at_first_key() {
    let root = parse_default("a:\n  b: 1\n").unwrap();
    assert_eq!(get(&root, "a").mark, mark(2, 3));
}

#[test]
fn flow_positions() {
    let root = parse_default("match: {path: \"$.a\", op: eq, value: [1, two]}\n").unwrap();
    let matcher = get(&root, "match");
    assert_eq!(matcher.mark, mark(1, 8));
    assert_eq!(key_node(matcher, "path").mark, mark(1, 9));
    assert_eq!(get(matcher, "path").mark, mark(1, 15));
    assert_eq!(key_node(matcher, "op").mark, mark(1, 22));
    assert_eq!(get(matcher, "op").mark, mark(1, 26));
    let value = get(matcher, "value");
    assert_eq!(value.mark, mark(1, 37));
    assert_eq!(item(value, 0).mark, mark(1, 38));
    assert_eq!(item(value, 1).mark, mark(1, 41));
}

#[test]
fn multiline_flow_positions() {
    let root = parse_default("a: [1,\n  2]\n").unwrap();
    assert_eq!(item(get(&root, "a"), 1).mark, mark(2, 3));
}

#[test]
fn node_with_properties_starts_at_first_property() {
    let root = parse_default("a: &x !!str 1\n").unwrap();
    assert_eq!(get(&root, "a").mark, mark(1, 4));
    assert_eq!(get(&root, "a").value, string("1"));
}

#[test]
fn columns_count_characters_not_bytes() {
    let root = parse_default("é日: ü\n").unwrap();
    assert_eq!(get(&root, "é日").mark, mark(1, 5));
}

#[test]
fn byte_order_mark_is_not_a_column() {
    let root = parse_default("\u{feff}a: 1\n").unwrap();
    assert_eq!(key_node(&root, "a").mark, mark(1, 1));
    assert_eq!(get(&root, "a").mark, mark(1, 4));
}

#[test]
fn crlf_line_ends_count_one_line() {
    let root = parse_default("a: 1\r\nb:\r\n  - x\r\n").unwrap();
    assert_eq!(key_node(&root, "b").mark, mark(2, 1));
    assert_eq!(item(get(&root, "b"), 0).mark, mark(3, 5));
    assert_eq!(item(get(&root, "b"), 0).value, string("x"));
}

#[test]
fn alias_copy_is_marked_at_alias() {
    let root = parse_default("a: &x [1, 2]\nb: *x\n").unwrap();
    let copy = get(&root, "b");
    assert_eq!(copy.mark, mark(2, 4));
    assert_eq!(item(copy, 0).mark, mark(1, 8));
}

// Scalar resolution.

#[test]
fn core_schema_scalars() {
    let text = "a: 0x1F\nb: 0o17\nc: 010\nd: 1e3\ne: +5\nf: .5\ng: yes\nh: no\ni: on\n\
                j: True\nk: FALSE\nl: ~\nm: Null\nn: 2024-01-01\no: 1_000\np: 0b101\n\
                q: 12:30\nr: -0\ns: '0x1F'\nt:\n";
    let root = parse_default(text).unwrap();
    let expected = [
        ("a", NodeValue::Number(31.0)),
        ("b", NodeValue::Number(15.0)),
        ("c", NodeValue::Number(10.0)),
        ("d", NodeValue::Number(1000.0)),
        ("e", NodeValue::Number(5.0)),
        ("f", NodeValue::Number(0.5)),
        ("g", string("yes")),
        ("h", string("no")),
        ("i", string("on")),
        ("j", NodeValue::Bool(true)),
        ("k", NodeValue::Bool(false)),
        ("l", NodeValue::Null),
        ("m", NodeValue::Null),
        ("n", string("2024-01-01")),
        ("o", string("1_000")),
        ("p", string("0b101")),
        ("q", string("12:30")),
        ("r", NodeValue::Number(0.0)),
        ("s", string("0x1F")),
        ("t", NodeValue::Null),
    ];
    for (key, value) in expected {
        assert_eq!(get(&root, key).value, value, "key {key}");
    }
}

#[test]
fn core_schema_non_finite_floats() {
    let root = parse_default("a: .inf\nb: -.inf\nc: .NaN\n").unwrap();
    assert_eq!(get(&root, "a").value, NodeValue::Number(f64::INFINITY));
    assert_eq!(get(&root, "b").value, NodeValue::Number(f64::NEG_INFINITY));
    assert!(matches!(get(&root, "c").value, NodeValue::Number(n) if n.is_nan()));
}

#[test]
fn quoted_and_block_scalars_are_strings() {
    let root = parse_default("a: \"1\"\nb: 'true'\nc: |\n  12\n").unwrap();
    assert_eq!(get(&root, "a").value, string("1"));
    assert_eq!(get(&root, "b").value, string("true"));
    assert_eq!(get(&root, "c").value, string("12\n"));
}

#[test]
fn yaml11_directive_switches_schema() {
    let text = "%YAML 1.1\n---\na: yes\nb: 010\nc: 0b101\nd: 1_000\ne: 12:30\nf: off\ng: y\n";
    let root = parse_default(text).unwrap();
    assert_eq!(get(&root, "a").value, NodeValue::Bool(true));
    assert_eq!(get(&root, "b").value, NodeValue::Number(8.0));
    assert_eq!(get(&root, "c").value, NodeValue::Number(5.0));
    assert_eq!(get(&root, "d").value, NodeValue::Number(1000.0));
    assert_eq!(get(&root, "e").value, NodeValue::Number(750.0));
    assert_eq!(get(&root, "f").value, NodeValue::Bool(false));
    assert_eq!(get(&root, "g").value, NodeValue::Bool(true));
}

#[test]
fn yaml11_policy_proof_required_yes_is_true() {
    let text = "%YAML 1.1\n---\nversion: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    proof: {required: yes}\n";
    let root = parse_default(text).unwrap();
    let rule = item(get(&root, "rules"), 0);
    assert_eq!(
        get(get(rule, "proof"), "required").value,
        NodeValue::Bool(true)
    );
    assert_eq!(get(&root, "version").value, NodeValue::Number(1.0));
}

#[test]
fn yaml11_directive_with_crlf_or_cr_line_ends() {
    for text in [
        "%YAML 1.1\r\n---\r\na: yes\r\n",
        "\u{feff}# comment\r\n%YAML 1.1\r\n---\r\na: yes\r\n",
        "%YAML 1.1\r---\ra: yes\r",
    ] {
        let root = parse_default(text).unwrap();
        assert_eq!(get(&root, "a").value, NodeValue::Bool(true), "{text:?}");
    }
}

#[test]
fn unknown_yaml_version_line_counts_crlf_once() {
    let error = error_of("# a\r\n\r\n%YAML 1.0\r\n---\r\na: 1\r\n");
    assert_eq!(error.code(), "YAML_UNSUPPORTED");
    assert_eq!(error.mark(), mark(3, 1));
}

#[test]
fn yaml12_directive_keeps_core_schema() {
    let root = parse_default("%YAML 1.2\n---\na: yes\n").unwrap();
    assert_eq!(get(&root, "a").value, string("yes"));
}

#[test]
fn integer_beyond_2_pow_53_that_rounds_is_unrepresentable() {
    let root = parse_default("a: 9007199254740993\nb: -9007199254740993\n").unwrap();
    assert_eq!(
        get(&root, "a").value,
        NodeValue::UnrepresentableNumber("9007199254740993".to_owned())
    );
    assert_eq!(
        get(&root, "b").value,
        NodeValue::UnrepresentableNumber("-9007199254740993".to_owned())
    );
}

#[test]
fn exact_large_integers_are_numbers() {
    let root =
        parse_default("a: 9007199254740992\nb: 9007199254740994\nc: 0x20000000000000\n").unwrap();
    assert_eq!(
        get(&root, "a").value,
        NodeValue::Number(9_007_199_254_740_992.0)
    );
    assert_eq!(
        get(&root, "b").value,
        NodeValue::Number(9_007_199_254_740_994.0)
    );
    assert_eq!(
        get(&root, "c").value,
        NodeValue::Number(9_007_199_254_740_992.0)
    );
}

#[test]
fn hexadecimal_that_rounds_is_unrepresentable() {
    let root = parse_default("a: 0x20000000000001\n").unwrap();
    assert_eq!(
        get(&root, "a").value,
        NodeValue::UnrepresentableNumber("0x20000000000001".to_owned())
    );
}

#[test]
fn overflowing_float_is_unrepresentable() {
    let root = parse_default("a: 1e400\nb: -1e400\nc: 1e-400\n").unwrap();
    assert_eq!(
        get(&root, "a").value,
        NodeValue::UnrepresentableNumber("1e400".to_owned())
    );
    assert_eq!(
        get(&root, "b").value,
        NodeValue::UnrepresentableNumber("-1e400".to_owned())
    );
    assert_eq!(
        get(&root, "c").value,
        NodeValue::UnrepresentableNumber("1e-400".to_owned())
    );
}

#[test]
fn core_tags_are_honoured() {
    let text = "a: !!str 12\nb: !!int \"12\"\nc: !!float 1.5\nd: !!bool true\ne: !!null ~\nf: !!map {x: 1}\ng: !!seq [1]\nh: ! 12\n";
    let root = parse_default(text).unwrap();
    assert_eq!(get(&root, "a").value, string("12"));
    assert_eq!(get(&root, "b").value, NodeValue::Number(12.0));
    assert_eq!(get(&root, "c").value, NodeValue::Number(1.5));
    assert_eq!(get(&root, "d").value, NodeValue::Bool(true));
    assert_eq!(get(&root, "e").value, NodeValue::Null);
    assert_eq!(keys(get(&root, "f")), vec![string("x")]);
    assert_eq!(item(get(&root, "g"), 0).value, NodeValue::Number(1.0));
    assert_eq!(get(&root, "h").value, string("12"));
}

// Aliases and merge keys.

#[test]
fn aliases_are_expanded() {
    let root = parse_default("base: &b {x: 1}\ncopy: *b\n").unwrap();
    assert_eq!(get(&root, "copy").value, get(&root, "base").value);
}

#[test]
fn alias_to_undefined_anchor_is_syntax_error() {
    let error = error_of("a: *nope\n");
    assert_eq!(error.code(), "YAML_SYNTAX");
    assert_eq!(error.mark(), mark(1, 4));
    assert!(error.message().contains("*nope"), "{error}");
}

#[test]
fn recursive_alias_is_unsupported() {
    let error = error_of("a: &x [1, *x]\n");
    assert_eq!(error.code(), "YAML_UNSUPPORTED");
    assert_eq!(error.mark(), mark(1, 11));
}

#[test]
fn yaml11_merge_key_copies_missing_pairs() {
    let text =
        "%YAML 1.1\n---\nbase: &b {red: 1, blue: 2}\nderived:\n  green: 0\n  <<: *b\n  blue: 3\n";
    let root = parse_default(text).unwrap();
    let derived = get(&root, "derived");
    assert_eq!(
        keys(derived),
        vec![string("green"), string("red"), string("blue")]
    );
    assert_eq!(get(derived, "red").value, NodeValue::Number(1.0));
    assert_eq!(get(derived, "blue").value, NodeValue::Number(3.0));
    assert_eq!(key_node(derived, "blue").mark, mark(7, 3));
}

#[test]
fn yaml11_merge_key_keeps_earlier_keys() {
    let text = "%YAML 1.1\n---\nbase: &b {red: 1}\nderived:\n  red: 0\n  <<: *b\n";
    let root = parse_default(text).unwrap();
    assert_eq!(
        get(get(&root, "derived"), "red").value,
        NodeValue::Number(0.0)
    );
}

#[test]
fn merge_key_of_scalar_is_syntax_error() {
    let error = error_of("%YAML 1.1\n---\na:\n  <<: 1\n");
    assert_eq!(error.code(), "YAML_SYNTAX");
    assert_eq!(error.mark(), mark(4, 7));
}

#[test]
fn core_schema_merge_key_is_plain_key() {
    let root = parse_default("base: &b {x: 1}\nderived:\n  <<: *b\n").unwrap();
    assert_eq!(keys(get(&root, "derived")), vec![string("<<")]);
}

// Error codes.

#[test]
fn tab_indentation_is_syntax_error() {
    let error = error_of("version: 1\ndefault: deny\nrules:\n\t- id: r\n");
    assert_eq!(error.code(), "YAML_SYNTAX");
    assert_eq!(error.mark(), mark(4, 1));
    assert!(error.message().contains("tab"), "{error}");
}

#[test]
fn unclosed_quote_is_syntax_error() {
    let error = error_of("version: 1\ndefault: \"deny\nrules: []\n");
    assert_eq!(error.code(), "YAML_SYNTAX");
    assert_eq!(error.mark(), mark(2, 10));
    assert!(
        error.message().contains("unclosed quoted scalar"),
        "{error}"
    );
}

#[test]
fn unclosed_quote_at_end_is_syntax_error() {
    let error = error_of("a: 'abc\n");
    assert_eq!(error.code(), "YAML_SYNTAX");
    assert!(
        error.message().contains("unclosed quoted scalar"),
        "{error}"
    );
}

#[test]
fn bad_indentation_is_syntax_error() {
    let error = error_of("a:\n  b: 1\n c: 2\n");
    assert_eq!(error.code(), "YAML_SYNTAX");
    assert_eq!(error.mark().line, 3);
}

#[test]
fn syntax_messages_are_lowercase_without_position() {
    for text in [
        "a: [1\n",
        "a: b: c\n",
        "a: @x\n",
        "a:\n\tb: 1\n",
        "a: \"x\" y\n",
    ] {
        let message = error_of(text).message().to_owned();
        let first = message.chars().next().unwrap();
        assert!(!first.is_uppercase(), "{message}");
        assert!(!message.contains("line"), "{message}");
    }
}

#[test]
fn error_displays_message_and_position() {
    let error = error_of("a: 1\na: 2\n");
    assert_eq!(
        error.to_string(),
        "duplicate mapping key \"a\" at line 2, column 1"
    );
}

#[test]
fn duplicate_key_points_at_second_occurrence() {
    let error = error_of("version: 1\ndefault: deny\ndefault: allow\nrules: []\n");
    assert_eq!(error.code(), "YAML_DUPLICATE_KEY");
    assert_eq!(error.mark(), mark(3, 1));
    assert!(error.message().contains("\"default\""), "{error}");
}

#[test]
fn duplicate_key_plain_and_quoted() {
    let error = error_of("a: 1\n\"a\": 2\n");
    assert_eq!(error.code(), "YAML_DUPLICATE_KEY");
    assert_eq!(error.mark(), mark(2, 1));
}

#[test]
fn duplicate_key_in_flow_mapping() {
    let error = error_of("{a: 1, a: 2}\n");
    assert_eq!(error.code(), "YAML_DUPLICATE_KEY");
    assert_eq!(error.mark(), mark(1, 8));
}

#[test]
fn duplicate_key_same_javascript_property() {
    for text in [
        "1: a\n\"1\": b\n",
        "1: a\n1.0: b\n",
        "~: a\n\"\": b\n",
        ".nan: a\n.NaN: b\n",
        "1e21: a\n\"1e+21\": b\n",
        "1e-7: a\n\"1e-7\": b\n",
        "0.000001: a\n\"0.000001\": b\n",
        ".inf: a\nInfinity: b\n",
        "-0: a\n0: b\n",
    ] {
        assert_eq!(error_of(text).code(), "YAML_DUPLICATE_KEY", "{text:?}");
    }
}

#[test]
fn same_key_in_sibling_mappings_is_allowed() {
    assert!(parse_default("x: {a: 1}\ny: {a: 2}\n").is_ok());
}

#[test]
fn multiple_documents_are_rejected() {
    let error = error_of("version: 1\ndefault: deny\nrules: []\n---\nversion: 1\n");
    assert_eq!(error.code(), "YAML_MULTIPLE_DOCUMENTS");
    assert_eq!(error.mark(), mark(4, 1));
}

#[test]
fn document_after_end_marker_is_rejected() {
    assert_eq!(
        error_of("a: 1\n...\nb: 2\n").code(),
        "YAML_MULTIPLE_DOCUMENTS"
    );
}

#[test]
fn end_marker_then_comment_is_one_document() {
    let root = parse_default("a: 1\n...\n# done\n").unwrap();
    assert_eq!(get(&root, "a").value, NodeValue::Number(1.0));
}

#[test]
fn collection_keys_are_unsupported() {
    for text in ["[a]: 1\n", "? {a: 1}\n: 1\n", "a: &k [x]\n*k : 1\n"] {
        assert_eq!(error_of(text).code(), "YAML_UNSUPPORTED", "{text:?}");
    }
}

#[test]
fn unrepresentable_key_is_unsupported() {
    assert_eq!(error_of("9007199254740993: a\n").code(), "YAML_UNSUPPORTED");
}

#[test]
fn unknown_tags_are_unsupported() {
    for text in [
        "a: !foo x\n",
        "a: !!binary aGk=\n",
        "a: !!set {x}\n",
        "a: !!int abc\n",
    ] {
        let error = error_of(text);
        assert_eq!(error.code(), "YAML_UNSUPPORTED", "{text:?}");
        assert_eq!(error.mark(), mark(1, 4), "{text:?}");
    }
}

#[test]
fn yaml11_timestamp_is_unsupported() {
    let error = error_of("%YAML 1.1\n---\na: 2001-12-14\n");
    assert_eq!(error.code(), "YAML_UNSUPPORTED");
    assert_eq!(error.mark(), mark(3, 4));
}

#[test]
fn unknown_yaml_version_is_unsupported() {
    let error = error_of("%YAML 1.3\n---\na: 1\n");
    assert_eq!(error.code(), "YAML_UNSUPPORTED");
    assert_eq!(error.mark(), mark(1, 1));
}

// Limits.

#[test]
fn default_limits() {
    let limits = YamlLimits::default();
    assert_eq!(limits.max_bytes, DEFAULT_MAX_BYTES);
    assert_eq!(limits.max_depth, DEFAULT_MAX_DEPTH);
    assert_eq!(limits.max_nodes, DEFAULT_MAX_NODES);
    assert_eq!(DEFAULT_MAX_BYTES, 1024 * 1024);
    assert_eq!(DEFAULT_MAX_DEPTH, 64);
    assert_eq!(DEFAULT_MAX_NODES, 100_000);
}

#[test]
fn max_bytes_at_limit_is_accepted() {
    let text = format!("a: {}\n", "x".repeat(100));
    let limits = YamlLimits {
        max_bytes: text.len(),
        ..YamlLimits::default()
    };
    assert!(parse(&text, &limits).is_ok());
}

#[test]
fn max_bytes_past_limit_is_too_large() {
    let text = format!("a: {}\n", "x".repeat(100));
    let limits = YamlLimits {
        max_bytes: text.len() - 1,
        ..YamlLimits::default()
    };
    let error = error_with(&text, &limits);
    assert_eq!(error.code(), "YAML_TOO_LARGE");
    assert_eq!(error.mark(), mark(1, 1));
}

#[test]
fn default_max_bytes_past_limit_is_too_large() {
    let text = format!("a: \"{}\"\n", "x".repeat(DEFAULT_MAX_BYTES));
    assert_eq!(error_of(&text).code(), "YAML_TOO_LARGE");
}

#[test]
fn max_depth_at_limit_is_accepted() {
    let limits = YamlLimits::default();
    let depth = limits.max_depth;
    for text in [
        nested_block_mappings(depth),
        nested_flow_sequences(depth),
        nested_flow_mappings(depth),
        nested_block_sequences(depth),
    ] {
        assert!(parse(&text, &limits).is_ok(), "{text}");
    }
}

#[test]
fn max_depth_past_limit_is_too_deep() {
    let limits = YamlLimits::default();
    let depth = limits.max_depth + 1;
    for text in [
        nested_block_mappings(depth),
        nested_flow_sequences(depth),
        nested_flow_mappings(depth),
        nested_block_sequences(depth),
    ] {
        assert_eq!(error_with(&text, &limits).code(), "YAML_TOO_DEEP", "{text}");
    }
}

#[test]
fn too_deep_points_at_first_collection_past_limit() {
    let limits = YamlLimits {
        max_depth: 2,
        ..YamlLimits::default()
    };
    let error = error_with("a:\n  b:\n    c: 1\n", &limits);
    assert_eq!(error.code(), "YAML_TOO_DEEP");
    assert_eq!(error.mark(), mark(3, 5));
}

#[test]
fn alias_expansion_counts_toward_depth() {
    let limits = YamlLimits {
        max_depth: 3,
        ..YamlLimits::default()
    };
    assert!(parse("a: &x [[1]]\nb: *x\n", &limits).is_ok());
    let error = error_with("a: &x [[1]]\nb: [*x]\n", &limits);
    assert_eq!(error.code(), "YAML_TOO_DEEP");
    assert_eq!(error.mark(), mark(2, 5));
}

#[test]
fn flow_nesting_beyond_parser_limit_is_too_deep() {
    let limits = YamlLimits {
        max_depth: 1000,
        ..YamlLimits::default()
    };
    assert!(parse(&nested_flow_sequences(255), &limits).is_ok());
    let error = error_with(&nested_flow_sequences(256), &limits);
    assert_eq!(error.code(), "YAML_TOO_DEEP");
}

#[test]
fn max_nodes_at_limit_is_accepted() {
    let limits = YamlLimits {
        max_nodes: 101,
        ..YamlLimits::default()
    };
    assert!(parse(&flat_sequence(100), &limits).is_ok());
}

#[test]
fn max_nodes_past_limit_is_too_many_nodes() {
    let limits = YamlLimits {
        max_nodes: 100,
        ..YamlLimits::default()
    };
    let error = error_with(&flat_sequence(100), &limits);
    assert_eq!(error.code(), "YAML_TOO_MANY_NODES");
}

#[test]
fn mapping_keys_count_as_nodes() {
    // A mapping, two keys and two values.
    let text = "a: 1\nb: 2\n";
    let at_limit = YamlLimits {
        max_nodes: 5,
        ..YamlLimits::default()
    };
    let below = YamlLimits {
        max_nodes: 4,
        ..YamlLimits::default()
    };
    assert!(parse(text, &at_limit).is_ok());
    assert_eq!(error_with(text, &below).code(), "YAML_TOO_MANY_NODES");
}

#[test]
fn alias_copies_count_as_nodes() {
    // Mapping, 2 keys, the anchored [x, y] (3 nodes) and its copy (3 nodes).
    let text = "a: &s [x, y]\nb: *s\n";
    let at_limit = YamlLimits {
        max_nodes: 9,
        ..YamlLimits::default()
    };
    let below = YamlLimits {
        max_nodes: 8,
        ..YamlLimits::default()
    };
    assert!(parse(text, &at_limit).is_ok());
    let error = error_with(text, &below);
    assert_eq!(error.code(), "YAML_TOO_MANY_NODES");
    assert_eq!(error.mark(), mark(2, 4));
}

#[test]
fn billion_laughs_is_too_many_nodes() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let aliases = vec![format!("*{}", pair[0]); 9].join(", ");
        text.push_str(&format!("{}: &{} [{aliases}]\n", pair[1], pair[1]));
    }
    let ((code, line), elapsed) = on_small_stack(move || {
        let error = parse_default(&text).unwrap_err();
        (error.code(), error.mark().line)
    });
    assert_eq!(code, "YAML_TOO_MANY_NODES");
    assert_eq!(line, 6);
    assert!(elapsed < HOSTILE_INPUT_TIME_LIMIT, "took {elapsed:?}");
}

#[test]
fn deep_flow_sequences_are_rejected_on_small_stack() {
    let ((code, line), elapsed) = on_small_stack(|| {
        let error = parse_default(&nested_flow_sequences(10_000)).unwrap_err();
        (error.code(), error.mark().line)
    });
    assert_eq!(code, "YAML_TOO_DEEP");
    assert_eq!(line, 1);
    assert!(elapsed < HOSTILE_INPUT_TIME_LIMIT, "took {elapsed:?}");
}

#[test]
fn deep_flow_mappings_are_rejected_on_small_stack() {
    let (code, elapsed) = on_small_stack(|| {
        parse_default(&nested_flow_mappings(10_000))
            .unwrap_err()
            .code()
    });
    assert_eq!(code, "YAML_TOO_DEEP");
    assert!(elapsed < HOSTILE_INPUT_TIME_LIMIT, "took {elapsed:?}");
}

#[test]
fn deep_block_sequences_are_rejected_on_small_stack() {
    let (code, elapsed) = on_small_stack(|| {
        parse_default(&nested_block_sequences(10_000))
            .unwrap_err()
            .code()
    });
    assert_eq!(code, "YAML_TOO_DEEP");
    assert!(elapsed < HOSTILE_INPUT_TIME_LIMIT, "took {elapsed:?}");
}

#[test]
fn deep_block_mappings_are_rejected_on_small_stack() {
    // 10,000 levels of indentation take about 50 MB, which the default
    // max_bytes rejects first, so raise it to reach the depth check.
    let text = nested_block_mappings(10_000);
    assert_eq!(error_of(&text).code(), "YAML_TOO_LARGE");

    let ((code, mark), elapsed) = on_small_stack(move || {
        let limits = YamlLimits {
            max_bytes: usize::MAX,
            ..YamlLimits::default()
        };
        let error = parse(&text, &limits).unwrap_err();
        (error.code(), error.mark())
    });
    assert_eq!(code, "YAML_TOO_DEEP");
    assert_eq!(
        mark,
        Mark {
            line: 65,
            column: 65
        }
    );
    assert!(elapsed < HOSTILE_INPUT_TIME_LIMIT, "took {elapsed:?}");
}

#[test]
fn tree_at_max_depth_is_built_and_dropped_on_small_stack() {
    let (depth, _) = on_small_stack(|| {
        let node = parse_default(&nested_flow_sequences(DEFAULT_MAX_DEPTH)).unwrap();
        let copy = node.clone();
        assert_eq!(copy, node);
        let mut depth = 0;
        let mut current = &node;
        while let NodeValue::Sequence(items) = &current.value {
            depth += 1;
            match items.first() {
                Some(first) => current = first,
                None => break,
            }
        }
        depth
    });
    assert_eq!(depth, DEFAULT_MAX_DEPTH);
}

/// Every YAML text the repository has: the recorded YAML corpus, the
/// policies of the conformance corpus, the example policies and test files,
/// and variants of each with other indentation, comments and spacing.
fn repository_yaml_texts() -> Vec<String> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let read_json = |path: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    };
    let mut texts = Vec::new();
    let corpus = read_json(root.join("tests/yaml/yaml-corpus.json"));
    for case in corpus["cases"].as_array().unwrap() {
        texts.push(case["yaml"].as_str().unwrap().to_owned());
    }
    for entry in std::fs::read_dir(root.join("tests/conformance/openleash")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let file = read_json(path);
            for case in file["cases"].as_array().into_iter().flatten() {
                for policy in case["policies"].as_array().into_iter().flatten() {
                    if let Some(text) = policy.as_str() {
                        texts.push(text.to_owned());
                    }
                }
            }
        }
    }
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let folder = entry.unwrap().path();
        for name in ["policy.yaml", "tests.yaml"] {
            if let Ok(text) = std::fs::read_to_string(folder.join(name)) {
                texts.push(text);
            }
        }
        if let Ok(files) = std::fs::read_dir(&folder) {
            for file in files {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|ext| ext == "yaml") {
                    texts.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
    }
    let originals = texts.clone();
    for text in &originals {
        // Deeper indentation, trailing comments and spaces, blank lines,
        // and a document that does not end in a newline.
        texts.push(
            text.lines()
                .map(|line| format!("  {line}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        texts.push(
            text.lines()
                .map(|line| format!("{line}  # note"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        texts.push(
            text.lines()
                .map(|line| format!("{line}   "))
                .collect::<Vec<_>>()
                .join("\n\n"),
        );
        texts.push(text.trim_end().to_owned());
        texts.push(text.replace(": ", ":   ").replace("- ", "-   "));
        texts.push(text.replace("\n  ", "\n    "));
    }
    texts
}

#[test]
fn fast_path_agrees_with_the_general_parser() {
    let limits = YamlLimits::default();
    let mut accepted = 0;
    let texts = repository_yaml_texts();
    for text in &texts {
        let Some(fast) = super::fast::parse(text, &limits) else {
            continue;
        };
        accepted += 1;
        let schema = super::schema::Schema::for_document(text).unwrap();
        let general = super::compose::compose(text, schema, &limits);
        // Debug output compares NaN equal to itself, unlike `PartialEq`.
        assert_eq!(
            format!("{:?}", Ok::<&Node, &YamlError>(&fast)),
            format!("{:?}", general.as_ref()),
            "fast path differs on {text:?}"
        );
    }
    // The fast path must carry most of the real documents.
    assert!(accepted * 3 > texts.len(), "{accepted} of {}", texts.len());
}

#[test]
fn fast_path_takes_example_policies_without_anchors() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path().join("policy.yaml");
        // Anchors and aliases are left to the general parser; some examples
        // use them on purpose.
        if let Ok(text) = std::fs::read_to_string(&path)
            && !text.contains('&')
        {
            assert!(
                super::fast::parse(&text, &YamlLimits::default()).is_some(),
                "{} is not on the fast path",
                path.display()
            );
        }
    }
}

#[test]
fn fast_path_leaves_limits_and_errors_to_the_general_parser() {
    let deep = format!("{}x{}", "[".repeat(10), "]".repeat(10));
    let limits = YamlLimits {
        max_depth: 5,
        ..YamlLimits::default()
    };
    assert!(super::fast::parse(&deep, &limits).is_none());
    assert_eq!(parse(&deep, &limits).unwrap_err().code(), "YAML_TOO_DEEP");
    let many = format!("[{}]", vec!["a"; 50].join(", "));
    let limits = YamlLimits {
        max_nodes: 10,
        ..YamlLimits::default()
    };
    assert!(super::fast::parse(&many, &limits).is_none());
    assert_eq!(
        parse(&many, &limits).unwrap_err().code(),
        "YAML_TOO_MANY_NODES"
    );
    for text in ["a: 1\na: 2\n", "{a: 1, a: 2}", "1: x\n\"1\": y\n"] {
        assert!(
            super::fast::parse(text, &YamlLimits::default()).is_none(),
            "{text}"
        );
        assert_eq!(error_of(text).code(), "YAML_DUPLICATE_KEY", "{text}");
    }
}

/// Generates YAML-like documents from pieces that sit at the edges of the
/// fast path's subset, deterministically.
fn generated_documents(count: usize) -> Vec<String> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % bound
    };
    let keys = [
        "id",
        "effect",
        "a b",
        "\"quoted key\"",
        "'single'",
        "1",
        "0x1F",
        "true",
        "null",
        "-k",
        "k-",
        "é",
        "$.x",
        "a:b",
        "k ",
        "\"a\\tb\"",
        "''",
        "?x",
        ":x",
    ];
    let scalars = [
        "allow",
        "1",
        "-5",
        "1.5e3",
        ".inf",
        "-.inf",
        ".nan",
        "010",
        "0o17",
        "yes",
        "~",
        "null",
        "\"a # b\"",
        "'it''s'",
        "\"\\u00e9\\x41\\n\"",
        "a#b",
        "a # comment",
        "http://x.y/z",
        "$.payload.amount_minor",
        "\"\"",
        "''",
        "é ü",
        "-",
        "a:",
        ":",
        "a: b",
        "[]",
        "{}",
        "[a, b]",
        "[a, [b, c]]",
        "{a: 1, b: [x, y]}",
        "[a,b]",
        "{a: 1,b: 2}",
        "[a: b]",
        "[a, ]",
        "{\"q\": 1}",
        "[-1, -x]",
        "{a}",
        "&anchor a",
        "*alias",
        "!tag a",
        "|",
        ">",
        "@x",
        "`x",
        "\"bad \\q escape\"",
        "'unclosed",
        "9007199254740993",
        "1e400",
        "[a, {b: c}]",
        "\"\\U0001F600\"",
        "  spaced  ",
        "a\u{a0}b",
    ];
    let mut documents = Vec::with_capacity(count);
    for _ in 0..count {
        let mut text = String::new();
        let mut indent = 0usize;
        for _ in 0..(2 + next(12)) {
            let pad = " ".repeat(indent);
            match next(9) {
                0..=2 => {
                    text.push_str(&format!(
                        "{pad}{}: {}\n",
                        keys[next(keys.len())],
                        scalars[next(scalars.len())]
                    ));
                }
                3 => {
                    text.push_str(&format!("{pad}{}:\n", keys[next(keys.len())]));
                    indent += [0, 1, 2, 4][next(4)];
                }
                4 => text.push_str(&format!("{pad}- {}\n", scalars[next(scalars.len())])),
                5 => text.push_str(&format!(
                    "{pad}- {}: {}\n",
                    keys[next(keys.len())],
                    scalars[next(scalars.len())]
                )),
                6 => {
                    text.push_str(["\n", "# comment\n", "   \n", "  # indented comment\n"][next(4)])
                }
                7 => indent = indent.saturating_sub([1, 2, 4][next(3)]),
                _ => text.push_str(&format!("{pad}-\n")),
            }
        }
        documents.push(text);
    }
    documents
}

#[test]
fn fast_path_agrees_on_generated_documents() {
    let limits = YamlLimits::default();
    let mut accepted = 0;
    for text in generated_documents(60_000) {
        let Some(fast) = super::fast::parse(&text, &limits) else {
            continue;
        };
        accepted += 1;
        let schema = super::schema::Schema::for_document(&text).unwrap();
        let general = super::compose::compose(&text, schema, &limits);
        assert_eq!(
            format!("{:?}", Ok::<&Node, &YamlError>(&fast)),
            format!("{:?}", general.as_ref()),
            "fast path differs on {text:?}"
        );
    }
    assert!(
        accepted > 2_000,
        "only {accepted} generated documents took the fast path"
    );
}
