//! Bindings: which policies apply to which agent, and in what order.

use std::fmt;

use std::collections::HashMap;

use super::{Policy, PolicyStack};
use crate::json::Value;

/// Rank of a binding that sets none.
pub const DEFAULT_RANK: f64 = 100.0;

/// A policy bound to an owner's agents: one agent, one group, or all.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The bound policy.
    pub policy_id: String,
    /// The agent this binding is for, or `None` for no specific agent.
    pub applies_to_agent_principal_id: Option<String>,
    /// The group this binding is for, or `None` for no group.
    pub applies_to_group_id: Option<String>,
    /// Order within a tier, ascending; `None` counts as [`DEFAULT_RANK`].
    pub rank: Option<f64>,
}

/// A binding record that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindingError {
    code: &'static str,
    message: String,
}

impl BindingError {
    /// Stable machine-readable code: `BINDING_INVALID` for a malformed
    /// record, `BINDING_UNKNOWN_POLICY` for a binding to a policy that was
    /// not supplied.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A description of the problem.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for BindingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid binding: {}", self.message)
    }
}

impl std::error::Error for BindingError {}

impl Binding {
    /// Reads a binding record in OpenLeash's JSON shape. Other keys (such as
    /// `owner_type`, `owner_id`) are ignored.
    ///
    /// `applies_to_agent_principal_id` is required (it may be null): a record
    /// without it is rejected rather than silently applying to no agent.
    /// `applies_to_group_id` may be absent, which means null.
    pub fn from_value(value: &Value) -> Result<Binding, BindingError> {
        let error = |message: String| BindingError {
            code: "BINDING_INVALID",
            message,
        };
        let map = value.as_object().ok_or_else(|| {
            error(format!(
                "a binding must be an object, found {}",
                value.type_name()
            ))
        })?;
        let policy_id = map
            .get("policy_id")
            .and_then(Value::as_str)
            .ok_or_else(|| error("policy_id is required and must be a string".to_owned()))?
            .to_owned();
        let optional_string = |key: &str, required: bool| -> Result<Option<String>, BindingError> {
            match map.get(key) {
                None if required => Err(error(format!(
                    "{key} is required for binding {policy_id:?}; use null for a binding that is not agent-specific"
                ))),
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(other) => Err(error(format!(
                    "{key} must be a string or null, found {}",
                    other.type_name()
                ))),
            }
        };
        let applies_to_agent_principal_id = optional_string("applies_to_agent_principal_id", true)?;
        let applies_to_group_id = optional_string("applies_to_group_id", false)?;
        let rank = match map.get("rank") {
            None | Some(Value::Null) => None,
            Some(Value::Number(rank)) => Some(*rank),
            Some(other) => {
                return Err(error(format!(
                    "rank must be a number, found {}",
                    other.type_name()
                )));
            }
        };
        Ok(Binding {
            policy_id,
            applies_to_agent_principal_id,
            applies_to_group_id,
            rank,
        })
    }
}

/// Maximum number of binding records read by [`bindings_from_value`].
pub const MAX_BINDINGS: usize = 1_000;

/// Builds the error for `count` binding records, more than
/// [`MAX_BINDINGS`], for callers that count records before converting them.
pub fn too_many_bindings(count: usize) -> BindingError {
    BindingError {
        code: "BINDING_INVALID",
        message: format!("there are {count} bindings, more than the limit of {MAX_BINDINGS}"),
    }
}

/// Reads a JSON array of binding records (see [`Binding::from_value`]).
/// A bad record is `BINDING_INVALID` with its index in the message, as is
/// a value that is not an array or has more than [`MAX_BINDINGS`]
/// records.
pub fn bindings_from_value(value: &Value) -> Result<Vec<Binding>, BindingError> {
    let records = value.as_array().ok_or_else(|| BindingError {
        code: "BINDING_INVALID",
        message: format!("bindings must be an array, found {}", value.type_name()),
    })?;
    if records.len() > MAX_BINDINGS {
        return Err(too_many_bindings(records.len()));
    }
    records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            Binding::from_value(record).map_err(|problem| BindingError {
                code: problem.code,
                message: format!("bindings[{index}]: {}", problem.message),
            })
        })
        .collect()
}

/// Maximum number of policies a caller may supply for the bindings to
/// refer to.
pub const MAX_POLICIES: usize = 10_000;

/// Maximum number of group ids an agent's bindings are matched against.
pub const MAX_GROUP_IDS: usize = 1_000;

/// Checks the number of group ids against [`MAX_GROUP_IDS`]
/// (`BINDING_INVALID`).
pub fn check_group_ids<T>(group_ids: &[T]) -> Result<(), BindingError> {
    if group_ids.len() > MAX_GROUP_IDS {
        return Err(BindingError {
            code: "BINDING_INVALID",
            message: format!(
                "there are {} group ids, more than the limit of {MAX_GROUP_IDS}",
                group_ids.len()
            ),
        });
    }
    Ok(())
}

