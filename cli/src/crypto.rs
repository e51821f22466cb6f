//! `keygen`, `verify`, `sign-request` and `verify-request`, and the key
//! loading that `authorize --key` shares with them.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use openleash_core::action::Uuid;
use openleash_core::json::{self, JsonLimits, Map, Value};
use openleash_core::keys::{Key, KeyFile, KeySet, MAX_KEY_FILE_BYTES, PublicKey};
use openleash_core::request::{self, ReplayGuard, RequestCheck, SignedHeaders};
use openleash_core::token::{self, TokenKind, VerifyOptions};
use openleash_core::{Timestamp, paseto};

use crate::{Failure, invalid, os_random, read_input, system_now, usage};

/// Largest request body `sign-request` and `verify-request` read.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Maximum size in bytes of the `--headers` file that `verify-request` reads. A larger one is
/// rejected with `JSON_TOO_LARGE`, never cut short.
const MAX_HEADERS_BYTES: usize = 64 * 1024;

/// Whitespace around a token on standard input (the newline `echo` adds,
/// a CRLF, indentation) that is trimmed rather than counted against
/// [`paseto::MAX_TOKEN_BYTES`]. It bounds only how much is read.
const MAX_TOKEN_PADDING_BYTES: usize = 1024;

/// Where the verifying keys come from; at least one source is required.
#[derive(clap::Args)]
pub struct KeySources {
    /// OpenLeash key file (JSON); repeat to trust several keys.
    #[arg(long = "key", value_name = "FILE")]
    key_files: Vec<PathBuf>,
    /// Public key as base64 DER SubjectPublicKeyInfo (OpenLeash's `public_key_b64`).
    #[arg(long = "public-key", value_name = "B64")]
    public_keys: Vec<String>,
    /// Public key as a `k4.public.` PASERK.
    #[arg(long = "paserk", value_name = "K4")]
    paserks: Vec<String>,
}

impl KeySources {
    /// Every key given, as one set. Keys given without an id are named by
    /// their PASERK id (`k4.pid.…`).
    fn load(&self) -> Result<KeySet, Failure> {
        let mut keys = Vec::new();
        for path in &self.key_files {
            keys.push(load_key_file(path)?.to_verifying());
        }
        for text in &self.public_keys {
            let public = PublicKey::from_spki_base64(text)
                .map_err(|error| invalid(format!("--public-key: {error}")))?;
            keys.push(anonymous(public)?);
        }
        for text in &self.paserks {
            let public = PublicKey::from_paserk(text)
                .map_err(|error| invalid(format!("--paserk: {error}")))?;
            keys.push(anonymous(public)?);
        }
        if keys.is_empty() {
            return Err(usage(
                "give the verifying key with --key, --public-key or --paserk".to_owned(),
            ));
        }
        KeySet::from_keys(keys).map_err(|error| invalid(error.to_string()))
    }
}

fn anonymous(public: PublicKey) -> Result<Key, Failure> {
    Key::verifying(public.paserk_id(), public).map_err(|error| invalid(error.to_string()))
}

/// Reads an OpenLeash key file.
pub fn load_key_file(path: &Path) -> Result<Key, Failure> {
    let bytes = read_input(path, MAX_KEY_FILE_BYTES)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| invalid(format!("{}: the key file is not UTF-8", path.display())))?;
    KeyFile::parse(text)
        .and_then(|file| file.to_key())
        .map_err(|error| invalid(format!("{}: {error}", path.display())))
}

fn parse_now(now: Option<&str>) -> Result<Timestamp, Failure> {
    match now {
        Some(text) => Timestamp::parse_rfc3339(text)
            .map_err(|error| usage(format!("--now: {}: {error}", error.code()))),
        None => system_now(),
    }
}

fn seconds_to_ms(flag: &str, seconds: f64) -> Result<u32, Failure> {
    if !(seconds.is_finite() && (0.0..=86_400.0).contains(&seconds)) {
        return Err(usage(format!(
            "{flag} must be between 0 and 86400 seconds, found {seconds}"
        )));
    }
    Ok((seconds * 1000.0).round() as u32)
}

fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    os_random(&mut bytes);
    Uuid::v4_from_bytes(bytes).to_hyphenated()
}

fn print_json(value: &Value) {
    println!("{}", json::to_json(value));
}

