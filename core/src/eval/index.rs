//! A compiled, indexed rule list and the evaluation loop over it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::decision::{Decision, DecisionResult, Obligation, RuleTrace, Trace};
use super::rules::{Budget, BudgetExceeded, assurance_level, evaluate_constraints, evaluate_expr};
use super::{EvaluationOptions, IdSource, MAX_REGEX_WORK};
use crate::action::ActionFields;
use crate::json::{Map, Value};
use crate::policy::model::{ActionPattern, DefaultEffect, Effect, ObligationType, Rule};

/// FNV-1a: action types are short, trusted policy strings and untrusted
/// action types only look them up, so a fast non-keyed hash is enough.
/// A crafted action type can at worst collide with the few patterns a
/// policy has.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type PatternMap = HashMap<String, Vec<u32>, BuildHasherDefault<Fnv>>;

/// Rules in evaluation order, indexed by action pattern so that evaluation
/// only visits rules whose pattern can match.
#[derive(Clone, Debug)]
pub(crate) struct RuleSet {
    rules: Vec<Rule>,
    rule_ids: Arc<[Arc<str>]>,
    default: DefaultEffect,
    /// Positions of `*` rules.
    any: Vec<u32>,
    /// Positions of exact-pattern rules by pattern.
    exact: PatternMap,
    /// Positions of `prefix.*` rules by prefix.
    prefix: PatternMap,
}

impl RuleSet {
    /// Indexes `rules`. `default` may be `Passthrough` only for a policy
    /// evaluated on its own, where it denies with its own reason.
    pub(crate) fn new(rules: Vec<Rule>, default: DefaultEffect) -> RuleSet {
        let mut any = Vec::new();
        let mut exact = PatternMap::default();
        let mut prefix = PatternMap::default();
        for (position, rule) in rules.iter().enumerate() {
            // INVARIANT: policies hold at most MAX_RULES rules per layer, and
            // stacks far fewer than u32::MAX in all.
            let position = u32::try_from(position).unwrap_or(u32::MAX);
            match &rule.pattern {
                ActionPattern::Any => any.push(position),
                ActionPattern::Exact(pattern) => {
                    exact.entry(pattern.clone()).or_default().push(position)
                }
                ActionPattern::Prefix(pattern) => {
                    prefix.entry(pattern.clone()).or_default().push(position)
                }
            }
        }
        let rule_ids: Arc<[Arc<str>]> = rules.iter().map(|rule| rule.id.clone()).collect();
        RuleSet {
            rules,
            rule_ids,
            default,
            any,
            exact,
            prefix,
        }
    }

    pub(crate) fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub(crate) fn default_effect(&self) -> DefaultEffect {
        self.default
    }

    /// Positions of the rules whose pattern matches `action_type`,
    /// ascending, each with a placeholder record for evaluation to fill in.
    fn candidates(&self, action_type: &str) -> Vec<(u32, RuleTrace)> {
        let mut positions: Vec<(u32, RuleTrace)> = Vec::with_capacity(self.any.len() + 8);
        let mut extend = |found: &[u32]| {
            positions.extend(
                found
                    .iter()
                    .map(|position| (*position, RuleTrace::PATTERN_MISS)),
            );
        };
        extend(&self.any);
        if let Some(found) = self.exact.get(action_type) {
            extend(found);
        }
        // `prefix.*` matches the prefix itself and anything below it, so look
        // up the whole action type and every part before a dot.
        if let Some(found) = self.prefix.get(action_type) {
            extend(found);
        }
        for (dot, _) in action_type.match_indices('.') {
            if let Some(found) = action_type
                .get(..dot)
                .and_then(|head| self.prefix.get(head))
            {
                extend(found);
            }
        }
        positions.sort_unstable_by_key(|(position, _)| *position);
        positions
    }

    /// Evaluates every rule whose pattern matches, in order; the first full
    /// match decides. Later rules are still evaluated so that the trace is
    /// complete, as in OpenLeash.
    pub(crate) fn evaluate(
        &self,
        action: &dyn ActionFields,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        let mut evaluated = self.candidates(action.action_type());
        let mut matched: Option<&Rule> = None;
        let mut budget = Budget {
            remaining: MAX_REGEX_WORK,
        };
        for (position, record) in &mut evaluated {
            let Some(rule) = self.rules.get(*position as usize) else {
                continue;
            };
            let Ok(traced) = trace_rule(rule, action, &mut budget) else {
                return crate::policy::failed_closed(
                    action.action_id(),
                    action.hash(),
                    "EVALUATION_BUDGET_EXCEEDED",
                    format!(
                        "the regular expressions of rule {:?} and the rules before it would need more than {MAX_REGEX_WORK} steps on this action's values",
                        rule.id
                    ),
                    options,
                    ids,
                );
            };
            *record = traced;
            if record.final_match && matched.is_none() {
                matched = Some(rule);
            }
        }
        let trace = Trace::new(self.rule_ids.clone(), evaluated);
        self.decide(action, matched, trace, options, ids)
    }

