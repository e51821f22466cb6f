//! Turns a YAML tree into validated rules, collecting every problem.
//!
//! The checks are OpenLeash's v1 schema (required keys, types, enums, no
//! unknown keys anywhere) plus the stricter rules this engine adds where the
//! reference accepts a construct that can silently let an action through:
//! see "Differences from OpenLeash" in the policy-language reference.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use crate::json::{Map, Value, format_number};
use crate::regex::JsRegex;
use crate::yaml::{Mark, Node, NodeValue};

use super::diagnostic::Diagnostic;
use super::model::{
    ActionPattern, AssuranceLevel, Constraints, DefaultEffect, Effect, Expr, ObligationSpec,
    ObligationType, Rule, Scalar, Test,
};
use super::path::parse_path;

/// Maximum total [`JsRegex::size`] of the distinct regular expressions in one
/// policy, which bounds the time and memory that compiling them takes.
pub const MAX_POLICY_REGEX_SIZE: u64 = 200_000;

/// Maximum number of rules in one policy document.
pub const MAX_RULES: usize = 10_000;
/// Maximum number of entries in one list of a policy (`in` values, `all`
/// and `any` children, domain and currency lists, obligations).
pub const MAX_LIST_ITEMS: usize = 10_000;

/// The outcome of validating one document.
pub(crate) struct Validated {
    pub(crate) default: DefaultEffect,
    pub(crate) rules: Vec<Rule>,
    pub(crate) document: Value,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Validates a parsed document. Returns the policy, or every diagnostic.
pub(crate) fn validate(root: Node) -> Result<Validated, Vec<Diagnostic>> {
    let mut validator = Validator::default();
    let parts = validator.document(&root);
    let warnings = match &parts {
        Some((_, rules)) => rule_warnings(&root, rules),
        None => Vec::new(),
    };
    // The document is converted last because conversion consumes the tree
    // (moving its strings rather than copying them). Its problems are
    // listed first, as positions tie-break in the order problems were found.
    let schema_errors = std::mem::take(&mut validator.errors);
    let document = validator.node_to_value(root, &ROOT);
    validator.errors.extend(schema_errors);
    match parts {
        Some((default, rules)) if validator.errors.is_empty() => Ok(Validated {
            default,
            rules,
            document,
            warnings,
        }),
        _ => {
            let mut errors = validator.errors;
            errors.sort_by_key(|diagnostic| (diagnostic.line(), diagnostic.column()));
            Err(errors)
        }
    }
}

#[derive(Default)]
struct Validator {
    errors: Vec<Diagnostic>,
    /// Compiled patterns by source, so that a pattern repeated (or copied
    /// by YAML aliases) is compiled and counted once.
    regexes: HashMap<String, JsRegex>,
    /// Sum of the sizes of the distinct patterns in `regexes`.
    regex_size: u64,
}

/// Keys of one YAML mapping, checked against the allowed set.
struct Fields<'a> {
    entries: Vec<(&'a str, &'a Node, Mark)>,
    mark: Mark,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(name, _, _)| *name == key)
            .map(|(_, node, _)| *node)
    }
}

/// A location in the document, such as `rules[2].when.match.op`. It is a
/// chain of borrowed segments, rendered only when a diagnostic needs it.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

const ROOT: Path<'static> = Path::Root;

impl<'a> Path<'a> {
    fn key<'b>(&'b self, key: &'b str) -> Path<'b> {
        Path::Key(self, key)
    }

    fn index<'b>(&'b self, position: usize) -> Path<'b> {
        Path::Index(self, position)
    }

    fn is_root(&self) -> bool {
        matches!(self, Path::Root)
    }
}

impl fmt::Display for Path<'_> {
    /// Renders the path; recursion depth is bounded by the YAML depth limit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(parent, key) if parent.is_root() => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, position) => write!(f, "{parent}[{position}]"),
        }
    }
}

fn describe(node: &Node) -> String {
    match &node.value {
        NodeValue::Null => "null".to_owned(),
        NodeValue::Bool(flag) => format!("the boolean {flag}"),
        NodeValue::Number(number) => format!("the number {}", yaml_number(*number)),
        NodeValue::UnrepresentableNumber(text) => format!("the number {text}"),
        NodeValue::String(text) => format!("{:?}", truncate(text)),
        NodeValue::Sequence(_) => "a list".to_owned(),
        NodeValue::Mapping(_) => "a mapping".to_owned(),
    }
}

