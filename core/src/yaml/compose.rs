//! Builds the node tree from the events of `saphyr-parser`.
//!
//! The parser is a state machine with its own explicit stack, and this
//! module keeps open collections on an explicit stack too, so no recursion
//! depth depends on the input. Limits are checked before each node is
//! created: depth when a collection opens or an alias is expanded, and the
//! node count for every scalar, collection and alias copy.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use super::error::YamlError;
use super::number;
use super::schema::{CoreTag, Schema, TagKind, quote};
use super::{Mark, Node, NodeValue, YamlLimits};

/// Flow nesting depth at which `saphyr-parser` stops with "recursion limit
/// exceeded" (its flow level is a `u8`).
const PARSER_MAX_FLOW_DEPTH: usize = 255;

/// Parses `text` under `schema` into a tree, enforcing `limits` except
/// `max_bytes`, which the caller checks.
pub(super) fn compose(text: &str, schema: Schema, limits: &YamlLimits) -> Result<Node, YamlError> {
    let mut composer = Composer {
        text,
        schema,
        limits,
        stack: Vec::new(),
        anchors: BTreeMap::new(),
        node_count: 0,
        document_count: 0,
        root: None,
    };
    // NOTE: saphyr-parser 0.3.4 keeps every token of a flow collection that
    // could be an implicit key in memory until the collection ends. A 1 MiB
    // text `[a,a,a,...]` peaked at about 190 MB of resident memory and took
    // 0.33 s (x86_64 Linux, release build), so time stays linear.
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| composer.scan_error(&error))?;
        composer.handle(event, span)?;
    }
    Ok(composer.root.unwrap_or(Node {
        value: NodeValue::Null,
        mark: Mark { line: 1, column: 1 },
    }))
}

struct Composer<'a> {
    text: &'a str,
    schema: Schema,
    limits: &'a YamlLimits,
    /// Open collections, outermost first.
    stack: Vec<Frame>,
    /// Completed anchored nodes by the parser's anchor id. A node is added
    /// when it completes, so an alias to an open collection finds nothing.
    anchors: BTreeMap<usize, Anchored>,
    /// Nodes created so far, alias copies included.
    node_count: usize,
    document_count: usize,
    root: Option<Node>,
}

struct Anchored {
    node: Node,
    /// Nodes in `node`, itself included.
    count: usize,
    /// Collection levels in `node`: 0 for a scalar.
    height: usize,
}

/// An open collection.
struct Frame {
    mark: Mark,
    anchor_id: usize,
    /// `node_count` before this collection was counted.
    count_before: usize,
    /// Greatest height among the children so far.
    child_height: usize,
    kind: FrameKind,
}

enum FrameKind {
    Sequence(Vec<Node>),
    Mapping(MappingFrame),
}

#[derive(Default)]
struct MappingFrame {
    pairs: Vec<(Node, Node)>,
    /// Per pair: whether its key was written in this mapping (a second one
    /// is a duplicate) or copied by a merge key (an explicit key replaces
    /// it, as a later assignment does in JavaScript).
    explicit: Vec<bool>,
    /// Pair positions by JavaScript property name, built once the mapping
    /// has more than [`INDEXED_KEYS`] pairs so that key checks stay linear
    /// in the size of the mapping overall.
    index: Option<HashMap<String, usize>>,
    /// The key waiting for its value.
    pending_key: Option<PendingKey>,
}

/// Pair count above which a mapping indexes its keys.
const INDEXED_KEYS: usize = 16;

impl MappingFrame {
    /// The position of the pair whose key has property name `name`.
    fn find(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self
                .pairs
                .iter()
                .position(|(key, _)| property_name(key).is_ok_and(|found| found == name)),
        }
    }

    fn is_explicit(&self, position: usize) -> bool {
        self.explicit.get(position).copied().unwrap_or(false)
    }

    /// Appends a pair. INVARIANT: no pair has the same property name.
    fn push(&mut self, key: Node, value: Node, explicit: bool) -> Result<(), YamlError> {
        if let Some(index) = &mut self.index {
            index.insert(property_name(&key)?.into_owned(), self.pairs.len());
        }
        self.pairs.push((key, value));
        self.explicit.push(explicit);
        if self.index.is_none() && self.pairs.len() > INDEXED_KEYS {
            let mut index = HashMap::with_capacity(self.pairs.len());
            for (position, (key, _)) in self.pairs.iter().enumerate() {
                index.insert(property_name(key)?.into_owned(), position);
            }
            self.index = Some(index);
        }
        Ok(())
    }
}

