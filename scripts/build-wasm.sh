#!/usr/bin/env bash
# Builds the npm package openleash-core-wasm in bindings-js/: compiles the
# crate for wasm32-unknown-unknown in the size-optimized wasm-release
# profile, generates the JavaScript bindings with the wasm-bindgen CLI of
# the crate's exact version, shrinks the module with `wasm-opt -Oz` from
# the npm package binaryen (bindings-js/package.json pins it; Debian's
# binaryen produces modules that fail to instantiate), and writes both to
# bindings-js/wasm/. Prints the module's raw and gzipped size.
#
# Needs Rust with the wasm32-unknown-unknown target, the wasm-bindgen CLI
# and `npm ci` in bindings-js (scripts/test-wasm.sh installs them). Honors
# CARGO_TARGET_DIR and CARGO_BUILD_JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
package="$repo/bindings-js"
target_dir=${CARGO_TARGET_DIR:-$repo/target}

# The CLI must be the version of the crate in Cargo.lock, or it refuses
# the module.
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
found=$(wasm-bindgen --version 2>/dev/null || true)
if [ "$found" != "wasm-bindgen $version" ]; then
  echo "need wasm-bindgen $version on PATH (found: ${found:-none});" \
    "run: cargo install wasm-bindgen-cli --version $version --locked" >&2
  exit 1
fi
wasm_opt="$package/node_modules/.bin/wasm-opt"
if [ ! -x "$wasm_opt" ]; then
  echo "missing $wasm_opt: run npm ci in bindings-js" >&2
  exit 1
fi

cargo build -p openleash-core-wasm --target wasm32-unknown-unknown --profile wasm-release --locked

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$staging" --out-name openleash_core_wasm \
  "$target_dir/wasm32-unknown-unknown/wasm-release/openleash_core_wasm.wasm"
mkdir -p "$package/wasm"
"$wasm_opt" -Oz "$staging/openleash_core_wasm_bg.wasm" -o "$package/wasm/openleash_core_wasm_bg.wasm"
cp "$staging/openleash_core_wasm.js" "$package/wasm/openleash_core_wasm.js"

module="$package/wasm/openleash_core_wasm_bg.wasm"
echo "openleash_core_wasm_bg.wasm: $(wc -c <"$module") bytes, $(gzip -9 -c "$module" | wc -c) gzipped (gzip -9)"
