//! YAML loading with positions.
//!
//! [`parse`] turns one YAML document into a tree of [`Node`]s, each carrying
//! the line and column where it starts, so that policy validation can point
//! at the offending text. Scalars resolve exactly as the npm `yaml` package
//! (version 2.9.0) resolves them under `YAML.parse(text)` with default
//! options:
//!
//! - By default the YAML 1.2 core schema applies. `null`, `~` and the empty
//!   scalar are null, and `true`/`false` (also `True`, `TRUE`...) are
//!   booleans. `010` is the integer 10, `0o17` and `0x1F` are octal and
//!   hexadecimal integers, and `.inf` and `.nan` are non-finite floats.
//!   Everything else (`yes`, `on`, `2024-01-01`, `1_000`, `12:30`) is a
//!   string, and so is every quoted or block scalar.
//! - A document whose prologue has the directive `%YAML 1.1` uses that
//!   package's YAML 1.1 schema instead. There `yes`/`on`/`y` are booleans,
//!   `010` is octal, `0b101` is binary, `1_000` is 1000 and `12:30` is 750.
//!   The merge key `<<` copies the pairs of another mapping.
//!
//! Deliberate differences from that package, each chosen to fail closed:
//!
//! - A number that an `f64` cannot hold exactly (an integer beyond 2^53 that
//!   would round, a finite literal such as `1e400` that overflows, or a
//!   non-zero literal such as `1e-400` that underflows to zero) becomes
//!   [`NodeValue::UnrepresentableNumber`] instead of a rounded double.
//! - Two keys of one mapping that JavaScript would turn into the same
//!   property name are a duplicate (`1` and `"1"`, `null` and `""`, `.nan`
//!   twice, an alias and a plain key of the same value), where the package
//!   keeps the last silently.
//! - Collection keys, tags other than the core ones (`!!str`, `!!int`,
//!   `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq` and the non-specific
//!   `!`), a core tag whose value does not match it (`!!int abc`), YAML 1.1
//!   timestamps, a `%YAML` version other than 1.1 and 1.2, and an alias that
//!   refers to a node containing it are rejected with `YAML_UNSUPPORTED`;
//!   the package only warns about the tags and versions, and turns the others
//!   into dates, circular structures or stringified keys.
//! - Alias expansion is bounded by [`YamlLimits::max_nodes`] rather than by
//!   the package's ratio of aliases to nodes.
//!
//! Documents in the plain block style policies are usually written in take
//! a fast path that builds the same tree several times faster; anything
//! else, errors included, goes through the general parser (`saphyr-parser`
//! events composed into nodes).
//!
//! The work any input can cause is bounded: the text length by
//! [`YamlLimits::max_bytes`], nesting by [`YamlLimits::max_depth`] and the
//! size of the tree, aliases expanded, by [`YamlLimits::max_nodes`]. The tree
//! is built from parser events with an explicit stack, so no recursion depth
//! depends on the input while parsing.

mod compose;
mod error;
// The WebAssembly package leaves the fast path out: it would add about
// 4.7 KB to the gzipped module, and there loading a policy matters less
// than deciding (docs/benchmarks.md, "WebAssembly package").
#[cfg(not(target_arch = "wasm32"))]
mod fast;
mod number;
mod schema;

#[cfg(test)]
mod tests;

pub use error::YamlError;

/// Default for [`YamlLimits::max_bytes`]: 1 MiB of YAML text.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;

/// Default for [`YamlLimits::max_depth`]: 64 nested collections.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// Default for [`YamlLimits::max_nodes`]: 100,000 nodes, counting the nodes
/// that alias expansion copies.
pub const DEFAULT_MAX_NODES: usize = 100_000;

/// A position in the YAML text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Line number, starting at 1. `\n`, `\r\n` and a lone `\r` each end a
    /// line.
    pub line: u32,
    /// Column number, starting at 1 and counted in Unicode scalar values (a
    /// byte order mark at the start of the text is not counted).
    pub column: u32,
}

/// One node of a parsed YAML document.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The resolved value.
    pub value: NodeValue,
    /// Position of the node's first property (`&anchor`, `!tag`) if it has
    /// one, else of its first character. An empty scalar (the value
    /// of `key:` with nothing after it) is marked where the parser inferred
    /// it, usually at the `:` indicator. A node copied by alias expansion is
    /// marked at the alias, and the nodes inside it keep the marks of the
    /// anchored original.
    pub mark: Mark,
}

