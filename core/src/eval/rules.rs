//! Evaluating one rule's `when`, constraints and requirements against an
//! action.

use crate::action::{ActionFields, Found};
use crate::policy::model::{AssuranceLevel, Constraints, Expr, Test};

/// The regex work left for one decision, in [`crate::regex::JsRegex::search_cost`]
/// units.
pub(crate) struct Budget {
    pub(crate) remaining: u64,
}

/// The decision ran out of regex work budget.
#[derive(Debug)]
pub(crate) struct BudgetExceeded;

/// Evaluates a `when` expression. Recursion depth is bounded by the YAML
/// loader's depth limit. Fails when the regex searches it needs would
/// exceed `budget`, so that no input can make a decision run long.
pub(crate) fn evaluate_expr(
    expr: &Expr,
    action: &dyn ActionFields,
    budget: &mut Budget,
) -> Result<bool, BudgetExceeded> {
    match expr {
        Expr::All(children) => {
            for child in children {
                if !evaluate_expr(child, action, budget)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Expr::Any(children) => {
            for child in children {
                if evaluate_expr(child, action, budget)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Expr::Not(inner) => Ok(!evaluate_expr(inner, action, budget)?),
        Expr::Match { path, test } => evaluate_test(test, action.resolve(path), budget),
    }
}

fn evaluate_test(
    test: &Test,
    actual: Option<Found<'_>>,
    budget: &mut Budget,
) -> Result<bool, BudgetExceeded> {
    Ok(match test {
        Test::Exists => actual.is_some_and(|value| value != Found::Null),
        Test::Eq(expected) => actual.is_some_and(|value| expected.equals(value)),
        Test::Neq(expected) => !actual.is_some_and(|value| expected.equals(value)),
        Test::In(list) => actual.is_some_and(|value| list.iter().any(|item| item.equals(value))),
        Test::Nin(list) => !actual.is_some_and(|value| list.iter().any(|item| item.equals(value))),
        Test::Lt(bound) => number(actual).is_some_and(|n| n < *bound),
        Test::Lte(bound) => number(actual).is_some_and(|n| n <= *bound),
        Test::Gt(bound) => number(actual).is_some_and(|n| n > *bound),
        Test::Gte(bound) => number(actual).is_some_and(|n| n >= *bound),
        Test::Regex(regex) => match actual.and_then(Found::as_str) {
            None => false,
            Some(text) => {
                let cost = regex.search_cost(text);
                if cost > budget.remaining {
                    return Err(BudgetExceeded);
                }
                budget.remaining -= cost;
                regex.is_match(text)
            }
        },
    })
}

fn number(actual: Option<Found<'_>>) -> Option<f64> {
    actual.and_then(Found::as_f64)
}

/// The domain that a domain constraint checks.
enum Domain<'a> {
    Found(&'a str),
    Missing,
    /// The payload field is present with a type other than string or null.
    Malformed,
}

/// Reads `payload.<field>`, falling back to `relying_party.domain` when the
/// field is missing or null, as OpenLeash does. A present field of another
/// type does not fall back: it is malformed, and every domain constraint
/// then fails.
fn domain<'a>(action: &'a dyn ActionFields, field: &str) -> Domain<'a> {
    match action.payload_field(field) {
        Some(Found::String(text)) => Domain::Found(text),
        Some(Found::Null) | None => action
            .relying_party_domain()
            .map_or(Domain::Missing, Domain::Found),
        Some(_) => Domain::Malformed,
    }
}

fn listed(list: &[String], domain: &Domain<'_>) -> bool {
    matches!(domain, Domain::Found(found) if list.iter().any(|item| item == found))
}

/// Evaluates a rule's constraints; all of them must pass.
pub(crate) fn evaluate_constraints(constraints: &Constraints, action: &dyn ActionFields) -> bool {
    if constraints.amount_min.is_some() || constraints.amount_max.is_some() {
        let Some(amount) = action.payload_field("amount_minor").and_then(Found::as_f64) else {
            return false;
        };
        if constraints.amount_min.is_some_and(|min| amount < min) {
            return false;
        }
        if constraints.amount_max.is_some_and(|max| amount > max) {
            return false;
        }
    }

    if let Some(currencies) = &constraints.currency {
        let Some(currency) = action.payload_field("currency").and_then(Found::as_str) else {
            return false;
        };
        if !currencies.iter().any(|item| item == currency) {
            return false;
        }
    }

    if let Some(merchants) = &constraints.merchant_domain
        && !listed(merchants, &domain(action, "merchant_domain"))
    {
        return false;
    }

    if let Some(allowed) = &constraints.allowed_domains
        && !listed(allowed, &domain(action, "domain"))
    {
        return false;
    }

    // A blocked relying party stays blocked whatever the payload names, so
    // a payload domain cannot hide it.
    if let Some(blocked) = &constraints.blocked_domains {
        let named = domain(action, "domain");
        if matches!(named, Domain::Malformed) || listed(blocked, &named) {
            return false;
        }
        if let Some(party) = action.relying_party_domain()
            && blocked.iter().any(|item| item == party)
        {
            return false;
        }
    }

    true
}

/// The action's assurance level: `payload.assurance_level` when it is exactly
/// LOW, SUBSTANTIAL or HIGH, and LOW otherwise (missing, another type, or an
/// unknown name).
pub(crate) fn assurance_level(action: &dyn ActionFields) -> AssuranceLevel {
    action
        .payload_field("assurance_level")
        .and_then(Found::as_str)
        .and_then(AssuranceLevel::parse)
        .unwrap_or(AssuranceLevel::Low)
}
