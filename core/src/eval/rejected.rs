//! Decisions for actions that never became a JSON value.

use super::{Decision, EvaluationOptions, IdSource};

impl Decision {
    /// Builds the DENY decision for an action that a caller could not turn
    /// into a JSON value, such as a host-language object with no JSON form
    /// passed to a binding. It has the shape of the decision for invalid
    /// action JSON: empty `action_id` and `action_hash`, the reason
    /// `Denied: {message}`, an empty trace, and `error` with `code` and
    /// `message`.
    pub fn rejected_input(
        code: &str,
        message: String,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        crate::policy::failed_closed("", "", code, message, options, ids)
    }
}