/// Reads a JSON array of strings, such as group ids or policy ids, given
/// as the argument `name`. Anything else is `BINDING_INVALID`, as is an
/// array of more than `max` items.
pub fn strings_from_value(
    value: &Value,
    name: &str,
    max: usize,
) -> Result<Vec<String>, BindingError> {
    let invalid = |message: String| BindingError {
        code: "BINDING_INVALID",
        message,
    };
    let items = value
        .as_array()
        .ok_or_else(|| invalid(format!("{name} must be an array of strings")))?;
    if items.len() > max {
        return Err(invalid(format!(
            "{name} has {} items, more than the limit of {max}",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| invalid(format!("{name}[{index}] must be a string")))
        })
        .collect()
}

/// Orders the bindings that apply to an agent into policy layers, most
/// specific first: bindings for this agent, then for a group the agent is
/// in, then owner-wide ones (neither agent nor group). Within a tier,
/// ascending rank; equal ranks keep their input order.
///
/// A binding for another agent never applies, even when it also names a
/// group this agent belongs to. A binding with an empty group id applies to
/// no agent.
pub fn order_bindings<'a>(
    bindings: &'a [Binding],
    agent_principal_id: &str,
    group_ids: &[&str],
) -> Vec<&'a Binding> {
    binding_positions(bindings, agent_principal_id, group_ids)
        .into_iter()
        .filter_map(|position| bindings.get(position))
        .collect()
}

/// [`order_bindings`] as positions in `bindings`, for callers that keep
/// the original records (the language bindings return those).
pub fn binding_positions(
    bindings: &[Binding],
    agent_principal_id: &str,
    group_ids: &[&str],
) -> Vec<usize> {
    let mut tiers: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (position, binding) in bindings.iter().enumerate() {
        let tier = match (
            &binding.applies_to_agent_principal_id,
            &binding.applies_to_group_id,
        ) {
            (Some(agent), _) if agent == agent_principal_id => 0,
            (Some(_), _) => continue,
            (None, Some(group)) if !group.is_empty() && group_ids.contains(&group.as_str()) => 1,
            (None, Some(_)) => continue,
            (None, None) => 2,
        };
        if let Some(list) = tiers.get_mut(tier) {
            list.push(position);
        }
    }
    let rank = |position: &usize| {
        bindings
            .get(*position)
            .and_then(|binding| binding.rank)
            .unwrap_or(DEFAULT_RANK)
    };
    let mut ordered = Vec::with_capacity(bindings.len());
    for tier in tiers {
        // A binary insertion sort, stable: each binding goes after every
        // one of lower or equal rank. With at most MAX_BINDINGS records the
        // moves cost little, and the code is kilobytes smaller in the
        // WebAssembly module than the standard library's sorts.
        let start = ordered.len();
        for position in tier {
            let key = rank(&position);
            // `<=` on doubles: ranks are finite, and -0 ties with 0.
            let at = ordered
                .get(start..)
                .unwrap_or_default()
                .partition_point(|other| rank(other) <= key);
            ordered.insert(start + at, position);
        }
    }
    ordered
}

/// Builds the policy stack that applies to an agent: the bindings ordered by
/// [`order_bindings`], each replaced by its policy from `policies` (keyed by
/// policy id).
///
/// A binding that applies but names a policy missing from `policies` is an
/// error (`BINDING_UNKNOWN_POLICY`) rather than skipped, because skipping a
/// restrictive layer could allow what it denies.
pub fn stack_for_agent(
    bindings: &[Binding],
    policies: &HashMap<String, Policy>,
    agent_principal_id: &str,
    group_ids: &[&str],
) -> Result<PolicyStack, BindingError> {
    let layers = layers_for_agent(
        bindings,
        |policy_id| policies.get(policy_id).cloned(),
        agent_principal_id,
        group_ids,
    )?;
    Ok(PolicyStack::new(layers))
}

/// [`stack_for_agent`] for callers that keep policies their own way: each
/// binding that applies, in order, is replaced by `lookup(policy_id)`, and
/// a `None` is `BINDING_UNKNOWN_POLICY`.
pub fn layers_for_agent<P>(
    bindings: &[Binding],
    lookup: impl Fn(&str) -> Option<P>,
    agent_principal_id: &str,
    group_ids: &[&str],
) -> Result<Vec<P>, BindingError> {
    order_bindings(bindings, agent_principal_id, group_ids)
        .into_iter()
        .map(|binding| {
            lookup(&binding.policy_id).ok_or_else(|| BindingError {
                code: "BINDING_UNKNOWN_POLICY",
                message: format!(
                    "binding refers to policy {:?}, which was not supplied",
                    binding.policy_id
                ),
            })
        })
        .collect()
}
