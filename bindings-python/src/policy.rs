//! The `Policy` and `PolicyStack` classes and the evaluation entry point.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use openleash_core::policy::{
    Binding, MAX_BINDINGS, binding_positions, bindings_from_value, check_group_ids,
    layers_for_agent, too_many_bindings,
};
use openleash_core::yaml::YamlLimits;
use openleash_core::{Decision, EvaluationOptions, Policy, PolicyError, PolicyStack, Value};
use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyMapping, PyString, PyTuple};

use crate::convert::{self, Failure};
use crate::decision::{DecisionTemplates, decision_dict};
use crate::errors::{binding_error, diagnostic_list, no_panic, policy_error};
use crate::ids::OsRandomIds;
use crate::options::evaluation_options;

/// Actions whose conversion work (values plus string bytes, see
/// [`convert::Converted::work`]) reaches this are evaluated with the GIL
/// released, so that other Python threads run meanwhile. Below it, the
/// evaluation is too short for that to pay. With four threads deciding the
/// benchmark action on two cores, releasing the GIL on every call made each
/// decision about 2 µs slower, and 1.6 µs slower for an action with an 8 KB
/// string (`docs/benchmarks.md`). Hashing 64 KB alone takes tens of
/// microseconds, and regex matching on long strings can take up to the
/// core's regex work budget.
pub const DETACH_MIN_WORK: usize = 65_536;

/// A compiled policy: parsed and validated once, immutable, and safe to
/// share between threads.
#[pyclass(name = "Policy", module = "openleash_core", frozen)]
pub struct PyPolicy {
    policy: Policy,
    /// The YAML text, kept for pickling.
    source: String,
    /// Built on the first evaluation.
    templates: PyOnceLock<DecisionTemplates>,
}

/// Parses and validates YAML given as bytes with the GIL released.
fn load(py: Python<'_>, bytes: &[u8]) -> Result<Policy, PolicyError> {
    py.detach(|| Policy::from_yaml_bytes(bytes, &YamlLimits::default()))
}

/// The UTF-8 bytes of `text`, with lone surrogates encoded as the
/// (invalid) three-byte sequences, so that the core reports them as
/// `YAML_INVALID_UTF8` at their line and column.
fn utf8_with_surrogates<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyBytes>> {
    Ok(text
        .call_method1("encode", ("utf-8", "surrogatepass"))?
        .cast_into::<PyBytes>()?)
}

impl PyPolicy {
    fn from_bytes(py: Python<'_>, bytes: &[u8]) -> PyResult<PyPolicy> {
        let policy = load(py, bytes).map_err(|error| policy_error(py, &error))?;
        // INVARIANT: the core accepted the bytes, so they are UTF-8.
        let source = String::from_utf8_lossy(bytes).into_owned();
        Ok(PyPolicy {
            policy,
            source,
            templates: PyOnceLock::new(),
        })
    }
}

#[pymethods]
impl PyPolicy {
    /// Parse and validate a YAML policy. Raises PolicyError with every
    /// problem found.
    #[staticmethod]
    fn from_yaml(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<PyPolicy> {
        no_panic(|| {
            let bytes = utf8_with_surrogates(text)?;
            PyPolicy::from_bytes(py, bytes.as_bytes())
        })
    }

    /// Read, parse and validate a YAML policy file. Raises OSError when the
    /// file cannot be read and PolicyError when it is not a valid policy.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<PyPolicy> {
        no_panic(|| {
            let max_bytes = YamlLimits::default().max_bytes;
            let bytes = py
                .detach(|| read_limited(&path, max_bytes))
                .map_err(|error| os_error(py, &error, &path))?;
            PyPolicy::from_bytes(py, &bytes)
        })
    }

    /// Rule ids in document order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.policy.rule_ids().map(str::to_owned).collect()
    }

    /// The document's `default`: `allow`, `deny` or `passthrough`.
    #[getter]
    fn default(&self) -> &'static str {
        self.policy.default_effect().as_str()
    }

    /// Problems that did not stop the policy from loading, as diagnostics.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        diagnostic_list(py, self.policy.warnings())
    }

    /// The parsed document as plain data.
    #[getter]
    fn document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, self.policy.document())
    }

    /// Decide an action (a dict) against this policy alone and return the
    /// decision as a dict. An invalid or unconvertible action is a DENY
    /// decision; only invalid options raise.
    #[pyo3(signature = (action, *, now = None, default_proof_ttl_seconds = None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
        default_proof_ttl_seconds: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        evaluate_action(py, self.target(), action, now, default_proof_ttl_seconds)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Policy default={} rules={}>",
            self.policy.default_effect().as_str(),
            self.policy.rule_ids().count()
        )
    }

    /// Pickles as the YAML text, which is compiled again on loading.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let constructor = slf.get_type().getattr("from_yaml")?;
        let arguments = (slf.get().source.as_str(),);
        PyTuple::new(
            slf.py(),
            [constructor, arguments.into_pyobject(slf.py())?.into_any()],
        )
    }
}

