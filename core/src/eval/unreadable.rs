//! Decisions for actions that a binding could not turn into JSON.

use super::{Decision, EvaluationOptions, IdSource};

/// Builds the DENY decision for an action that could not be read at all,
/// such as a host-language value with no JSON form (a function, a cyclic
/// object). The decision is the one invalid action JSON gets: no action id
/// or hash, an empty trace, the reason `Denied: {message}` and `error` set
/// to `code` and `message`.
pub fn unreadable_action(
    code: &str,
    message: String,
    options: &EvaluationOptions,
    ids: &mut dyn IdSource,
) -> Decision {
    crate::policy::failed_closed("", "", code, message, options, ids)
}
