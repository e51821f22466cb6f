//! Reading a valid action straight from its canonical JSON text.

use super::fields::{ActionFields, Found, Step, TapeNode, walk};
use super::{
    Field, PRINCIPAL_FIELDS, PRINCIPAL_KEYS, RELYING_PARTY_FIELDS, RELYING_PARTY_KEYS,
    SUBJECT_FIELDS, SUBJECT_KEYS, TOP_LEVEL_KEYS, TOP_LEVEL_STRINGS, top_level_index,
};
use crate::json::tape::{At, Kind, Tape};
use crate::policy::model::PathSegment;

/// A valid action read from a [`Tape`] of its canonical JSON, for
/// evaluation without building an [`super::Action`].
///
/// It reads only actions that [`super::Action::from_json`] accepts as they
/// are: no unknown key to drop. For those, its fields and hash are the
/// ones the parsed action would have.
pub(crate) struct ActionView<'a> {
    tape: Tape<'a>,
    /// The value of each key of [`TOP_LEVEL_KEYS`], when present.
    fields: [Option<At>; TOP_LEVEL_KEYS.len()],
    hash: String,
}

impl<'a> ActionView<'a> {
    /// Reads `text` into this thread's buffers and its action as a view, and
    /// runs `body` with the view. Returns `None` without running `body` when
    /// [`ActionView::read`] does not read the text.
    pub(crate) fn with_text<T>(text: &str, body: impl FnOnce(ActionView<'_>) -> T) -> Option<T> {
        crate::json::tape::with_scan(text, |tape| Some(body(ActionView::read(tape?)?)))
    }

    /// Reads the action of `tape`. Returns `None` when it is not a valid
    /// action or has a key that normalizing would drop, so that the full
    /// path reports the problems or normalizes.
    pub(crate) fn read(tape: Tape<'a>) -> Option<ActionView<'a>> {
        let mut fields = [None; TOP_LEVEL_KEYS.len()];
        if tape.kind(Tape::ROOT)? != Kind::Object {
            return None;
        }
        for (key, value) in tape.entries(Tape::ROOT) {
            *fields.get_mut(top_level_index(key)?)? = Some(value);
        }
        let [
            action_id,
            action_type,
            requested_at,
            principal,
            subject,
            relying_party,
            payload,
        ] = fields;
        let strings = [action_id, action_type, requested_at];
        let valid = strings.iter().zip(&TOP_LEVEL_STRINGS).all(|(at, field)| {
            at.and_then(|at| tape.str(at))
                .is_some_and(|text| field.rule.accepts(text))
        }) && known_object(&tape, principal?, &PRINCIPAL_KEYS, &PRINCIPAL_FIELDS)
            && known_object(&tape, subject?, &SUBJECT_KEYS, &SUBJECT_FIELDS)
            && relying_party.is_none_or(|at| {
                known_object(&tape, at, &RELYING_PARTY_KEYS, &RELYING_PARTY_FIELDS)
            })
            && tape.kind(payload?) == Some(Kind::Object);
        valid.then(|| ActionView {
            tape,
            fields,
            hash: crate::json::sha256_hex(tape.text().as_bytes()),
        })
    }

    /// Returns the action hash, consuming the view.
    pub(crate) fn into_hash(self) -> String {
        self.hash
    }

    fn field(&self, key: &str) -> Option<TapeNode<'_, 'a>> {
        let at = (*self.fields.get(top_level_index(key)?)?)?;
        Some(TapeNode {
            tape: &self.tape,
            at,
        })
    }

    fn top_string(&self, key: &str) -> &str {
        self.field(key)
            .and_then(|node| node.found().as_str())
            .unwrap_or("")
    }

    fn nested_string(&self, object: &str, key: &str) -> Option<&str> {
        self.field(object)?.key(key)?.found().as_str()
    }
}

/// Returns true when `at` is an object with no key but `keys`, each
/// containing a string that passes the rule of its field in `fields`, and
/// with every required field.
fn known_object(tape: &Tape<'_>, at: At, keys: &[&str], fields: &[Field]) -> bool {
    if tape.kind(at) != Some(Kind::Object) {
        return false;
    }
    let mut seen = 0_u32;
    for (key, value) in tape.entries(at) {
        let Some(index) = keys.iter().position(|known| *known == key) else {
            return false;
        };
        let Some(field) = fields.get(index) else {
            return false;
        };
        if !tape.str(value).is_some_and(|text| field.rule.accepts(text)) {
            return false;
        }
        seen |= 1 << index;
    }
    fields
        .iter()
        .enumerate()
        .all(|(index, field)| !field.required || seen & (1 << index) != 0)
}

impl ActionFields for ActionView<'_> {
    fn action_id(&self) -> &str {
        self.top_string("action_id")
    }

    fn action_type(&self) -> &str {
        self.top_string("action_type")
    }

    fn hash(&self) -> &str {
        &self.hash
    }

    fn relying_party_domain(&self) -> Option<&str> {
        self.nested_string("relying_party", "domain")
    }

    fn trust_profile(&self) -> Option<&str> {
        self.nested_string("relying_party", "trust_profile")
    }

    fn payload_field(&self, key: &str) -> Option<Found<'_>> {
        Some(self.field("payload")?.key(key)?.found())
    }

    fn resolve(&self, path: &[PathSegment]) -> Option<Found<'_>> {
        match path.split_first() {
            None => Some(Found::Container),
            Some((PathSegment::Key(key), rest)) => walk(self.field(key)?, rest),
            Some((PathSegment::Index(_), _)) => None,
        }
    }
}
