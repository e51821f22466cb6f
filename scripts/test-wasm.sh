#!/usr/bin/env bash
# Builds the npm package openleash-core-wasm, packs it with `npm pack`,
# installs the tarball into a fresh scratch project and tests the installed
# package: the shared suite of bindings-node/test in Node.js
# (OPENLEASH_IMPL=wasm), the package's own tests in bindings-js/test (module
# loading, traps, the PASETO and Wycheproof vectors, and the browser test in
# headless Chromium), and a strict TypeScript compile of the typed example
# and the type checks.
#
# From a fresh machine with Rust, Node 20 and npm, it installs what is
# missing: the wasm32-unknown-unknown target, the wasm-bindgen CLI of the
# version in Cargo.lock (`cargo install --locked`), Debian's chromium (with
# apt-get, as root), and the pinned npm devDependencies of bindings-js.
# Set CARGO_BUILD_JOBS to limit build jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
package="$repo/bindings-js"

step() { printf '\n==> %s (%ss)\n' "$*" "$SECONDS"; }

# `cargo install` puts the wasm-bindgen CLI here.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step "rustup target wasm32-unknown-unknown"
rustup target add wasm32-unknown-unknown >/dev/null

version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $version" ]; then
  step "cargo install wasm-bindgen-cli $version"
  cargo install wasm-bindgen-cli --version "$version" --locked
fi

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  step "apt-get install chromium"
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

step "npm ci in bindings-js (binaryen, playwright-core, typescript, @types/node)"
(cd "$package" && npm ci --no-audit --no-fund --loglevel=error)

step "build the package (cargo, wasm-bindgen, wasm-opt -Oz)"
scripts/build-wasm.sh

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

step "npm pack"
tarball=$(cd "$package" && npm pack --silent --pack-destination "$scratch")
echo "$tarball: $(wc -c <"$scratch/$tarball") bytes"

step "install the tarball into a scratch project"
dev_version() { node -p "require('$package/package.json').devDependencies['$1']"; }
cat >"$scratch/package.json" <<'JSON'
{ "name": "openleash-core-wasm-scratch", "private": true, "type": "module" }
JSON
(cd "$scratch" && npm install --no-audit --no-fund --loglevel=error "./$tarball" \
  "typescript@$(dev_version typescript)" "@types/node@$(dev_version @types/node)" \
  "playwright-core@$(dev_version playwright-core)")
cp -r "$repo/bindings-node/test" "$scratch/shared-test"
cp -r "$package/test" "$scratch/wasm-test"
mkdir -p "$scratch/examples"
cp "$repo"/examples/wasm/*.ts "$scratch/examples/"

cd "$scratch"
export OPENLEASH_REPO_ROOT="$repo" OPENLEASH_IMPL=wasm CHROMIUM="$chromium"

step "shared suite against the installed package (node --test)"
node --test shared-test/*.test.mjs

step "package tests and headless Chromium (node --test)"
node --test wasm-test/*.test.mjs

step "tsc --noEmit --strict: typed example and type checks"
npx tsc --noEmit --strict --target es2022 --module node16 --moduleResolution node16 \
  --types node wasm-test/types/check.mts
# The worker example compiles as a bundler would see it: the browser entry
# (no "node" condition), worker globals and no Node types.
cat >tsconfig.worker.json <<'JSON'
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022", "lib": ["es2022", "webworker"],
    "module": "esnext", "moduleResolution": "bundler", "types": []
  },
  "files": ["examples/verify-worker.ts"]
}
JSON
npx tsc -p tsconfig.worker.json

step "done"
