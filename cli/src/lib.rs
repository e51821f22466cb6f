//! Library side of the `openleash` command: the policy test runner, shared
//! by the binary and the integration tests.

pub mod input;
pub mod suite;