/// Spells a number as YAML does: `.inf`, `-.inf`, `.nan`, or its value.
fn yaml_number(number: f64) -> String {
    if number.is_nan() {
        ".nan".to_owned()
    } else if number.is_infinite() {
        if number > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        crate::json::format_number(number)
    }
}

fn truncate(text: &str) -> String {
    const MAX_QUOTED_CHARS: usize = 60;
    if text.chars().count() <= MAX_QUOTED_CHARS {
        text.to_owned()
    } else {
        text.chars()
            .take(MAX_QUOTED_CHARS)
            .chain("…".chars())
            .collect()
    }
}

impl Validator {
    fn error(&mut self, code: &'static str, message: String, path: &Path<'_>, mark: Mark) {
        self.errors.push(Diagnostic::new(
            code,
            message,
            path.to_string(),
            mark.line,
            mark.column,
        ));
    }

    fn wrong_type(&mut self, path: &Path<'_>, expected: &str, node: &Node) {
        let name = if path.is_root() {
            "the policy".to_owned()
        } else {
            path.to_string()
        };
        self.error(
            "POLICY_INVALID_TYPE",
            format!("{name} must be {expected}, found {}", describe(node)),
            path,
            node.mark,
        );
    }

    /// Reads a mapping whose keys must come from `allowed`; reports unknown
    /// keys and missing `required` keys.
    fn fields<'a>(
        &mut self,
        node: &'a Node,
        path: &Path<'_>,
        what: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<Fields<'a>> {
        let NodeValue::Mapping(entries) = &node.value else {
            self.wrong_type(path, what, node);
            return None;
        };
        let mut fields = Fields {
            entries: Vec::with_capacity(entries.len()),
            mark: node.mark,
        };
        for (key, value) in entries {
            // Non-string keys were reported when the document was converted.
            let NodeValue::String(name) = &key.value else {
                continue;
            };
            if allowed.contains(&name.as_str()) {
                fields.entries.push((name.as_str(), value, key.mark));
            } else {
                let place = if path.is_root() {
                    "the policy".to_owned()
                } else {
                    path.to_string()
                };
                self.error(
                    "POLICY_UNKNOWN_KEY",
                    format!(
                        "unknown key {:?} in {place}; allowed keys are {}",
                        truncate(name),
                        allowed.join(", ")
                    ),
                    &path.key(name),
                    key.mark,
                );
            }
        }
        for key in required {
            if fields.get(key).is_none() {
                let place = if path.is_root() {
                    "the policy".to_owned()
                } else {
                    path.to_string()
                };
                self.error(
                    "POLICY_MISSING_FIELD",
                    format!("{place} is missing the required key {key:?}"),
                    &path.key(key),
                    node.mark,
                );
            }
        }
        Some(fields)
    }

    fn document(&mut self, root: &Node) -> Option<(DefaultEffect, Vec<Rule>)> {
        let fields = self.fields(
            root,
            &ROOT,
            "a mapping with the keys version, default and rules",
            &["version", "default", "rules"],
            &["version", "default", "rules"],
        )?;

        if let Some(version) = fields.get("version") {
            match &version.value {
                NodeValue::Number(number) if *number == 1.0 => {}
                NodeValue::Number(number) if *number == 2.0 => self.error(
                    "POLICY_UNSUPPORTED_VERSION",
                    "version 2 is not supported by this release; use version 1".to_owned(),
                    &ROOT.key("version"),
                    version.mark,
                ),
                _ => self.error(
                    "POLICY_UNSUPPORTED_VERSION",
                    format!("version must be the number 1, found {}", describe(version)),
                    &ROOT.key("version"),
                    version.mark,
                ),
            }
        }

        let default = fields.get("default").and_then(|node| {
            let parsed = match &node.value {
                NodeValue::String(text) => DefaultEffect::parse(text),
                _ => None,
            };
            if parsed.is_none() {
                self.error(
                    "POLICY_INVALID_VALUE",
                    format!(
                        "default must be one of allow, deny, require_approval or passthrough, found {}",
                        describe(node)
                    ),
                    &ROOT.key("default"),
                    node.mark,
                );
            }
            parsed
        });

        let rules = fields
            .get("rules")
            .map(|node| self.rules(node))
            .unwrap_or_default();
        Some((default?, rules))
    }

    fn rules(&mut self, node: &Node) -> Vec<Rule> {
        let Some(items) = self.list(node, &ROOT.key("rules"), "a list of rules", MAX_RULES) else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(position, item)| self.rule(item, &ROOT.key("rules").index(position)))
            .collect()
    }

    fn list<'a>(
        &mut self,
        node: &'a Node,
        path: &Path<'_>,
        what: &str,
        max: usize,
    ) -> Option<&'a [Node]> {
        let NodeValue::Sequence(items) = &node.value else {
            self.wrong_type(path, what, node);
            return None;
        };
        if items.len() > max {
            self.error(
                "POLICY_TOO_LARGE",
                format!(
                    "{path} has {} entries, more than the limit of {max}",
                    items.len()
                ),
                path,
                node.mark,
            );
            return None;
        }
        Some(items)
    }

    fn rule(&mut self, node: &Node, path: &Path<'_>) -> Option<Rule> {
        let fields = self.fields(
            node,
            path,
            "a mapping",
            &[
                "id",
                "effect",
                "action",
                "description",
                "when",
                "constraints",
                "requirements",
                "obligations",
                "proof",
            ],
            &["id", "effect", "action"],
        )?;
        let errors_before = self.errors.len();

        let id = fields
            .get("id")
            .and_then(|n| self.string(n, &path.key("id")));
        let effect = fields.get("effect").and_then(|n| {
            let parsed = match &n.value {
                NodeValue::String(text) if text == "allow" => Some(Effect::Allow),
                NodeValue::String(text) if text == "deny" => Some(Effect::Deny),
                _ => None,
            };
            if parsed.is_none() {
                self.error(
                    "POLICY_INVALID_VALUE",
                    format!("effect must be allow or deny, found {}", describe(n)),
                    &path.key("effect"),
                    n.mark,
                );
            }
            parsed
        });
        let pattern = fields
            .get("action")
            .and_then(|n| self.string(n, &path.key("action")))
            .map(|text| ActionPattern::parse(&text));
        if let Some(description) = fields.get("description") {
            self.string(description, &path.key("description"));
        }
        let when = fields
            .get("when")
            .and_then(|n| self.expr(n, &path.key("when")));
        let constraints = fields
            .get("constraints")
            .and_then(|n| self.constraints(n, &path.key("constraints")));
        let min_assurance_level = fields
            .get("requirements")
            .and_then(|n| self.requirements(n, &path.key("requirements")));
        let obligations = fields
            .get("obligations")
            .map(|n| self.obligations(n, &path.key("obligations")))
            .unwrap_or_default();
        let (proof_required, proof_ttl_seconds) = fields
            .get("proof")
            .map(|n| self.proof(n, &path.key("proof")))
            .unwrap_or((false, None));

        if self.errors.len() != errors_before {
            return None;
        }
        Some(Rule {
            id: Arc::from(id?),
            effect: effect?,
            pattern: pattern?,
            when,
            constraints,
            min_assurance_level,
            obligations,
            proof_required,
            proof_ttl_seconds,
        })
    }

    fn string(&mut self, node: &Node, path: &Path<'_>) -> Option<String> {
        match &node.value {
            NodeValue::String(text) => Some(text.clone()),
            _ => {
                self.wrong_type(path, "a string", node);
                None
            }
        }
    }

    /// A finite number. Non-finite and unrepresentable numbers were already
    /// reported when the document was converted, so they return `None`
    /// silently here.
    fn number(&mut self, node: &Node, path: &Path<'_>) -> Option<f64> {
        match &node.value {
            NodeValue::Number(number) if number.is_finite() => Some(*number),
            NodeValue::Number(_) | NodeValue::UnrepresentableNumber(_) => None,
            _ => {
                self.wrong_type(path, "a number", node);
                None
            }
        }
    }

    fn string_list(&mut self, node: &Node, path: &Path<'_>) -> Option<Vec<String>> {
        let items = self.list(node, path, "a list of strings", MAX_LIST_ITEMS)?;
        let mut strings = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            strings.push(self.string(item, &path.index(position))?);
        }
        Some(strings)
    }

    fn constraints(&mut self, node: &Node, path: &Path<'_>) -> Option<Constraints> {
        let fields = self.fields(
            node,
            path,
            "a mapping",
            &[
                "amount_max",
                "amount_min",
                "currency",
                "merchant_domain",
                "allowed_domains",
                "blocked_domains",
            ],
            &[],
        )?;
        let mut constraints = Constraints::default();
        for (name, value, _) in &fields.entries {
            let field_path = path.key(name);
            match *name {
                "amount_max" => constraints.amount_max = self.number(value, &field_path),
                "amount_min" => constraints.amount_min = self.number(value, &field_path),
                "currency" => constraints.currency = self.string_list(value, &field_path),
                "merchant_domain" => {
                    constraints.merchant_domain = self.string_list(value, &field_path)
                }
                "allowed_domains" => {
                    constraints.allowed_domains = self.string_list(value, &field_path)
                }
                _ => constraints.blocked_domains = self.string_list(value, &field_path),
            }
        }
        Some(constraints)
    }

    fn requirements(&mut self, node: &Node, path: &Path<'_>) -> Option<AssuranceLevel> {
        let fields = self.fields(
            node,
            path,
            "a mapping",
            &["min_assurance_level", "credential_scheme"],
            &[],
        )?;
        if let Some(scheme) = fields.get("credential_scheme") {
            self.error(
                "POLICY_UNSUPPORTED",
                "credential_scheme is not enforced by this engine, so a rule relying on it would allow actions it means to restrict; remove it".to_owned(),
                &path.key("credential_scheme"),
                scheme.mark,
            );
        }
        let level_node = fields.get("min_assurance_level")?;
        let level = match &level_node.value {
            NodeValue::String(text) => AssuranceLevel::parse(text),
            _ => None,
        };
        if level.is_none() {
            self.error(
                "POLICY_INVALID_VALUE",
                format!(
                    "min_assurance_level must be LOW, SUBSTANTIAL or HIGH, found {}",
                    describe(level_node)
                ),
                &path.key("min_assurance_level"),
                level_node.mark,
            );
        }
        level
    }

    fn obligations(&mut self, node: &Node, path: &Path<'_>) -> Vec<ObligationSpec> {
        let Some(items) = self.list(node, path, "a list of obligations", MAX_LIST_ITEMS) else {
            return Vec::new();
        };
        let mut obligations = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            let item_path = path.index(position);
            let Some(fields) = self.fields(
                item,
                &item_path,
                "a mapping",
                &["type", "params"],
                &["type"],
            ) else {
                continue;
            };
            let kind = fields.get("type").and_then(|type_node| {
                let NodeValue::String(text) = &type_node.value else {
                    self.wrong_type(&item_path.key("type"), "a string", type_node);
                    return None;
                };
                let kind = ObligationType::parse(text);
                if kind.is_none() {
                    self.error(
                        "POLICY_UNKNOWN_OBLIGATION",
                        format!(
                            "obligation type must be HUMAN_APPROVAL, STEP_UP_AUTH, DEPOSIT or COUNTERPARTY_ATTESTATION, found {}",
                            describe(type_node)
                        ),
                        &item_path.key("type"),
                        type_node.mark,
                    );
                }
                kind
            });
            let params = match fields.get("params") {
                None => Some(Map::new()),
                Some(params_node) => match &params_node.value {
                    NodeValue::Mapping(_) => {
                        // The whole document was converted (and its numbers and
                        // keys reported) already; convert again without reporting.
                        let mut quiet = Validator::default();
                        match quiet.node_to_value(params_node.clone(), &item_path.key("params")) {
                            Value::Object(map) => Some(map),
                            _ => None,
                        }
                    }
                    _ => {
                        self.wrong_type(&item_path.key("params"), "a mapping", params_node);
                        None
                    }
                },
            };
            if let (Some(kind), Some(params)) = (kind, params) {
                obligations.push(ObligationSpec { kind, params });
            }
        }
        obligations
    }

    fn proof(&mut self, node: &Node, path: &Path<'_>) -> (bool, Option<f64>) {
        let Some(fields) = self.fields(node, path, "a mapping", &["required", "ttl_seconds"], &[])
        else {
            return (false, None);
        };
        let required = match fields.get("required") {
            None => false,
            Some(flag) => match flag.value {
                NodeValue::Bool(value) => value,
                _ => {
                    self.wrong_type(&path.key("required"), "a boolean", flag);
                    false
                }
            },
        };
        let ttl_path = path.key("ttl_seconds");
        let ttl = fields.get("ttl_seconds").and_then(|ttl_node| {
            let seconds = self.number(ttl_node, &ttl_path)?;
            if seconds <= 0.0 {
                self.error(
                    "POLICY_INVALID_VALUE",
                    format!(
                        "ttl_seconds must be greater than 0, found {}",
                        format_number(seconds)
                    ),
                    &ttl_path,
                    ttl_node.mark,
                );
                return None;
            }
            Some(seconds)
        });
        (required, ttl)
    }

    fn expr(&mut self, node: &Node, path: &Path<'_>) -> Option<Expr> {
        let NodeValue::Mapping(entries) = &node.value else {
            self.error(
                "POLICY_INVALID_EXPRESSION",
                format!(
                    "{path} must be a mapping with exactly one of all, any, not or match, found {}",
                    describe(node)
                ),
                path,
                node.mark,
            );
            return None;
        };
        let [(key, child)] = entries.as_slice() else {
            let keys: Vec<String> = entries
                .iter()
                .map(|(key, _)| match &key.value {
                    NodeValue::String(text) => truncate(text),
                    _ => describe(key),
                })
                .collect();
            self.error(
                "POLICY_INVALID_EXPRESSION",
                format!(
                    "{path} must have exactly one of all, any, not or match, found {}",
                    if keys.is_empty() {
                        "no keys".to_owned()
                    } else {
                        format!("the keys {}", keys.join(", "))
                    }
                ),
                path,
                node.mark,
            );
            return None;
        };
        let operator = match &key.value {
            NodeValue::String(text) => text.as_str(),
            _ => "",
        };
        let child_path = path.key(operator);
        match operator {
            "all" | "any" => {
                let items =
                    self.list(child, &child_path, "a list of expressions", MAX_LIST_ITEMS)?;
                let mut children = Vec::with_capacity(items.len());
                let mut complete = true;
                for (position, item) in items.iter().enumerate() {
                    match self.expr(item, &child_path.index(position)) {
                        Some(expr) => children.push(expr),
                        None => complete = false,
                    }
                }
                if !complete {
                    return None;
                }
                Some(if operator == "all" {
                    Expr::All(children)
                } else {
                    Expr::Any(children)
                })
            }
            "not" => self
                .expr(child, &child_path)
                .map(|inner| Expr::Not(Box::new(inner))),
            "match" => self.match_expr(child, &child_path),
            _ => {
                self.error(
                    "POLICY_INVALID_EXPRESSION",
                    format!(
                        "unknown expression {}; use all, any, not or match",
                        describe(key)
                    ),
                    path,
                    key.mark,
                );
                None
            }
        }
    }

    fn match_expr(&mut self, node: &Node, path: &Path<'_>) -> Option<Expr> {
        let fields = self.fields(
            node,
            path,
            "a mapping",
            &["path", "op", "value"],
            &["path", "op"],
        )?;
        let path_node = fields.get("path")?;
        let op_node = fields.get("op")?;
        let json_path_text = self.string(path_node, &path.key("path"))?;
        let json_path = match parse_path(&json_path_text) {
            Ok(segments) => Some(segments),
            Err(problem) => {
                self.error(
                    "POLICY_INVALID_PATH",
                    format!("invalid path {:?}: {problem}", truncate(&json_path_text)),
                    &path.key("path"),
                    path_node.mark,
                );
                None
            }
        };
        let op_path = path.key("op");
        let op = match &op_node.value {
            NodeValue::String(text) => text.as_str(),
            _ => "",
        };
        let value = fields.get("value");
        let value_path = path.key("value");
        let test = match op {
            "exists" => Some(Test::Exists),
            "eq" | "neq" | "in" | "nin" | "lt" | "lte" | "gt" | "gte" | "regex" => {
                let Some(value) = value else {
                    self.error(
                        "POLICY_MISSING_FIELD",
                        format!("{op} needs a value to compare with; only exists takes none"),
                        &value_path,
                        fields.mark,
                    );
                    return None;
                };
                self.test(op, value, &value_path)
            }
            _ => {
                self.error(
                    "POLICY_INVALID_VALUE",
                    format!(
                        "op must be one of eq, neq, in, nin, lt, lte, gt, gte, regex or exists, found {}",
                        describe(op_node)
                    ),
                    &op_path,
                    op_node.mark,
                );
                None
            }
        };
        Some(Expr::Match {
            path: json_path?,
            test: test?,
        })
    }

    fn test(&mut self, op: &str, value: &Node, path: &Path<'_>) -> Option<Test> {
        match op {
            "eq" | "neq" => {
                let scalar = self.scalar(value, path, op)?;
                Some(if op == "eq" {
                    Test::Eq(scalar)
                } else {
                    Test::Neq(scalar)
                })
            }
            "in" | "nin" => {
                let NodeValue::Sequence(items) = &value.value else {
                    self.error(
                        "POLICY_INVALID_VALUE",
                        format!("{op} needs a list of values, found {}", describe(value)),
                        path,
                        value.mark,
                    );
                    return None;
                };
                if items.len() > MAX_LIST_ITEMS {
                    self.error(
                        "POLICY_TOO_LARGE",
                        format!(
                            "{path} has {} entries, more than the limit of {MAX_LIST_ITEMS}",
                            items.len()
                        ),
                        path,
                        value.mark,
                    );
                    return None;
                }
                let mut scalars = Vec::with_capacity(items.len());
                for (position, item) in items.iter().enumerate() {
                    scalars.push(self.scalar(item, &path.index(position), op));
                }
                let scalars: Option<Vec<Scalar>> = scalars.into_iter().collect();
                let scalars = scalars?;
                Some(if op == "in" {
                    Test::In(scalars)
                } else {
                    Test::Nin(scalars)
                })
            }
            "regex" => {
                let NodeValue::String(pattern) = &value.value else {
                    self.error(
                        "POLICY_INVALID_VALUE",
                        format!("regex needs a pattern string, found {}", describe(value)),
                        path,
                        value.mark,
                    );
                    return None;
                };
                if let Some(regex) = self.regexes.get(pattern) {
                    return Some(Test::Regex(regex.clone()));
                }
                match JsRegex::new(pattern) {
                    Ok(regex)
                        if self.regex_size.saturating_add(regex.size()) > MAX_POLICY_REGEX_SIZE =>
                    {
                        self.error(
                            "REGEX_TOO_LARGE",
                            format!(
                                "the policy's distinct regular expressions together expand to more than {MAX_POLICY_REGEX_SIZE} automaton states"
                            ),
                            path,
                            value.mark,
                        );
                        None
                    }
                    Ok(regex) => {
                        self.regex_size += regex.size();
                        self.regexes.insert(pattern.clone(), regex.clone());
                        Some(Test::Regex(regex))
                    }
                    Err(error) => {
                        self.error(
                            error.code(),
                            format!(
                                "invalid regular expression {:?}: {}",
                                truncate(pattern),
                                error.message()
                            ),
                            path,
                            value.mark,
                        );
                        None
                    }
                }
            }
            _ => {
                let bound = match &value.value {
                    NodeValue::Number(number) if number.is_finite() => *number,
                    NodeValue::Number(_) | NodeValue::UnrepresentableNumber(_) => return None,
                    _ => {
                        self.error(
                            "POLICY_INVALID_VALUE",
                            format!(
                                "{op} needs a number to compare with, found {}",
                                describe(value)
                            ),
                            path,
                            value.mark,
                        );
                        return None;
                    }
                };
                Some(match op {
                    "lt" => Test::Lt(bound),
                    "lte" => Test::Lte(bound),
                    "gt" => Test::Gt(bound),
                    _ => Test::Gte(bound),
                })
            }
        }
    }

    fn scalar(&mut self, node: &Node, path: &Path<'_>, op: &str) -> Option<Scalar> {
        match &node.value {
            NodeValue::Null => Some(Scalar::Null),
            NodeValue::Bool(flag) => Some(Scalar::Bool(*flag)),
            NodeValue::Number(number) if number.is_finite() => Some(Scalar::Number(*number)),
            NodeValue::Number(_) | NodeValue::UnrepresentableNumber(_) => None,
            NodeValue::String(text) => Some(Scalar::String(text.clone())),
            NodeValue::Sequence(_) | NodeValue::Mapping(_) => {
                self.error(
                    "POLICY_INVALID_VALUE",
                    format!(
                        "{op} compares strings, numbers, booleans and null, found {}; lists and mappings never compare equal",
                        describe(node)
                    ),
                    path,
                    node.mark,
                );
                None
            }
        }
    }

    /// Converts a YAML subtree to a JSON value, reporting numbers that JSON
    /// cannot carry and keys that are not strings. The tree's depth is
    /// bounded by the YAML loader, so recursion here is bounded too.
    fn node_to_value(&mut self, node: Node, path: &Path<'_>) -> Value {
        match node.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(flag) => Value::Bool(flag),
            NodeValue::Number(number) if number.is_finite() => Value::Number(number),
            NodeValue::Number(number) => {
                self.error(
                    "POLICY_INVALID_NUMBER",
                    format!(
                        "the non-finite number {} is not allowed in a policy",
                        yaml_number(number)
                    ),
                    path,
                    node.mark,
                );
                Value::Null
            }
            NodeValue::UnrepresentableNumber(text) => {
                self.error(
                    "POLICY_INVALID_NUMBER",
                    format!("the number {} cannot be held by a double without changing its value (an integer beyond 2^53, an overflow, or an underflow to zero); quote it or write a representable number", crate::json::quoted_literal(&text)),
                    path,
                    node.mark,
                );
                Value::Null
            }
            NodeValue::String(text) => Value::String(text),
            NodeValue::Sequence(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(position, item)| self.node_to_value(item, &path.index(position)))
                    .collect(),
            ),
            NodeValue::Mapping(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, value) in entries {
                    match key.value {
                        NodeValue::String(name) => {
                            let converted = self.node_to_value(value, &path.key(&name));
                            map.insert(name, converted);
                        }
                        _ => self.error(
                            "POLICY_INVALID_KEY",
                            format!("keys must be strings, found {}", describe(&key)),
                            path,
                            key.mark,
                        ),
                    }
                }
                Value::Object(map)
            }
        }
    }
}

