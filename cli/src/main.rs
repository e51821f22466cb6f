//! `openleash`: validate policies, decide actions and issue their proofs,
//! hash actions, run policy tests, manage keys, verify tokens and sign and
//! check agent requests, from a shell or CI job.

mod crypto;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use openleash_cli::input::read_limited;
use openleash_cli::suite::{self, CaseStatus};
use openleash_core::authorizer::{Authorization, Authorizer, Owner, TokenSettings};
use openleash_core::eval::RuleTrace;
use openleash_core::host;
use openleash_core::json::{self, MAX_JSON_BYTES};
use openleash_core::keys::KeySet;
use openleash_core::yaml::YamlLimits;
use openleash_core::{
    Action, Decision, DecisionResult, EvaluationOptions, Policy, PolicyStack, Timestamp,
};

const EXIT_HELP: &str = "\
Exit codes:
  0  success; for `authorize`, the result is ALLOW
  1  invalid input: a policy or key file was read but is invalid,
     validation found problems, a test case failed or a test file could not
     be read or loaded, or `verify` / `verify-request` refused the token or
     request
  2  usage error, or an input file that cannot be read, such as a missing
     policy, action, key, headers or body file (`validate` reports every
     file first)
  3  `authorize`: DENY (also when the action is invalid: the engine fails closed)
  4  `authorize`: REQUIRE_APPROVAL
  5  `authorize`: REQUIRE_STEP_UP
  6  `authorize`: REQUIRE_DEPOSIT";

/// Decide whether an AI agent may take an action, against OpenLeash policies.
#[derive(Parser)]
#[command(name = "openleash", version, after_help = EXIT_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files and print every problem as `file:line:col: code: message`.
    Validate {
        /// Policy YAML files; `-` reads one from standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Decide an action against one policy or a stack of layered policies and print the decision as JSON.
    Authorize {
        /// Policy YAML file; repeat to layer policies, most specific first.
        #[arg(long = "policy", required = true)]
        policies: Vec<PathBuf>,
        /// Action request JSON file, or `-` for standard input.
        action: PathBuf,
        /// The current time as RFC 3339 (default: the system clock).
        #[arg(long)]
        now: Option<String>,
        /// Proof TTL in seconds when the matched rule sets none (with --key: default 120).
        #[arg(long, value_name = "SECONDS")]
        default_proof_ttl: Option<f64>,
        /// Signing key file (OpenLeash JSON): issue a proof token when one is due.
        #[arg(long = "key", value_name = "FILE")]
        key: Option<PathBuf>,
        /// With --key: longest proof lifetime in seconds.
        #[arg(
            long,
            value_name = "SECONDS",
            default_value_t = 3600.0,
            requires = "key"
        )]
        max_proof_ttl: f64,
        /// With --key: the agent owner's type written into proofs (`user` or `org`).
        #[arg(long, requires_all = ["key", "owner_id"])]
        owner_type: Option<String>,
        /// With --key: the agent owner's id written into proofs, not empty (default: the action's subject.principal_id).
        #[arg(long, requires = "key")]
        owner_id: Option<String>,
        /// Print a readable explanation with the per-rule trace instead of JSON.
        #[arg(long)]
        explain: bool,
    },
    /// Print the RFC 8785 canonical JSON of an action and its SHA-256 action hash, one per line.
    Hash {
        /// Action request JSON file, or `-` for standard input.
        action: PathBuf,
        /// Hash any JSON value as given, without validating and normalizing it as an action.
        #[arg(long)]
        raw: bool,
    },
    /// Generate an Ed25519 signing key: prints an OpenLeash key file, or writes it with --out.
    Keygen {
        /// Key id (default: a random UUID).
        #[arg(long)]
        kid: Option<String>,
        /// Write the key file here (created with mode 0600, never overwritten) and print the public key.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Print the PASERK forms (k4.public, k4.pid and the secret k4.secret) as JSON.
        #[arg(long)]
        paserk: bool,
        /// Creation time as RFC 3339 (default: the system clock).
        #[arg(long)]
        now: Option<String>,
    },
    /// Verify a PASETO v4.public token and print its claims as JSON.
    Verify(crypto::VerifyArgs),
    /// Sign an HTTP request as an agent and print the signing headers as JSON.
    SignRequest(crypto::SignRequestArgs),
    /// Check an agent's request signature, timestamp and body hash.
    VerifyRequest(crypto::VerifyRequestArgs),
    /// Run policy test files and conformance corpus files; ends with `N passed, M failed`.
    Test {
        /// Test files (YAML or JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also list passing cases and deviations.
        #[arg(long, short)]
        verbose: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate { files } => validate(&files),
        Command::Authorize {
            policies,
            action,
            now,
            default_proof_ttl,
            key,
            max_proof_ttl,
            owner_type,
            owner_id,
            explain,
        } => authorize(
            &policies,
            &action,
            now.as_deref(),
            default_proof_ttl,
            SigningOptions {
                key,
                max_proof_ttl,
                owner_type,
                owner_id,
            },
            explain,
        ),
        Command::Keygen {
            kid,
            out,
            paserk,
            now,
        } => crypto::keygen(kid, out.as_deref(), paserk, now.as_deref()),
        Command::Verify(args) => crypto::verify(&args),
        Command::SignRequest(args) => crypto::sign_request(&args),
        Command::VerifyRequest(args) => crypto::verify_request(&args),
        Command::Hash { action, raw } => hash(&action, raw),
        Command::Test { files, verbose } => test(&files, verbose),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("openleash: {}", failure.message);
            ExitCode::from(failure.exit_code)
        }
    }
}

