#!/usr/bin/env bash
# Builds the openleash-core wheel, installs it into a fresh virtual
# environment and tests the installed package. It runs the pytest suite from
# a directory where the source tree is not importable, then the examples
# (guarded tools, proof tokens), `mypy --strict` on the examples and the
# package, and stubtest,
# which checks the .pyi stubs against the compiled module.
#
# Needs Python 3.9 or later (`PYTHON`, default python3) and Rust; everything
# else comes from PyPI. Work files go to $CARGO_TARGET_DIR/python (default
# target/python): build-venv (maturin, reused), dist (the wheel) and
# test-venv (recreated on every run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

PYTHON="${PYTHON:-python3}"
MATURIN_VERSION=1.16.0
PYTEST_VERSION=9.2.0
MYPY_VERSION=2.4.1

work="${CARGO_TARGET_DIR:-$root/target}/python"
build_venv="$work/build-venv"
test_venv="$work/test-venv"
dist="$work/dist"

step() { printf '\n==> %s\n' "$*"; }

step "build environment (maturin $MATURIN_VERSION)"
if [[ ! -x "$build_venv/bin/maturin" ]] ||
    [[ "$("$build_venv/bin/maturin" --version)" != "maturin $MATURIN_VERSION" ]]; then
    rm -rf "$build_venv"
    "$PYTHON" -m venv "$build_venv"
    "$build_venv/bin/pip" install --quiet "maturin==$MATURIN_VERSION"
fi

step "build the wheel (release)"
rm -rf "$dist"
(cd bindings-python && "$build_venv/bin/maturin" build --release --locked --out "$dist" --interpreter "$PYTHON")
wheels=("$dist"/openleash_core-*-cp39-abi3-*.whl)
if [[ ${#wheels[@]} -ne 1 || ! -f "${wheels[0]}" ]]; then
    echo "expected exactly one cp39-abi3 wheel in $dist" >&2
    exit 1
fi

step "install the wheel into a fresh virtual environment"
rm -rf "$test_venv"
"$PYTHON" -m venv "$test_venv"
"$test_venv/bin/pip" install --quiet "${wheels[0]}" "pytest==$PYTEST_VERSION" "mypy==$MYPY_VERSION"

# Run from a scratch directory, so that `import openleash_core` can only
# find the installed package.
scratch="$work/run"
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"
python="$test_venv/bin/python"
export PYTHONDONTWRITEBYTECODE=1
"$python" - <<'PY'
import sys
from pathlib import Path

import openleash_core

installed = Path(openleash_core.__file__).resolve()
assert Path(sys.prefix).resolve() in installed.parents, f"imported from {installed}"
print(f"openleash_core {openleash_core.__version__} from {installed.parent}")
PY

step "pytest against the installed package"
OPENLEASH_REPO="$root" "$python" -m pytest -q -p no:cacheprovider "$root/bindings-python/tests"

step "examples"
"$python" "$root/examples/python/guard_tools.py"
"$python" "$root/examples/python/proofs.py"

step "mypy --strict (examples and package)"
"$python" -m mypy --strict --cache-dir "$work/mypy-cache" "$root/examples/python/guard_tools.py" "$root/examples/python/proofs.py"
"$python" -m mypy --strict --cache-dir "$work/mypy-cache" -p openleash_core

step "stubtest: the stubs match the compiled module"
"$python" -m mypy.stubtest openleash_core