fn string(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// `openleash keygen`.
pub fn keygen(
    kid: Option<String>,
    out: Option<&Path>,
    paserk: bool,
    now: Option<&str>,
) -> Result<u8, Failure> {
    let now = parse_now(now)?;
    let kid = kid.unwrap_or_else(random_uuid);
    let key = Key::generate(kid, now).map_err(|error| invalid(error.to_string()))?;
    let secret = key
        .secret_key()
        .ok_or_else(|| invalid("the generated key has no private half".to_owned()))?;
    let file_text = KeyFile::from_key(&key).to_json();
    let mut summary = Map::new();
    summary.insert("kid".to_owned(), string(key.kid()));
    summary.insert(
        "public_key_b64".to_owned(),
        string(&key.public_key().to_spki_base64()),
    );
    summary.insert(
        "paserk_public".to_owned(),
        string(&key.public_key().to_paserk()),
    );
    summary.insert(
        "paserk_id".to_owned(),
        string(&key.public_key().paserk_id()),
    );
    match out {
        Some(path) => {
            write_private_file(path, &file_text)?;
            summary.insert("key_file".to_owned(), string(&path.display().to_string()));
            if paserk {
                summary.insert(
                    "paserk_secret".to_owned(),
                    string(secret.to_paserk().as_str()),
                );
            }
            print_json(&Value::Object(summary));
        }
        None if paserk => {
            summary.insert(
                "paserk_secret".to_owned(),
                string(secret.to_paserk().as_str()),
            );
            print_json(&Value::Object(summary));
        }
        None => println!("{file_text}"),
    }
    Ok(0)
}

/// Creates `path` for a private key: never overwrites, and on Unix is
/// readable by its owner only.
fn write_private_file(path: &Path, text: &str) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|error| usage(format!("cannot create {}: {error}", path.display())))?;
    file.write_all(format!("{text}\n").as_bytes())
        .map_err(|error| usage(format!("cannot write {}: {error}", path.display())))
}

/// Options of `openleash verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The token, or `-` to read it from standard input.
    token: String,
    #[command(flatten)]
    keys: KeySources,
    /// The current time as RFC 3339 (default: the system clock).
    #[arg(long)]
    now: Option<String>,
    /// Tolerance for clock differences, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
    leeway: f64,
    /// The kind of token required: proof, approval or session.
    #[arg(long, default_value = "proof")]
    purpose: String,
    /// Require this action hash.
    #[arg(long, value_name = "HASH")]
    expect_action_hash: Option<String>,
    /// Require this agent id.
    #[arg(long, value_name = "ID")]
    expect_agent_id: Option<String>,
    /// Require this action type.
    #[arg(long, value_name = "TYPE")]
    expect_action_type: Option<String>,
}

/// `openleash verify`: prints the claims, or the refusal on standard error
/// with exit code 1.
pub fn verify(args: &VerifyArgs) -> Result<u8, Failure> {
    let token = if args.token == "-" {
        read_stdin_token()?
    } else {
        args.token.clone()
    };
    let kind = TokenKind::parse(&args.purpose).ok_or_else(|| {
        usage(format!(
            "--purpose must be proof, approval or session, found {:?}",
            args.purpose
        ))
    })?;
    let keys = args.keys.load()?;
    let mut options = VerifyOptions::of_kind(kind, parse_now(args.now.as_deref())?);
    options.leeway_ms = seconds_to_ms("--leeway", args.leeway)?;
    options.expect.action_hash = args.expect_action_hash.clone();
    options.expect.agent_id = args.expect_agent_id.clone();
    options.expect.action_type = args.expect_action_type.clone();
    match token::verify(&token, &keys, &options) {
        Ok(verified) => {
            print_json(&Value::Object(verified.claims));
            Ok(0)
        }
        Err(error) => Err(invalid(error.to_string())),
    }
}

/// Reads a token from standard input without the whitespace around it.
/// The token's own size is left to [`token::verify`], so that a token read
/// here is accepted exactly when the same token given as an argument is.
fn read_stdin_token() -> Result<String, Failure> {
    let bound = paseto::MAX_TOKEN_BYTES + MAX_TOKEN_PADDING_BYTES;
    let bytes = read_input(Path::new("-"), bound)?;
    if bytes.len() > bound {
        return Err(invalid(format!(
            "TOKEN_TOO_LARGE: standard input is longer than {bound} bytes, \
             the most read for a token of {} bytes with {MAX_TOKEN_PADDING_BYTES} \
             bytes of whitespace around it",
            paseto::MAX_TOKEN_BYTES
        )));
    }
    let text =
        String::from_utf8(bytes).map_err(|_| invalid("the token is not UTF-8".to_owned()))?;
    Ok(text.trim().to_owned())
}

