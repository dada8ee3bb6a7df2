"""The project's contract agrees with the shared, authoritative one (../shared/contracts/raw_sources.yml).

The shared folder sits beside the project on the maintainers' machines and in CI, not on users'
machines: there the tests skip, saying why. In CI (CI=true) a missing shared contract is a
failure, not a skip, so that the comparison cannot silently stop running (conftest's
require_input; test_ci_never_skips runs these tests without the folder).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from c2c.contract import COPY_PATH
from c2c.contract.compare import differences
from c2c.contract.spec import load_spec

from .conftest import SHARED, require_input

SHARED_CONTRACT = SHARED / "contracts" / "raw_sources.yml"


def shared_contract_text(path: Path = SHARED_CONTRACT) -> str:
    return require_input(path, "the shared contract (the shared folder exists beside the project only on the "
                         "maintainers' machines and in CI; nothing to compare the project's contract with)"
                         ).read_text(encoding="utf-8")


def test_project_copy_is_the_shared_contract():
    shared = shared_contract_text()
    assert COPY_PATH.read_text(encoding="utf-8") == shared, (
        f"{COPY_PATH} differs from {SHARED_CONTRACT}: copy the shared contract again, then bring "
        "python/c2c/contract/spec.yml in line (test_contract_drift) and run `c2c contract generate`")


def test_structured_contract_agrees_with_the_shared_contract():
    found = differences(load_spec(), shared_contract_text(), name=str(SHARED_CONTRACT))
    assert not found, "the structured contract and the shared contract disagree:\n" + "\n".join(found)


def test_a_missing_shared_contract_skips_outside_ci_and_fails_in_ci(tmp_path, monkeypatch):
    missing = tmp_path / "shared" / "contracts" / "raw_sources.yml"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="absent"):
        shared_contract_text(missing)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing: .*CI=true"):
        shared_contract_text(missing)