enum PendingKey {
    Explicit(Node),
    Merge,
}

impl Composer<'_> {
    fn handle(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let mark = mark_of(span);
        match event {
            Event::DocumentStart(_) => {
                self.document_count += 1;
                if self.document_count > 1 {
                    return Err(YamlError::multiple_documents(mark));
                }
                Ok(())
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let tag = tag.map(|tag| TagKind::from_tag(&tag));
                self.scalar(&value, style, anchor_id, tag.as_ref(), mark)
            }
            Event::SequenceStart(anchor_id, tag) => {
                let tag = tag.map(|tag| TagKind::from_tag(&tag));
                self.open(
                    FrameKind::Sequence(Vec::new()),
                    anchor_id,
                    tag.as_ref(),
                    mark,
                )
            }
            Event::MappingStart(anchor_id, tag) => {
                let tag = tag.map(|tag| TagKind::from_tag(&tag));
                self.open(
                    FrameKind::Mapping(MappingFrame::default()),
                    anchor_id,
                    tag.as_ref(),
                    mark,
                )
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(anchor_id) => self.alias(anchor_id, span),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
        }
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor_id: usize,
        tag: Option<&TagKind>,
        mark: Mark,
    ) -> Result<(), YamlError> {
        self.count_nodes(1, mark)?;
        let plain = style == ScalarStyle::Plain;
        let node = Node {
            value: self
                .schema
                .resolve(value, plain, tag)
                .map_err(|message| YamlError::unsupported(message, mark))?,
            mark,
        };
        if anchor_id != 0 {
            self.anchors.insert(
                anchor_id,
                Anchored {
                    node: node.clone(),
                    count: 1,
                    height: 0,
                },
            );
        }

        if self.expects_key() && self.schema.is_merge_key(value, plain, tag) {
            if let Some(mapping) = self.top_mapping() {
                mapping.pending_key = Some(PendingKey::Merge);
            }
            return Ok(());
        }
        self.attach(node, 0)
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor_id: usize,
        tag: Option<&TagKind>,
        mark: Mark,
    ) -> Result<(), YamlError> {
        let (noun, own_tag) = match kind {
            FrameKind::Sequence(_) => ("sequence", CoreTag::Seq),
            FrameKind::Mapping(_) => ("mapping", CoreTag::Map),
        };
        match tag {
            None | Some(TagKind::NonSpecific) => {}
            Some(TagKind::Core(core)) if *core == own_tag => {}
            Some(kind @ TagKind::Core(_)) => {
                return Err(YamlError::unsupported(
                    format!("tag {kind} cannot be applied to a {noun}"),
                    mark,
                ));
            }
            Some(kind @ TagKind::Other(_)) => {
                return Err(YamlError::unsupported(
                    format!("tag {kind} is not supported"),
                    mark,
                ));
            }
        }
        if self.expects_key() {
            return Err(collection_key_error(noun, mark));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.too_deep(mark));
        }

        let count_before = self.node_count;
        self.count_nodes(1, mark)?;
        self.stack.push(Frame {
            mark,
            anchor_id,
            count_before,
            child_height: 0,
            kind,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), YamlError> {
        // INVARIANT: the parser pairs every end event with a start event.
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.kind {
            FrameKind::Sequence(items) => NodeValue::Sequence(items),
            FrameKind::Mapping(mapping) => NodeValue::Mapping(mapping.pairs),
        };
        let node = Node {
            value,
            mark: frame.mark,
        };
        let height = frame.child_height + 1;
        if frame.anchor_id != 0 {
            self.anchors.insert(
                frame.anchor_id,
                Anchored {
                    node: node.clone(),
                    count: self.node_count - frame.count_before,
                    height,
                },
            );
        }
        self.attach(node, height)
    }

    fn alias(&mut self, anchor_id: usize, span: Span) -> Result<(), YamlError> {
        let mark = mark_of(span);
        let Some(anchored) = self.anchors.get(&anchor_id) else {
            return Err(YamlError::unsupported(
                format!(
                    "alias {} refers to a node that contains it",
                    source_text(self.text, span)
                ),
                mark,
            ));
        };
        let (count, height) = (anchored.count, anchored.height);
        if height > 0 && self.expects_key() {
            let noun = match anchored.node.value {
                NodeValue::Sequence(_) => "sequence",
                _ => "mapping",
            };
            return Err(collection_key_error(noun, mark));
        }
        if self.stack.len() + height > self.limits.max_depth {
            return Err(self.too_deep(mark));
        }
        let total = self.counted(count, mark)?;

        let mut node = anchored.node.clone();
        node.mark = mark;
        self.node_count = total;
        self.attach(node, height)
    }

    /// Adds a completed node to the innermost open collection, or makes it
    /// the root.
    fn attach(&mut self, node: Node, height: usize) -> Result<(), YamlError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.child_height = frame.child_height.max(height);
        let mapping = match &mut frame.kind {
            FrameKind::Sequence(items) => {
                items.push(node);
                return Ok(());
            }
            FrameKind::Mapping(mapping) => mapping,
        };

        match mapping.pending_key.take() {
            None => {
                let name = property_name(&node)?;
                if mapping
                    .find(&name)
                    .is_some_and(|position| mapping.is_explicit(position))
                {
                    return Err(YamlError::duplicate_key(&quote(&name), node.mark));
                }
                mapping.pending_key = Some(PendingKey::Explicit(node));
            }
            Some(PendingKey::Explicit(key)) => {
                let merged = mapping.find(&property_name(&key)?);
                match merged {
                    Some(position) => {
                        if let Some(pair) = mapping.pairs.get_mut(position) {
                            *pair = (key, node);
                        }
                        if let Some(flag) = mapping.explicit.get_mut(position) {
                            *flag = true;
                        }
                    }
                    None => mapping.push(key, node, true)?,
                }
            }
            Some(PendingKey::Merge) => merge(mapping, node)?,
        }
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Mapping(MappingFrame {
                    pending_key: None,
                    ..
                }),
                ..
            })
        )
    }

    fn top_mapping(&mut self) -> Option<&mut MappingFrame> {
        match self.stack.last_mut() {
            Some(Frame {
                kind: FrameKind::Mapping(mapping),
                ..
            }) => Some(mapping),
            _ => None,
        }
    }

    fn count_nodes(&mut self, count: usize, mark: Mark) -> Result<(), YamlError> {
        self.node_count = self.counted(count, mark)?;
        Ok(())
    }

    /// Returns the node count after adding `count` nodes, if within the
    /// limit.
    fn counted(&self, count: usize, mark: Mark) -> Result<usize, YamlError> {
        match self.node_count.checked_add(count) {
            Some(total) if total <= self.limits.max_nodes => Ok(total),
            _ => Err(YamlError::too_many_nodes(self.limits.max_nodes, mark)),
        }
    }

    fn too_deep(&self, mark: Mark) -> YamlError {
        YamlError::too_deep(
            format!(
                "collections are nested more than {} deep",
                self.limits.max_depth
            ),
            mark,
        )
    }

    fn scan_error(&self, error: &ScanError) -> YamlError {
        let marker = error.marker();
        let mark = Mark {
            line: to_u32(marker.line()),
            column: to_u32(marker.col() + 1),
        };
        match error.info() {
            "recursion limit exceeded" => YamlError::too_deep(
                format!(
                    "flow collections are nested more than {} deep",
                    self.limits.max_depth.min(PARSER_MAX_FLOW_DEPTH)
                ),
                mark,
            ),
            "while parsing node, found unknown anchor" => YamlError::syntax(
                format!(
                    "alias {} refers to an undefined anchor",
                    alias_at(self.text, marker.index())
                ),
                mark,
            ),
            "simple key expect ':'" => YamlError::syntax("expected ':' after a mapping key", mark),
            "unexpected eof" => YamlError::syntax("unexpected end of input", mark),
            "invalid indentation in quoted scalar" => YamlError::syntax(
                "unclosed quoted scalar, or a continuation line indented too little",
                mark,
            ),
            "while scanning a quoted scalar, found unexpected end of stream" => {
                YamlError::syntax("unclosed quoted scalar at the end of the text", mark)
            }
            // NOTE: saphyr-parser 0.3.4 rejects a tab after a mapping ':' when
            // the value starts with a letter, a digit or '-', which YAML 1.2
            // and the `yaml` package allow.
            "':' must be followed by a valid YAML whitespace" => {
                YamlError::syntax("use a space, not a tab, after ':'", mark)
            }
            "tabs disallowed within this context (block indentation)"
            | "tab cannot be used as indentation" => YamlError::syntax(
                "tabs cannot be used for indentation",
                indentation_tab(self.text, mark),
            ),
            info => YamlError::syntax(info, mark),
        }
    }
}

