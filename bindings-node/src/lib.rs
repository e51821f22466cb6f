//! The native half of the npm package `openleash-core`: the OpenLeash
//! engine for Node.js.
//!
//! This crate converts values and errors and supplies what only the host
//! has (files, the clock, operating-system randomness); every rule is the
//! core's. The package's `index.js` completes the API: it turns JavaScript
//! values into JSON text before they reach `evaluate`, `canonicalJson` and
//! `actionHash`, builds decision objects from the parts those calls return
//! here, and defines the error classes this crate throws. The TypeScript
//! declarations generated from this crate's doc comments describe that
//! public API.

mod convert;
mod decision;
mod errors;
mod fast;
mod json;
mod options;
mod policy;
mod testing;
mod tokens;
pub mod types;

// Everything exported to JavaScript, including the functions only
// `index.js` calls.
pub use errors::{panic_for_tests, register_error_classes};
pub use fast::register_fast_path;
pub use json::{MAX_JSON_BYTES, MAX_JSON_DEPTH, action_hash, canonical_json, parse_json};
pub use policy::{
    Policy, PolicyStack, evaluate, order_bindings, unreadable_action_decision, validate_policy,
};
pub use testing::{testing_ed25519_verify, testing_paseto_sign, testing_paseto_verify};
pub use tokens::{
    Authorizer, KeySet, ReplayGuard, generate_key, issue_token, public_key_info,
    rejected_authorization, secret_key_paserk, sign_request, verify_request, verify_token,
};