/// Several policies layered most specific first: their rules in order, the
/// first match deciding, and the first default that is not `passthrough`
/// (or `deny`) as the default.
#[pyclass(name = "PolicyStack", module = "openleash_core", frozen)]
pub struct PyPolicyStack {
    stack: PolicyStack,
    layers: Vec<Py<PyPolicy>>,
    /// Built on the first evaluation.
    templates: PyOnceLock<DecisionTemplates>,
}

impl PyPolicy {
    fn target(&self) -> Target<'_> {
        Target {
            rules: Rules::Policy(&self.policy),
            templates: &self.templates,
        }
    }
}

impl PyPolicyStack {
    fn target(&self) -> Target<'_> {
        Target {
            rules: Rules::Stack(&self.stack),
            templates: &self.templates,
        }
    }
}

#[pymethods]
impl PyPolicyStack {
    /// Layer `policies` (an iterable of Policy), most specific first.
    #[new]
    fn new(policies: &Bound<'_, PyAny>) -> PyResult<PyPolicyStack> {
        no_panic(|| {
            let mut layers = Vec::new();
            for (index, item) in policies.try_iter()?.enumerate() {
                let item = item?;
                let layer = item.cast_into::<PyPolicy>().map_err(|error| {
                    PyTypeError::new_err(format!(
                        "PolicyStack takes Policy objects; item {index} is {}",
                        error
                            .into_inner()
                            .get_type()
                            .name()
                            .map(|name| name.to_string())
                            .unwrap_or_default()
                    ))
                })?;
                layers.push(layer.unbind());
            }
            let stack = PolicyStack::new(layers.iter().map(|layer| layer.get().policy.clone()));
            Ok(PyPolicyStack {
                stack,
                layers,
                templates: PyOnceLock::new(),
            })
        })
    }

    /// Build the stack that applies to an agent from OpenLeash policy
    /// binding records. A record is a dict with `policy_id`,
    /// `applies_to_agent_principal_id`, and optionally `applies_to_group_id`
    /// and `rank`. The bindings that apply, ordered as `order_bindings`
    /// orders them, are each replaced by their policy from `policies` (a
    /// mapping from policy id to Policy).
    ///
    /// Raises PolicyError with code `BINDING_INVALID` for a malformed
    /// record. An applying binding whose policy is not in `policies` raises
    /// `BINDING_UNKNOWN_POLICY`, because skipping it could allow what it
    /// denies. Raises TypeError when `policies` is not a mapping from str to
    /// Policy.
    #[staticmethod]
    #[pyo3(signature = (bindings, policies, agent_principal_id, group_ids = Vec::new()))]
    fn for_agent(
        py: Python<'_>,
        bindings: &Bound<'_, PyAny>,
        policies: &Bound<'_, PyAny>,
        agent_principal_id: &str,
        group_ids: Vec<String>,
    ) -> PyResult<PyPolicyStack> {
        no_panic(|| {
            let (_, bindings) = binding_records(py, bindings)?;
            let groups = group_list(py, &group_ids)?;
            let supplied = policy_map(policies)?;
            let lookup =
                |policy_id: &str| supplied.get(policy_id).map(|policy| policy.clone_ref(py));
            let layers = layers_for_agent(&bindings, lookup, agent_principal_id, &groups)
                .map_err(|error| binding_error(py, &error))?;
            let stack = PolicyStack::new(layers.iter().map(|layer| layer.get().policy.clone()));
            Ok(PyPolicyStack {
                stack,
                layers,
                templates: PyOnceLock::new(),
            })
        })
    }

