//! Decisions as plain dicts, with the keys of the CLI's JSON output.

use std::cell::RefCell;

use openleash_core::Decision;
use openleash_core::eval::{Obligation, RuleTrace};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{map_to_python, number_to_python};

/// The keys of a decision dict, in output order, before the optional `error`.
const DECISION_KEYS: [&str; 11] = [
    "decision_id",
    "action_id",
    "action_hash",
    "result",
    "matched_rule_id",
    "reason",
    "obligations",
    "proof_required",
    "proof_ttl_seconds",
    "decided_at",
    "trace",
];

/// Prebuilt Python objects for the decisions of one policy or stack.
///
/// Copying a prebuilt dict is several times faster than filling a new one,
/// and a trace has one entry per rule, so a 200-rule policy would otherwise
/// spend most of its evaluation time building trace dicts.
pub struct DecisionTemplates {
    /// A dict with every key of [`DECISION_KEYS`] set to `None`.
    decision: Py<PyDict>,
    /// The rule ids in evaluation order, as text and as Python strings.
    rule_ids: Vec<(String, Py<PyString>)>,
    /// Per rule, the trace entry of a rule whose pattern did not match.
    pattern_misses: Vec<Py<PyDict>>,
}

impl DecisionTemplates {
    /// Builds the templates for rules with `rule_ids` in evaluation order.
    pub fn new<'a>(
        py: Python<'_>,
        rule_ids: impl Iterator<Item = &'a str>,
    ) -> PyResult<DecisionTemplates> {
        let decision = PyDict::new(py);
        for key in DECISION_KEYS {
            decision.set_item(PyString::intern(py, key), py.None())?;
        }
        let mut ids = Vec::new();
        let mut pattern_misses = Vec::new();
        for rule_id in rule_ids {
            let text = PyString::new(py, rule_id);
            pattern_misses.push(trace_entry(py, text.as_any(), PATTERN_MISS)?.unbind());
            ids.push((rule_id.to_owned(), text.unbind()));
        }
        Ok(DecisionTemplates {
            decision: decision.unbind(),
            rule_ids: ids,
            pattern_misses,
        })
    }
}

/// The trace record of a rule whose action pattern did not match.
const PATTERN_MISS: RuleTrace = RuleTrace {
    pattern_match: false,
    when_match: None,
    constraints_match: None,
    final_match: false,
};

/// Builds the decision dict: `decision_id`, `action_id`, `action_hash`,
/// `result`, `matched_rule_id`, `reason`, `obligations`, `proof_required`,
/// `proof_ttl_seconds`, `decided_at`, `trace`, and `error` only when the
/// decision failed closed. `templates` must be those of the policy or
/// stack that made the decision.
pub fn decision_dict<'py>(
    py: Python<'py>,
    decision: &Decision,
    templates: &DecisionTemplates,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = templates.decision.bind(py).copy()?;
    dict.set_item(intern!(py, "decision_id"), &decision.decision_id)?;
    dict.set_item(intern!(py, "action_id"), &decision.action_id)?;
    dict.set_item(intern!(py, "action_hash"), &decision.action_hash)?;
    dict.set_item(intern!(py, "result"), decision.result.as_str())?;
    dict.set_item(
        intern!(py, "matched_rule_id"),
        decision.matched_rule_id.as_deref(),
    )?;
    dict.set_item(intern!(py, "reason"), &decision.reason)?;

    let obligations = PyList::empty(py);
    for obligation in &decision.obligations {
        obligations.append(obligation_dict(py, obligation)?)?;
    }
    dict.set_item(intern!(py, "obligations"), obligations)?;

    dict.set_item(intern!(py, "proof_required"), decision.proof_required)?;
    let ttl = decision
        .proof_ttl_seconds
        .map(|seconds| number_to_python(py, seconds));
    dict.set_item(intern!(py, "proof_ttl_seconds"), ttl)?;
    dict.set_item(intern!(py, "decided_at"), decided_at(py, decision)?)?;

    let mut trace = Vec::with_capacity(decision.trace.len());
    for (position, (rule_id, record)) in decision.trace.iter().enumerate() {
        let entry = match templates.rule_ids.get(position) {
            // The trace lists the rules in the order the templates were
            // built in; the id comparison guards that assumption.
            Some((text, string)) if text == rule_id => {
                if record == PATTERN_MISS {
                    match templates.pattern_misses.get(position) {
                        Some(miss) => miss.bind(py).copy()?,
                        None => trace_entry(py, string.bind(py).as_any(), record)?,
                    }
                } else {
                    trace_entry(py, string.bind(py).as_any(), record)?
                }
            }
            _ => trace_entry(py, PyString::new(py, rule_id).as_any(), record)?,
        };
        trace.push(entry);
    }
    dict.set_item(intern!(py, "trace"), PyList::new(py, trace)?)?;

    if let Some(error) = &decision.error {
        let entry = PyDict::new(py);
        entry.set_item(intern!(py, "code"), &error.code)?;
        entry.set_item(intern!(py, "message"), &error.message)?;
        dict.set_item(intern!(py, "error"), entry)?;
    }
    Ok(dict)
}

thread_local! {
    /// The last `decided_at` string this thread built, by its milliseconds.
    static DECIDED_AT: RefCell<Option<(i64, Py<PyString>)>> = const { RefCell::new(None) };
}

/// `decided_at` as RFC 3339 with milliseconds. Decisions made within the
/// same millisecond (or at the same fixed `now`) share one string object,
/// because formatting the time costs more than the rest of the dict.
fn decided_at<'py>(py: Python<'py>, decision: &Decision) -> PyResult<Bound<'py, PyString>> {
    let millis = decision.decided_at.unix_millis();
    let cached = DECIDED_AT.with(|cell| match &*cell.borrow() {
        Some((at, text)) if *at == millis => Some(text.clone_ref(py)),
        _ => None,
    });
    if let Some(text) = cached {
        return Ok(text.into_bound(py));
    }
    let text = PyString::new(py, &decision.decided_at.to_rfc3339_millis());
    DECIDED_AT.with(|cell| *cell.borrow_mut() = Some((millis, text.clone().unbind())));
    Ok(text)
}

fn obligation_dict<'py>(py: Python<'py>, obligation: &Obligation) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(intern!(py, "obligation_id"), &obligation.obligation_id)?;
    dict.set_item(intern!(py, "type"), obligation.kind)?;
    dict.set_item(intern!(py, "status"), obligation.status)?;
    dict.set_item(
        intern!(py, "details_json"),
        map_to_python(py, &obligation.details_json)?,
    )?;
    Ok(dict)
}

fn trace_entry<'py>(
    py: Python<'py>,
    rule_id: &Bound<'py, PyAny>,
    record: RuleTrace,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(intern!(py, "rule_id"), rule_id)?;
    dict.set_item(intern!(py, "pattern_match"), record.pattern_match)?;
    dict.set_item(intern!(py, "when_match"), record.when_match)?;
    dict.set_item(intern!(py, "constraints_match"), record.constraints_match)?;
    dict.set_item(intern!(py, "final_match"), record.final_match)?;
    Ok(dict)
}
