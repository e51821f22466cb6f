//! The WebAssembly half of the npm package `openleash-core-wasm`: the
//! OpenLeash engine for browsers, workers, edge runtimes and Node.js.
//!
//! This crate converts values and errors; every rule is the core's. The
//! package's JavaScript (`lib/api.js`) completes the API: it writes
//! JavaScript values as JSON text before they reach these functions,
//! builds decision objects from the parts `evaluate` returns, reads the
//! JSON text the other functions return, passes the clock (`Date.now()`
//! unless the caller gives a time) and throws the error classes whose
//! fields the functions here throw as JSON (see `errors.rs`). Randomness
//! comes from `crypto.getRandomValues` through getrandom.

mod authorizer;
mod decision;
mod errors;
mod json;
mod keys;
mod options;
mod policy;
mod request;
mod testing;
mod token;

pub use authorizer::AuthorizerHandle;
pub use keys::{KeySetHandle, generate_key, public_key_info, secret_key_paserk};
pub use policy::{
    PolicyHandle, StackBuilder, StackHandle, unreadable_action_decision, validate_policy,
};
pub use request::{ReplayGuardHandle, sign_request, verify_request};
pub use token::{issue_token, verify_token};

use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs once when the module is instantiated: a panic, which would be a
/// bug in this crate or the core, writes its message to `console.error`
/// before the module traps (the build aborts on panic, so nothing
/// unwinds).
#[wasm_bindgen(start)]
fn start() {
    #[cfg(target_arch = "wasm32")]
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("openleash-core-wasm: internal error: {info}"));
    }));
}