    fn decide(
        &self,
        action: &dyn ActionFields,
        matched: Option<&Rule>,
        trace: Trace,
        options: &EvaluationOptions,
        ids: &mut dyn IdSource,
    ) -> Decision {
        let mut obligations = Vec::new();
        let (result, reason) = match matched {
            Some(rule) if rule.effect == Effect::Deny => (
                DecisionResult::Deny,
                ["Denied by rule \"", &*rule.id, "\""].concat(),
            ),
            Some(rule) => {
                let result = rule_obligations(rule, action, &mut obligations, ids);
                let reason = if result == DecisionResult::Allow {
                    ["Allowed by rule \"", &*rule.id, "\""].concat()
                } else {
                    ["Rule \"", &*rule.id, "\" requires: ", result.as_str()].concat()
                };
                (result, reason)
            }
            None => {
                let result = match self.default {
                    DefaultEffect::Allow => DecisionResult::Allow,
                    DefaultEffect::Deny | DefaultEffect::Passthrough => DecisionResult::Deny,
                    DefaultEffect::RequireApproval => {
                        obligations.push(obligation(
                            ObligationType::HumanApproval,
                            Map::new(),
                            ids,
                        ));
                        DecisionResult::RequireApproval
                    }
                };
                let reason = if self.default == DefaultEffect::Passthrough {
                    "No rule matched; default policy: passthrough (no further layer — denied)"
                        .to_owned()
                } else {
                    ["No rule matched; default policy: ", self.default.as_str()].concat()
                };
                (result, reason)
            }
        };

        let high_trust = matches!(action.trust_profile(), Some("HIGH" | "REGULATED"));
        let proof_required = matched.is_some_and(|rule| rule.proof_required) || high_trust;
        let proof_ttl_seconds = matched
            .and_then(|rule| rule.proof_ttl_seconds)
            .or(options.default_proof_ttl_seconds);

        Decision {
            decision_id: ids.next_uuid(),
            action_id: action.action_id().to_owned(),
            action_hash: action.hash().to_owned(),
            result,
            matched_rule_id: matched.map(|rule| rule.id.to_string()),
            reason,
            obligations,
            proof_required,
            proof_ttl_seconds,
            decided_at: options.now,
            trace,
            error: None,
        }
    }
}

fn trace_rule(
    rule: &Rule,
    action: &dyn ActionFields,
    budget: &mut Budget,
) -> Result<RuleTrace, BudgetExceeded> {
    let when_match = match &rule.when {
        None => true,
        Some(expr) => evaluate_expr(expr, action, budget)?,
    };
    let constraints_match = when_match.then(|| {
        rule.constraints
            .as_ref()
            .is_none_or(|constraints| evaluate_constraints(constraints, action))
    });
    Ok(RuleTrace {
        pattern_match: true,
        when_match: Some(when_match),
        constraints_match,
        final_match: constraints_match == Some(true),
    })
}

/// Collects an allow rule's obligations (declared ones first, then a step-up
/// when the action's assurance level is below the rule's minimum) and
/// derives the result: HUMAN_APPROVAL outranks STEP_UP_AUTH, which outranks
/// DEPOSIT; COUNTERPARTY_ATTESTATION alone leaves the result at ALLOW.
fn rule_obligations(
    rule: &Rule,
    action: &dyn ActionFields,
    out: &mut Vec<Obligation>,
    ids: &mut dyn IdSource,
) -> DecisionResult {
    for spec in &rule.obligations {
        out.push(obligation(spec.kind, spec.params.clone(), ids));
    }
    if let Some(required) = rule.min_assurance_level
        && assurance_level(action) < required
    {
        let mut details = Map::new();
        details.insert(
            "min_assurance_level".to_owned(),
            Value::String(required.as_str().to_owned()),
        );
        out.push(obligation(ObligationType::StepUpAuth, details, ids));
    }
    let has = |kind: ObligationType| out.iter().any(|item| item.kind == kind.as_str());
    if has(ObligationType::HumanApproval) {
        DecisionResult::RequireApproval
    } else if has(ObligationType::StepUpAuth) {
        DecisionResult::RequireStepUp
    } else if has(ObligationType::Deposit) {
        DecisionResult::RequireDeposit
    } else {
        DecisionResult::Allow
    }
}

fn obligation(kind: ObligationType, details: Map, ids: &mut dyn IdSource) -> Obligation {
    Obligation {
        obligation_id: ids.next_uuid(),
        kind: kind.as_str(),
        status: "PENDING",
        details_json: details,
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::policy::model::Effect;

    fn rule(pattern: &str) -> Rule {
        Rule {
            id: Arc::from(pattern),
            effect: Effect::Allow,
            pattern: ActionPattern::parse(pattern),
            when: None,
            constraints: None,
            min_assurance_level: None,
            obligations: Vec::new(),
            proof_required: false,
            proof_ttl_seconds: None,
        }
    }

    #[test]
    fn index_candidates_equal_pattern_matches() {
        let patterns = [
            "*",
            "purchase",
            "purchase.*",
            "purchase.item",
            "purchase.item.*",
            ".*",
            "",
            "*.*",
            "a.*.c",
            "purchase*",
            "a",
            "a.*",
            "a.b.*",
            "a.b.c",
            "café.*",
        ];
        let set = RuleSet::new(
            patterns.iter().map(|p| rule(p)).collect(),
            DefaultEffect::Deny,
        );
        let action_types = [
            "purchase",
            "purchase.item",
            "purchase.item.gift",
            "purchasex",
            ".hidden",
            "",
            "a",
            "a.b",
            "a.b.c",
            "a.b.c.d",
            "a..b",
            "café.order",
            "*",
            "*.x",
            "purchase*",
        ];
        for action_type in action_types {
            let expected: Vec<u32> = set
                .rules()
                .iter()
                .enumerate()
                .filter(|(_, rule)| rule.pattern.matches(action_type))
                .map(|(position, _)| position as u32)
                .collect();
            let found: Vec<u32> = set
                .candidates(action_type)
                .iter()
                .map(|(position, _)| *position)
                .collect();
            assert_eq!(found, expected, "{action_type:?}");
        }
    }
}