/// The value of a [`Node`].
///
/// `Clone`, `Drop` and `PartialEq` of a tree recurse once per level of
/// nesting, which [`YamlLimits::max_depth`] bounds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// `null`, `~`, or an empty scalar.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number that an `f64` represents exactly, or one of `.inf`, `-.inf`
    /// and `.nan`. The caller decides where non-finite numbers are allowed.
    /// A decimal fraction such as `0.1` is the nearest `f64`, as in
    /// JavaScript.
    Number(f64),
    /// A scalar that resolves to a number an `f64` cannot hold exactly: an
    /// integer whose magnitude exceeds 2^53 and that would round (such as
    /// `9007199254740993`), a finite literal that overflows to infinity
    /// (such as `1e400`), or a non-zero literal that underflows to zero
    /// (such as `1e-400`). A YAML 1.1 sexagesimal integer (`1:30:00`) beyond
    /// 2^53 always counts as one, because the package sums its parts in
    /// doubles. Contains the scalar's text.
    UnrepresentableNumber(String),
    /// A string: any quoted or block scalar, and any plain scalar that the
    /// schema does not resolve to another type.
    String(String),
    /// A sequence, items in document order.
    Sequence(Vec<Node>),
    /// A mapping, pairs in document order. Keys are always scalars (null,
    /// boolean, number or string) and no two keys share a JavaScript property
    /// name. Pairs copied by a YAML 1.1 merge key (`<<`) sit where the merge
    /// key was.
    Mapping(Vec<(Node, Node)>),
}

/// Bounds on the work that [`parse`] does for one input.
#[derive(Clone, Debug)]
pub struct YamlLimits {
    /// Maximum length of the text in bytes (UTF-8, byte order mark
    /// included); longer text is rejected with `YAML_TOO_LARGE`.
    pub max_bytes: usize,
    /// Maximum number of nested collections, after alias expansion: a
    /// top-level mapping is at depth 1 and a scalar inside it adds nothing.
    /// Deeper input is rejected with `YAML_TOO_DEEP`. Flow collections
    /// (`[...]`, `{...}`) nested more than 255 deep are rejected with the
    /// same code even when this limit is higher, because the parser stops
    /// there. Cloning, comparing and dropping a tree recurse once per level,
    /// so keep this limit in the hundreds at most.
    pub max_depth: usize,
    /// Maximum number of nodes created, keys included. Each node that alias
    /// expansion copies counts, and so do the nodes that a merge key then
    /// discards. More nodes are rejected with `YAML_TOO_MANY_NODES`.
    pub max_nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// Parses one YAML document into a tree of positioned nodes.
///
/// The text may start with a UTF-8 byte order mark and may use `\r\n` line
/// ends. An empty or comment-only text is `Node { value: Null, mark: 1:1 }`.
/// Aliases are expanded, so the tree contains no aliases.
///
/// # Errors
///
/// Returns a [`YamlError`] whose [`code`](YamlError::code) is one of:
///
/// - `YAML_SYNTAX`: the text is not well-formed YAML (tab indentation, an
///   unclosed quote, bad indentation, an alias to an undefined anchor, a
///   merge key whose value is not a mapping...).
/// - `YAML_DUPLICATE_KEY`: a mapping has the same key twice; the mark points
///   at the second occurrence.
/// - `YAML_MULTIPLE_DOCUMENTS`: the text contains more than one document.
/// - `YAML_TOO_LARGE`, `YAML_TOO_DEEP`, `YAML_TOO_MANY_NODES`: a limit of
///   `limits` was exceeded.
/// - `YAML_UNSUPPORTED`: a collection used as a mapping key, an unsupported
///   tag or `%YAML` version, a YAML 1.1 timestamp, or a recursive alias.
pub fn parse(text: &str, limits: &YamlLimits) -> Result<Node, YamlError> {
    if text.len() > limits.max_bytes {
        return Err(YamlError::too_large(text.len(), limits.max_bytes));
    }
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(node) = fast::parse(text, limits) {
        return Ok(node);
    }
    let schema = schema::Schema::for_document(text)?;
    compose::compose(text, schema, limits)
}