struct Failure {
    message: String,
    exit_code: u8,
}

fn usage(message: String) -> Failure {
    Failure {
        message,
        exit_code: 2,
    }
}

fn invalid(message: String) -> Failure {
    Failure {
        message,
        exit_code: 1,
    }
}

fn read_input(path: &Path, max_bytes: usize) -> Result<Vec<u8>, Failure> {
    read_limited(path, max_bytes).map_err(usage)
}

fn yaml_limits() -> YamlLimits {
    YamlLimits::default()
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn validate(files: &[PathBuf]) -> Result<u8, Failure> {
    if files.iter().filter(|file| file.as_os_str() == "-").count() > 1 {
        return Err(usage(
            "standard input (`-`) can be read only once".to_owned(),
        ));
    }
    let mut all_valid = true;
    let mut unreadable = false;
    for file in files {
        let bytes = match read_input(file, yaml_limits().max_bytes) {
            Ok(bytes) => bytes,
            Err(failure) => {
                eprintln!("openleash: {}", failure.message);
                unreadable = true;
                continue;
            }
        };
        match Policy::from_yaml_bytes(&bytes, &yaml_limits()) {
            Ok(policy) => {
                for warning in policy.warnings() {
                    println!(
                        "{}:{}:{}: warning: {}: {}",
                        file.display(),
                        warning.line(),
                        warning.column(),
                        warning.code(),
                        warning.message()
                    );
                }
                println!(
                    "{}: valid ({})",
                    file.display(),
                    plural(policy.rule_ids().count(), "rule")
                );
            }
            Err(error) => {
                all_valid = false;
                for diagnostic in error.diagnostics() {
                    println!(
                        "{}:{}:{}: {}: {}",
                        file.display(),
                        diagnostic.line(),
                        diagnostic.column(),
                        diagnostic.code(),
                        diagnostic.message()
                    );
                }
            }
        }
    }
    Ok(if unreadable {
        2
    } else if all_valid {
        0
    } else {
        1
    })
}

fn load_policy(path: &Path) -> Result<Policy, Failure> {
    let bytes = read_input(path, yaml_limits().max_bytes)?;
    Policy::from_yaml_bytes(&bytes, &yaml_limits()).map_err(|error| {
        let lines: Vec<String> = error
            .diagnostics()
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}: {}: {}",
                    path.display(),
                    d.line(),
                    d.column(),
                    d.code(),
                    d.message()
                )
            })
            .collect();
        invalid(format!("invalid policy\n{}", lines.join("\n")))
    })
}

fn system_now() -> Result<Timestamp, Failure> {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| usage("the system clock is before 1970".to_owned()))?
        .as_millis();
    i64::try_from(millis)
        .ok()
        .and_then(Timestamp::from_unix_millis)
        .ok_or_else(|| usage("the system clock is out of range".to_owned()))
}

/// Decision and obligation ids from the operating system's randomness.
fn os_random(bytes: &mut [u8; 16]) {
    if getrandom::fill(bytes).is_err() {
        // Ids only need to be unique, not secret; fall back to the clock
        // and a counter rather than fail the decision.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *bytes = (nanos ^ (u128::from(count) << 64)).to_be_bytes();
    }
}