fn rule_warnings(root: &Node, rules: &[Rule]) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    let rule_nodes: &[Node] = match &root.value {
        NodeValue::Mapping(entries) => entries
            .iter()
            .find(|(key, _)| matches!(&key.value, NodeValue::String(name) if name == "rules"))
            .and_then(|(_, value)| match &value.value {
                NodeValue::Sequence(items) => Some(items.as_slice()),
                _ => None,
            })
            .unwrap_or(&[]),
        _ => &[],
    };
    let mut warnings = Vec::new();
    for (position, rule) in rules.iter().enumerate() {
        let mark = rule_nodes
            .get(position)
            .map_or(Mark { line: 1, column: 1 }, |node| node.mark);
        if let Some(constraints) = &rule.constraints
            && let (Some(min), Some(max)) = (constraints.amount_min, constraints.amount_max)
            && min > max
        {
            warnings.push(Diagnostic::new(
                "POLICY_EMPTY_AMOUNT_RANGE",
                format!(
                    "amount_min {} is greater than amount_max {}, so no amount satisfies the rule and it never matches",
                    format_number(min),
                    format_number(max)
                ),
                format!("rules[{position}].constraints"),
                mark.line,
                mark.column,
            ));
        }
        if !seen.insert(rule.id.clone()) {
            warnings.push(Diagnostic::new(
                "POLICY_DUPLICATE_RULE_ID",
                format!("rule id {:?} is used more than once; decisions will not say which rule matched", truncate(&rule.id)),
                format!("rules[{position}]"),
                mark.line,
                mark.column,
            ));
        }
    }
    warnings
}
