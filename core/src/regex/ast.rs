//! The parsed form of an ECMAScript pattern.

use super::class::UnitSet;

/// The parsed form of a pattern, reduced to what decides whether it matches.
/// Capture groups become plain groups and greediness is dropped, because
/// neither changes whether a match exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Node {
    /// Matches the empty string.
    Empty,
    /// One UTF-16 code unit, which may be a surrogate.
    Unit(u16),
    /// One code unit from the set.
    Class(UnitSet),
    Assertion(Assertion),
    Group(Box<Node>),
    Repeat(Box<Repeat>),
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Assertion {
    /// `^`: the start of the input (patterns have no multiline flag).
    Start,
    /// `$`: the end of the input, never before a trailing newline.
    End,
    /// `\b`, with the ASCII word characters.
    WordBoundary,
    /// `\B`, with the ASCII word characters.
    NotWordBoundary,
}

/// A quantified atom. `max` is `None` when unbounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Repeat {
    pub(super) node: Node,
    pub(super) min: u32,
    pub(super) max: Option<u32>,
}