/// Options of `openleash sign-request`.
#[derive(clap::Args)]
pub struct SignRequestArgs {
    /// The agent's key file (OpenLeash JSON with `private_key_b64`).
    #[arg(long = "key", value_name = "FILE")]
    key: PathBuf,
    /// The agent id sent as X-Agent-Id.
    #[arg(long)]
    agent_id: String,
    /// HTTP method, e.g. POST.
    #[arg(long)]
    method: String,
    /// Request path without the query string, e.g. /v1/authorize.
    #[arg(long)]
    path: String,
    /// The request body file, or `-` for standard input (default: empty body).
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// The nonce (default: a random UUID).
    #[arg(long)]
    nonce: Option<String>,
    /// The request time as RFC 3339 (default: the system clock).
    #[arg(long)]
    now: Option<String>,
}

/// `openleash sign-request`: prints the signing headers as a JSON object.
pub fn sign_request(args: &SignRequestArgs) -> Result<u8, Failure> {
    let key = load_key_file(&args.key)?;
    let secret = key.secret_key().ok_or_else(|| {
        invalid(format!(
            "{}: the key file has no private_key_b64",
            args.key.display()
        ))
    })?;
    let body = match &args.body {
        Some(path) => read_body(path)?,
        None => Vec::new(),
    };
    let nonce = args.nonce.clone().unwrap_or_else(random_uuid);
    let headers = request::sign_request(
        secret,
        &args.agent_id,
        &args.method,
        &args.path,
        parse_now(args.now.as_deref())?,
        &nonce,
        &body,
    )
    .map_err(|error| invalid(error.to_string()))?;
    let mut map = Map::new();
    for (name, value) in header_pairs(&headers) {
        map.insert(name.to_owned(), string(value));
    }
    print_json(&Value::Object(map));
    Ok(0)
}

fn header_pairs(headers: &SignedHeaders) -> [(&'static str, &str); 5] {
    [
        ("X-Agent-Id", &headers.agent_id),
        ("X-Timestamp", &headers.timestamp),
        ("X-Nonce", &headers.nonce),
        ("X-Body-Sha256", &headers.body_sha256),
        ("X-Signature", &headers.signature),
    ]
}

fn read_body(path: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = read_input(path, MAX_BODY_BYTES)?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(invalid(format!(
            "{}: the body is larger than {MAX_BODY_BYTES} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Options of `openleash verify-request`.
#[derive(clap::Args)]
pub struct VerifyRequestArgs {
    /// JSON object of the request's headers (names case-insensitive), or `-`.
    #[arg(long, value_name = "FILE")]
    headers: PathBuf,
    #[command(flatten)]
    keys: KeySources,
    /// HTTP method of the request.
    #[arg(long)]
    method: String,
    /// Request path without the query string.
    #[arg(long)]
    path: String,
    /// The raw request body; without it the X-Body-Sha256 header is trusted.
    #[arg(long, value_name = "FILE")]
    body: Option<PathBuf>,
    /// The receiver's current time as RFC 3339 (default: the system clock).
    #[arg(long)]
    now: Option<String>,
    /// Allowed clock difference in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    max_skew: f64,
}

/// `openleash verify-request`: exit 0 when the signature holds, else the
/// error code on standard error and exit 1.
pub fn verify_request(args: &VerifyRequestArgs) -> Result<u8, Failure> {
    let keys = args.keys.load()?;
    let mut found = keys.iter();
    let (Some(key), None) = (found.next(), found.next()) else {
        return Err(usage("verify-request takes exactly one key".to_owned()));
    };
    // The read stops one byte past the limit, and parsing with the same
    // limit turns that byte into `JSON_TOO_LARGE`.
    let bytes = read_input(&args.headers, MAX_HEADERS_BYTES)?;
    let limits = JsonLimits {
        max_bytes: MAX_HEADERS_BYTES,
        ..JsonLimits::default()
    };
    let value = json::parse_bytes(&bytes, &limits)
        .map_err(|error| invalid(format!("--headers: {error}")))?;
    let headers = openleash_core::host::signed_headers_from_value(&value)
        .map_err(|error| invalid(error.to_string()))?;
    let body = match &args.body {
        Some(path) => Some(read_body(path)?),
        None => None,
    };
    let check = RequestCheck {
        now: parse_now(args.now.as_deref())?,
        max_skew_ms: seconds_to_ms("--max-skew", args.max_skew)?,
    };
    request::verify_request(
        &headers,
        &args.method,
        &args.path,
        body.as_deref(),
        key.public_key(),
        &check,
        &ReplayGuard::new(1),
    )
    .map_err(|error| invalid(error.to_string()))?;
    // X-Agent-Id is not signed: the key given is what the signature proves.
    println!(
        "valid: request signed by key {}; X-Agent-Id is not covered by the signature",
        key.kid()
    );
    Ok(0)
}
