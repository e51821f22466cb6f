//! The OpenLeash authorization engine.
//!
//! This crate decides whether an AI agent may take an action. It parses and
//! validates YAML policies, compiles them into immutable handles, evaluates
//! action requests against them and computes the RFC 8785 canonical JSON and
//! SHA-256 action hash that proofs are bound to.
//!
//! It also issues and verifies OpenLeash's PASETO v4.public proof, approval
//! and session tokens, reads and writes Ed25519 keys in OpenLeash's and
//! PASERK's encodings, and signs and checks agent requests.
//!
//! The crate performs no I/O: it reads no files, no clock and no
//! environment. Callers pass the current time and a source of decision ids,
//! which keeps every decision reproducible and lets the crate run unchanged
//! on `wasm32-unknown-unknown`. The one exception is [`keys::SecretKey::generate`],
//! which asks the platform for randomness (`crypto.getRandomValues` in
//! browsers).

pub mod action;
pub mod authorizer;
pub mod encoding;
pub mod eval;
pub mod host;
pub mod host_signing;
pub mod json;
pub mod keys;
pub mod paseto;
pub mod policy;
pub mod regex;
pub mod request;
pub mod time;
pub mod token;
pub mod yaml;

pub use action::{Action, ActionError};
pub use authorizer::{Authorization, Authorizer};
pub use eval::{Decision, DecisionResult, EvaluationOptions, IdSource, SequentialIds};
pub use json::Value;
pub use keys::{Key, KeyError, KeySet, PublicKey, SecretKey};
pub use policy::{Policy, PolicyError, PolicyStack};
pub use request::{ReplayGuard, SignatureError};
pub use time::Timestamp;
pub use token::{TokenError, TokenKind, VerifiedToken, VerifyOptions};
