#!/usr/bin/env bash
# Builds the Node package openleash-core, packs it with `npm pack`, installs
# the tarball into a fresh scratch project and tests the installed package:
# the Node suite from both `import` and `require`, the guard example, and a
# strict TypeScript compile of the examples and the type checks, and the
# proofs example compiled and run. Fails when
# the generated declarations (native.d.ts) or loader (native.js) differ from
# the committed ones.
#
# Needs Rust, Node 20 and npm. Set CARGO_BUILD_JOBS to limit build jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
package="$repo/bindings-node"

step() { printf '\n==> %s (%ss)\n' "$*" "$SECONDS"; }

staging=$(mktemp -d)
scratch=$(mktemp -d)
trap 'rm -rf "$staging" "$scratch"' EXIT

step "npm ci in bindings-node (@napi-rs/cli, typescript, @types/node)"
(cd "$package" && npm ci --no-audit --no-fund --loglevel=error)

step "napi build --release into a staging folder"
(cd "$package" && npx napi build --platform --release --no-const-enum \
  --output-dir "$staging" --js native.js --dts native.d.ts)

step "generated native.d.ts and native.js match the committed files"
drift=0
for file in native.d.ts native.js; do
  if ! diff -u "$package/$file" "$staging/$file"; then
    echo "bindings-node/$file is out of date: commit the regenerated file" >&2
    drift=1
  fi
done
if [ "$drift" -ne 0 ]; then
  exit 1
fi
cp "$staging"/*.node "$package/"

step "npm pack"
tarball=$(cd "$package" && npm pack --silent --pack-destination "$scratch")
echo "$tarball"

step "install the tarball into a scratch project"
cat >"$scratch/package.json" <<'JSON'
{ "name": "openleash-core-scratch", "private": true, "type": "module" }
JSON
(cd "$scratch" && npm install --no-audit --no-fund --loglevel=error \
  "./$tarball" typescript@5.9.3 @types/node@20.19.43)
cp -r "$package/test" "$scratch/test"
mkdir -p "$scratch/examples"
cp "$repo"/examples/node/*.mjs "$repo"/examples/node/*.ts "$repo"/examples/node/*.mts "$scratch/examples/"

cd "$scratch"
export OPENLEASH_REPO_ROOT="$repo"
for entry in import require; do
  step "node --test against the installed package through $entry"
  OPENLEASH_ENTRY=$entry node --test test/*.test.mjs
done

step "guard example"
node examples/guard.mjs

step "tsc --noEmit --strict: examples and type checks"
npx tsc --noEmit --strict --target es2022 --module node16 --moduleResolution node16 \
  --types node examples/guard.ts test/types/check.mts test/types/check.cts

step "proofs example: compiled with tsc --strict, then run"
npx tsc --strict --target es2022 --module node16 --moduleResolution node16 \
  --types node --outDir examples/compiled examples/proofs.mts
node examples/compiled/proofs.mjs

step "done"
