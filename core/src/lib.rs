//! The OpenLeash authorization engine.
//!
//! This crate decides whether an AI agent may take an action. It parses and
//! validates YAML policies, compiles them into immutable handles, evaluates
//! action requests against them and computes the RFC 8785 canonical JSON and
//! SHA-256 action hash that proofs are bound to.
//!
//! The crate performs no I/O: it reads no files, no clock, no environment and
//! no randomness. Callers pass the current time and a source of decision ids,
//! which keeps every decision reproducible and lets the crate run unchanged on
//! `wasm32-unknown-unknown`.

pub mod action;
pub mod eval;
pub mod json;
pub mod policy;
pub mod regex;
pub mod time;
pub mod yaml;

pub use action::{Action, ActionError};
pub use eval::{Decision, DecisionResult, EvaluationOptions, IdSource, SequentialIds};
pub use json::Value;
pub use policy::{Policy, PolicyError, PolicyStack};
pub use time::Timestamp;