/// Copies the pairs of a merge key's value (a mapping, or a sequence of
/// mappings) into `mapping`, skipping keys it already has, so that keys
/// written before the merge key and earlier merge sources win. This is the
/// `yaml` package's YAML 1.1 merge.
fn merge(mapping: &mut MappingFrame, value: Node) -> Result<(), YamlError> {
    let sources = match value.value {
        NodeValue::Mapping(pairs) => vec![pairs],
        NodeValue::Sequence(items) => items
            .into_iter()
            .map(|item| match item.value {
                NodeValue::Mapping(pairs) => Ok(pairs),
                _ => Err(merge_source_error(item.mark)),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(merge_source_error(value.mark)),
    };
    for (key, value) in sources.into_iter().flatten() {
        if mapping.find(&property_name(&key)?).is_none() {
            mapping.push(key, value, false)?;
        }
    }
    Ok(())
}

fn merge_source_error(mark: Mark) -> YamlError {
    YamlError::syntax(
        "the value of a merge key must be a mapping or a sequence of mappings",
        mark,
    )
}

fn collection_key_error(noun: &str, mark: Mark) -> YamlError {
    YamlError::unsupported(format!("a {noun} cannot be a mapping key"), mark)
}

/// Returns the JavaScript property name that a key becomes, which decides
/// whether two keys are duplicates.
pub(super) fn property_name(key: &Node) -> Result<Cow<'_, str>, YamlError> {
    match &key.value {
        NodeValue::Null => Ok(Cow::Borrowed("")),
        NodeValue::Bool(value) => Ok(Cow::Owned(value.to_string())),
        NodeValue::Number(value) => Ok(Cow::Owned(number::to_js_string(*value))),
        NodeValue::String(value) => Ok(Cow::Borrowed(value)),
        NodeValue::UnrepresentableNumber(text) => Err(YamlError::unsupported(
            format!(
                "mapping key {} is a number that cannot be represented exactly",
                quote(text)
            ),
            key.mark,
        )),
        NodeValue::Sequence(_) => Err(collection_key_error("sequence", key.mark)),
        NodeValue::Mapping(_) => Err(collection_key_error("mapping", key.mark)),
    }
}

fn mark_of(span: Span) -> Mark {
    Mark {
        line: to_u32(span.start.line()),
        column: to_u32(span.start.col() + 1),
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Returns the text of `span`, whose indexes count characters.
fn source_text(text: &str, span: Span) -> String {
    text.chars()
        .skip(span.start.index())
        .take(span.len())
        .collect()
}

/// Returns the alias (`*name`) that starts at character `index`, or `*` if
/// none does.
fn alias_at(text: &str, index: usize) -> String {
    let mut characters = text.chars().skip(index);
    let mut alias = String::from("*");
    if characters.next() == Some('*') {
        alias.extend(
            characters
                .take_while(|character| {
                    !character.is_whitespace() && !matches!(character, ',' | '[' | ']' | '{' | '}')
                })
                .take(40),
        );
    }
    alias
}

/// Moves `mark` to the first tab in the indentation of its line, where the
/// parser reports the tab after skipping it; otherwise returns `mark`.
fn indentation_tab(text: &str, mark: Mark) -> Mark {
    let Some(line) = line_text(text, mark.line) else {
        return mark;
    };
    let tab_column = line
        .chars()
        .take_while(|character| *character == ' ' || *character == '\t')
        .position(|character| character == '\t')
        .and_then(|index| u32::try_from(index + 1).ok());
    match tab_column {
        Some(column) if column <= mark.column => Mark {
            line: mark.line,
            column,
        },
        _ => mark,
    }
}

/// Returns line `number` (1-based) of `text`; `\n`, `\r\n` and a lone `\r`
/// end a line, as for the parser.
fn line_text(text: &str, number: u32) -> Option<&str> {
    let mut line = 1;
    let mut start = 0;
    let mut characters = text.char_indices().peekable();
    while let Some((index, character)) = characters.next() {
        if character != '\n' && character != '\r' {
            continue;
        }
        if line == number {
            return text.get(start..index);
        }
        if character == '\r' && characters.peek().is_some_and(|(_, next)| *next == '\n') {
            characters.next();
        }
        line += 1;
        start = characters.peek().map_or(text.len(), |(next, _)| *next);
    }
    (line == number).then(|| text.get(start..)).flatten()
}
