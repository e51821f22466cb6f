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

impl Node {
    /// An estimate of the number of automaton states the pattern compiles
    /// to: one per code unit, class or assertion, repetitions multiplied
    /// out. It bounds load time and memory, and with the input length it
    /// bounds the work of one search.
    pub(super) fn size(&self) -> u64 {
        match self {
            Node::Empty => 0,
            Node::Unit(_) | Node::Assertion(_) => 1,
            // A class compiles to a branch per range of UTF-8 sequences.
            Node::Class(set) => 1 + u64::try_from(set.ranges().len()).unwrap_or(u64::MAX),
            Node::Group(inner) => inner.size(),
            Node::Concat(items) => items.iter().map(Node::size).fold(0, u64::saturating_add),
            Node::Alternation(items) => items.iter().map(Node::size).fold(1, u64::saturating_add),
            Node::Repeat(repeat) => {
                let copies = match repeat.max {
                    Some(max) => u64::from(max.max(1)),
                    None => u64::from(repeat.min) + 1,
                };
                repeat.node.size().saturating_mul(copies).saturating_add(1)
            }
        }
    }
}