/// `authorize` options for issuing proofs.
struct SigningOptions {
    key: Option<PathBuf>,
    max_proof_ttl: f64,
    owner_type: Option<String>,
    owner_id: Option<String>,
}

impl SigningOptions {
    /// Returns the owner to write into proofs, or `None` to take it from
    /// each action. The bindings check their `owner` setting with the same
    /// core function, so both reject the same owners (`KEY_INVALID_SETTINGS`).
    fn owner(&self) -> Result<Option<Owner>, Failure> {
        let Some(owner_id) = &self.owner_id else {
            return Ok(None);
        };
        let owner_type = self.owner_type.as_deref().unwrap_or("user");
        let mut fields = json::Map::new();
        fields.insert(
            "owner_type".to_owned(),
            json::Value::String(owner_type.to_owned()),
        );
        fields.insert("owner_id".to_owned(), json::Value::String(owner_id.clone()));
        host::owner_from_value(&json::Value::Object(fields))
            .map(Some)
            .map_err(|error| {
                usage(format!(
                    "invalid --owner-type {owner_type:?} --owner-id {owner_id:?}: {error}"
                ))
            })
    }
}

fn authorize(
    policy_paths: &[PathBuf],
    action_path: &Path,
    now: Option<&str>,
    default_proof_ttl: Option<f64>,
    signing: SigningOptions,
    explain: bool,
) -> Result<u8, Failure> {
    let stdin_uses = policy_paths
        .iter()
        .filter(|path| path.as_os_str() == "-")
        .count()
        + usize::from(action_path.as_os_str() == "-");
    if stdin_uses > 1 {
        return Err(usage(
            "standard input (`-`) can be read only once: give the action or one policy as `-`, not both".to_owned(),
        ));
    }
    let policies = policy_paths
        .iter()
        .map(|path| load_policy(path))
        .collect::<Result<Vec<_>, _>>()?;
    let now = match now {
        Some(text) => Timestamp::parse_rfc3339(text)
            .map_err(|error| usage(format!("--now: {}: {error}", error.code())))?,
        None => system_now()?,
    };
    if let Some(ttl) = default_proof_ttl
        && !(ttl.is_finite() && ttl > 0.0)
    {
        return Err(usage(format!(
            "--default-proof-ttl must be a positive number of seconds, found {ttl}"
        )));
    }
    let owner = signing.owner()?;
    let options = EvaluationOptions {
        now,
        default_proof_ttl_seconds: default_proof_ttl,
    };
    let bytes = read_input(action_path, MAX_JSON_BYTES)?;
    let mut ids = os_random;

    // A single policy is evaluated on its own, as OpenLeash does; several
    // are layered. Invalid actions still get a (DENY) decision.
    let stack = PolicyStack::from_policies(policies);
    let authorization = match &signing.key {
        None => Authorization {
            decision: stack.decide_json_bytes(&bytes, &options, &mut ids),
            proof_token: None,
            proof_expires_at: None,
        },
        Some(path) => {
            let key = crypto::load_key_file(path)?;
            let kid = key.kid().to_owned();
            let mut keys = KeySet::new();
            keys.insert(key)
                .map_err(|error| invalid(error.to_string()))?;
            keys.set_active(&kid)
                .map_err(|error| invalid(format!("{}: {error}", path.display())))?;
            let settings = TokenSettings {
                default_ttl_seconds: default_proof_ttl
                    .unwrap_or(TokenSettings::default().default_ttl_seconds),
                max_ttl_seconds: signing.max_proof_ttl,
            };
            let mut authorizer = Authorizer::new(stack, keys)
                .and_then(|authorizer| authorizer.with_settings(settings))
                .map_err(|error| usage(error.to_string()))?;
            if let Some(owner) = owner {
                authorizer = authorizer.with_owner(owner);
            }
            match json::parse_bytes(&bytes, &json::JsonLimits::default()) {
                Ok(value) => authorizer.authorize(value, now, &mut ids),
                // The stack reports unreadable JSON as a DENY decision.
                Err(_) => Authorization {
                    decision: authorizer
                        .stack()
                        .decide_json_bytes(&bytes, &options, &mut ids),
                    proof_token: None,
                    proof_expires_at: None,
                },
            }
        }
    };
    let decision = &authorization.decision;
    if let Some(error) = &decision.error {
        eprintln!("openleash: {}: {}", error.code, error.message);
    }

    if explain {
        print!("{}", explain_decision(decision));
        if let (Some(token), Some(expires)) =
            (&authorization.proof_token, &authorization.proof_expires_at)
        {
            println!("proof token (expires {expires}):\n  {token}");
        }
    } else {
        let text = serde_json::to_string_pretty(&authorization)
            .map_err(|error| usage(error.to_string()))?;
        println!("{text}");
    }
    Ok(match decision.result {
        DecisionResult::Allow => 0,
        DecisionResult::Deny => 3,
        DecisionResult::RequireApproval => 4,
        DecisionResult::RequireStepUp => 5,
        DecisionResult::RequireDeposit => 6,
    })
}