    /// The layers, most specific first.
    #[getter]
    fn layers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.layers.iter().map(|layer| layer.clone_ref(py)))
    }

    /// The merged default: the first layer default that is not
    /// `passthrough`, or `deny`.
    #[getter]
    fn default(&self) -> &'static str {
        self.stack.default_effect().as_str()
    }

    /// Rule ids of all layers in evaluation order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.stack
            .layers()
            .iter()
            .flat_map(|layer| layer.rule_ids().map(str::to_owned))
            .collect()
    }

    /// The merged policy as plain data: `version` 1, the merged default and
    /// the rules of all layers in order.
    #[getter]
    fn document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_python(py, &self.stack.document())
    }

    /// Decide an action (a dict) against the stack and return the decision
    /// as a dict. An invalid or unconvertible action is a DENY decision;
    /// only invalid options raise.
    #[pyo3(signature = (action, *, now = None, default_proof_ttl_seconds = None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
        default_proof_ttl_seconds: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        evaluate_action(py, self.target(), action, now, default_proof_ttl_seconds)
    }

    fn __repr__(&self) -> String {
        format!(
            "<PolicyStack layers={} default={}>",
            self.layers.len(),
            self.stack.default_effect().as_str()
        )
    }

    /// Pickles as the list of layers.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let layers = PyList::new(py, slf.get().layers.iter().map(|layer| layer.clone_ref(py)))?;
        let arguments = PyTuple::new(py, [layers])?;
        PyTuple::new(py, [slf.get_type().into_any(), arguments.into_any()])
    }
}

/// The rules an action is decided against: one policy or a stack.
#[derive(Clone, Copy)]
enum Rules<'a> {
    Policy(&'a Policy),
    Stack(&'a PolicyStack),
}

impl<'a> Rules<'a> {
    fn decide(self, action: Value, options: &EvaluationOptions, ids: &mut OsRandomIds) -> Decision {
        match self {
            Rules::Policy(policy) => policy.decide(action, options, ids),
            Rules::Stack(stack) => stack.decide(action, options, ids),
        }
    }

    /// Rule ids in evaluation order, as the decision trace lists them.
    fn rule_ids(self) -> Vec<&'a str> {
        match self {
            Rules::Policy(policy) => policy.rule_ids().collect(),
            Rules::Stack(stack) => stack.layers().iter().flat_map(Policy::rule_ids).collect(),
        }
    }
}

/// A policy or stack with its decision templates.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    rules: Rules<'a>,
    templates: &'a PyOnceLock<DecisionTemplates>,
}

/// Resolves the first argument of the module-level `evaluate`.
pub fn target_of<'a>(object: &'a Bound<'_, PyAny>) -> PyResult<Target<'a>> {
    if let Ok(policy) = object.cast::<PyPolicy>() {
        return Ok(policy.get().target());
    }
    if let Ok(stack) = object.cast::<PyPolicyStack>() {
        return Ok(stack.get().target());
    }
    Err(PyTypeError::new_err(format!(
        "evaluate takes a Policy or a PolicyStack, found {}",
        object.get_type().name()?
    )))
}

/// Returns the rules of a Policy or a PolicyStack as a core policy stack (a
/// Policy is a stack of one layer), for the authorizer. `caller` names the
/// class in the TypeError raised for any other object.
pub fn stack_of(object: &Bound<'_, PyAny>, caller: &str) -> PyResult<PolicyStack> {
    if let Ok(policy) = object.cast::<PyPolicy>() {
        return Ok(PolicyStack::new([policy.get().policy.clone()]));
    }
    if let Ok(stack) = object.cast::<PyPolicyStack>() {
        return Ok(stack.get().stack.clone());
    }
    Err(PyTypeError::new_err(format!(
        "{caller} takes a Policy or a PolicyStack, found {}",
        object.get_type().name()?
    )))
}

/// Converts the action, decides it and builds the decision dict. A value
/// with no JSON form yields a DENY decision carrying the conversion error,
/// as invalid action JSON does. Only invalid options raise, and Python
/// exceptions raised while reading the action (such as MemoryError).
pub fn evaluate_action<'py>(
    py: Python<'py>,
    target: Target<'_>,
    action: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
    default_proof_ttl_seconds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    no_panic(|| {
        let options = evaluation_options(now, default_proof_ttl_seconds)?;
        let templates = target.templates.get_or_try_init(py, || {
            DecisionTemplates::new(py, target.rules.rule_ids().into_iter())
        })?;
        let rules = target.rules;
        // NOTE: decision ids always come from the OS; the Python API has no
        // parameter for a caller's id source yet, so decisions cannot be
        // replayed with the same ids.
        let mut ids = OsRandomIds;
        let decision = match convert::to_value(action) {
            Ok(converted) if converted.work >= DETACH_MIN_WORK => {
                py.detach(|| rules.decide(converted.value, &options, &mut ids))
            }
            Ok(converted) => rules.decide(converted.value, &options, &mut ids),
            Err(Failure::Value(error)) => Decision::rejected_input(
                error.code(),
                format!("invalid action: {error}"),
                &options,
                &mut ids,
            ),
            Err(Failure::Python(error)) => return Err(error),
        };
        decision_dict(py, &decision, templates)
    })
}

