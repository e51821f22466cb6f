"""Shared fixtures. The suite tests the installed package: it refuses to run
against the source tree, so a wheel that lacks a file fails here."""

from __future__ import annotations

import sys
from pathlib import Path

import openleash_core
import pytest

from support import POLICY_YAML


def pytest_sessionstart(session: pytest.Session) -> None:
    installed = Path(openleash_core.__file__).resolve()
    prefix = Path(sys.prefix).resolve()
    if prefix not in installed.parents:
        raise pytest.UsageError(
            f"openleash_core was imported from {installed}, not from the virtual environment "
            f"{prefix}: run the suite against the installed wheel (scripts/test-python.sh)"
        )


@pytest.fixture(scope="session")
def policy() -> openleash_core.Policy:
    return openleash_core.Policy.from_yaml(POLICY_YAML)