fn explain_decision(decision: &Decision) -> String {
    let mut out = String::new();
    out.push_str(&format!("result:   {}\n", decision.result));
    out.push_str(&format!("reason:   {}\n", printable(&decision.reason)));
    if let Some(rule) = &decision.matched_rule_id {
        out.push_str(&format!("rule:     {}\n", printable(rule)));
    }
    out.push_str(&format!(
        "action:   {} (hash {})\n",
        decision.action_id, decision.action_hash
    ));
    if decision.obligations.is_empty() {
        out.push_str("obligations: none\n");
    } else {
        out.push_str("obligations:\n");
        for obligation in &decision.obligations {
            let details = serde_json::to_string(&obligation.details_json).unwrap_or_default();
            out.push_str(&format!("  - {} {details}\n", obligation.kind));
        }
    }
    let proof = match (decision.proof_required, decision.proof_ttl_seconds) {
        (false, _) => "not required".to_owned(),
        (true, Some(ttl)) => format!("required, TTL {ttl} s"),
        (true, None) => "required, default TTL".to_owned(),
    };
    out.push_str(&format!("proof:    {proof}\n"));
    out.push_str(&format!(
        "trace ({}, in evaluation order):\n",
        plural(decision.trace.len(), "rule")
    ));
    for (position, (rule_id, record)) in decision.trace.iter().enumerate() {
        out.push_str(&format!(
            "  {:>3}. {}: {}\n",
            position + 1,
            printable(rule_id),
            explain_rule(record)
        ));
    }
    out
}

/// Escapes control characters, so that a rule id from a policy cannot add
/// lines or terminal escape sequences to the explanation.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

fn explain_rule(record: RuleTrace) -> String {
    if !record.pattern_match {
        return "action pattern does not match".to_owned();
    }
    match (
        record.when_match,
        record.constraints_match,
        record.final_match,
    ) {
        (Some(false), _, _) => "pattern matches; `when` is false".to_owned(),
        (_, Some(false), _) => "pattern and `when` match; constraints fail".to_owned(),
        (_, _, true) => "MATCH".to_owned(),
        _ => "no match".to_owned(),
    }
}

fn hash(action_path: &Path, raw: bool) -> Result<u8, Failure> {
    let bytes = read_input(action_path, MAX_JSON_BYTES)?;
    let value = json::parse_bytes(&bytes, &json::JsonLimits::default()).map_err(|error| {
        invalid(format!(
            "{}: invalid JSON at line {}, column {}: {}",
            error.code(),
            error.line(),
            error.column(),
            error.message()
        ))
    })?;
    let (canonical, hash) = if raw {
        (json::canonical_json(&value), json::action_hash(&value))
    } else {
        let action = Action::from_value(value).map_err(|error| invalid(error.to_string()))?;
        (action.canonical_json(), action.hash().to_owned())
    };
    println!("{canonical}");
    println!("{hash}");
    Ok(0)
}

fn test(files: &[PathBuf], verbose: bool) -> Result<u8, Failure> {
    let mut outcomes = Vec::new();
    // Each test file that cannot be read or loaded counts as one failure.
    let mut unreadable = 0;
    for file in files {
        match suite::run_file(file) {
            Ok(file_outcomes) => {
                for outcome in &file_outcomes {
                    let label = format!("{}: {}", file.display(), outcome.id);
                    match outcome.status {
                        CaseStatus::Failed => println!("FAIL {label}: {}", outcome.detail),
                        CaseStatus::PassedAsDeviation if verbose => {
                            println!("ok   {label} (deviation: {})", outcome.detail)
                        }
                        CaseStatus::Passed if verbose => println!("ok   {label}"),
                        _ => {}
                    }
                }
                outcomes.extend(file_outcomes);
            }
            Err(error) => {
                unreadable += 1;
                println!("ERROR {error}");
            }
        }
    }
    let (passed, failed) = suite::count(&outcomes);
    let failed = failed + unreadable;
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { 0 } else { 1 })
}