/// Reads a file, stopping one byte past `max_bytes` so that the core's
/// size check reports an oversized file without reading all of it.
fn read_limited(path: &Path, max_bytes: usize) -> std::io::Result<Vec<u8>> {
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `OSError(errno, strerror, filename)`, which Python turns into the
/// matching subclass such as FileNotFoundError.
fn os_error(py: Python<'_>, error: &std::io::Error, path: &Path) -> PyErr {
    let filename = path.to_string_lossy().into_owned();
    let Some(errno) = error.raw_os_error() else {
        return PyOSError::new_err(format!("cannot read {filename}: {error}"));
    };
    let strerror = py
        .import("os")
        .and_then(|os| os.call_method1("strerror", (errno,)))
        .and_then(|text| text.extract::<String>())
        .unwrap_or_else(|_| error.to_string());
    PyOSError::new_err((errno, strerror, filename))
}

/// Reads binding records from a list or tuple of dicts, and returns them
/// both as read and as bindings. The list or tuple is copied before it is
/// converted, so the records returned are the ones that were ordered.
/// Anything else is refused by the core with its message.
fn binding_records<'py>(
    py: Python<'py>,
    records: &Bound<'py, PyAny>,
) -> PyResult<(Vec<Bound<'py, PyAny>>, Vec<Binding>)> {
    let mut snapshot = Vec::new();
    let value = if records.is_instance_of::<PyList>() || records.is_instance_of::<PyTuple>() {
        // Checked before converting, so that a huge list fails fast.
        let count = records.len()?;
        if count > MAX_BINDINGS {
            return Err(binding_error(py, &too_many_bindings(count)));
        }
        for item in records.try_iter()? {
            snapshot.push(item?);
        }
        convert::argument_value(PyList::new(py, &snapshot)?.as_any(), "bindings")?
    } else {
        convert::argument_value(records, "bindings")?
    };
    let bindings = bindings_from_value(&value).map_err(|error| binding_error(py, &error))?;
    Ok((snapshot, bindings))
}

/// Checks the group ids against the core's limit.
fn group_list<'a>(py: Python<'_>, group_ids: &'a [String]) -> PyResult<Vec<&'a str>> {
    check_group_ids(group_ids).map_err(|error| binding_error(py, &error))?;
    Ok(group_ids.iter().map(String::as_str).collect())
}

/// Reads a mapping from policy id (`str`) to Policy. Every entry is
/// checked, whether or not a binding names it, as the JavaScript packages
/// do.
fn policy_map(policies: &Bound<'_, PyAny>) -> PyResult<HashMap<String, Py<PyPolicy>>> {
    let mapping = policies
        .cast::<PyMapping>()
        .map_err(|_| PyTypeError::new_err("policies must be a mapping from policy id to Policy"))?;
    let mut supplied = HashMap::new();
    for item in mapping.items()?.iter() {
        let (key, policy): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let id: String = key
            .extract()
            .map_err(|_| PyTypeError::new_err("the keys of policies must be str"))?;
        let policy = policy
            .cast_into::<PyPolicy>()
            .map_err(|_| PyTypeError::new_err(format!("policies[{id:?}] must be a Policy")))?;
        supplied.insert(id, policy.unbind());
    }
    Ok(supplied)
}

/// Order OpenLeash policy binding records for an agent, most specific
/// first: bindings for this agent, then for one of `group_ids`, then
/// owner-wide ones; ascending `rank` (default 100) within each tier, equal
/// ranks in input order. Bindings for another agent or another group are
/// left out. Returns the given record objects.
///
/// Raises PolicyError (`BINDING_INVALID`) for a malformed record.
#[pyfunction]
#[pyo3(signature = (bindings, agent_principal_id, group_ids = Vec::new()))]
pub fn order_bindings<'py>(
    py: Python<'py>,
    bindings: &Bound<'py, PyAny>,
    agent_principal_id: &str,
    group_ids: Vec<String>,
) -> PyResult<Bound<'py, PyList>> {
    no_panic(|| {
        let (snapshot, records) = binding_records(py, bindings)?;
        let groups = group_list(py, &group_ids)?;
        let ordered = binding_positions(&records, agent_principal_id, &groups)
            .into_iter()
            .filter_map(|position| snapshot.get(position).cloned());
        PyList::new(py, ordered)
    })
}
