#!/usr/bin/env bash
# Runs every test suite from a fresh machine: installs what the suites need,
# then checks formatting and lints, runs the Rust tests, checks that the core
# builds for wasm32, runs the conformance corpus and the examples through the
# `openleash test` command, cross-checks tokens with the npm `paseto`
# package, and builds, installs and tests the Python, Node and WebAssembly
# packages (the last also in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components and targets"
rustup component add rustfmt clippy >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (Rust suites)"
cargo test --workspace --locked

step "openleash-core builds for wasm32-unknown-unknown"
cargo build -p openleash-core --target wasm32-unknown-unknown --locked

step "conformance corpus and examples through the CLI"
cargo run -q -p openleash-cli --locked -- test tests/conformance/openleash/*.json examples/*/tests.yaml

step "cross-check tokens with the npm paseto package (OpenLeash's token library)"
cargo build -q -p openleash-cli --locked
(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
OPENLEASH_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/openleash" node --test tests/interop/paseto.test.mjs

step "Python package: build the wheel, install it in a fresh venv, run its suite"
./scripts/test-python.sh

step "Node package: build, npm pack, install in a scratch project, run its suite"
./scripts/test-node.sh

step "WebAssembly package: build, npm pack, install, run the suite in Node and headless Chromium"
./scripts/test-wasm.sh
