"""The package's runtime dependencies hold no test or lint tool; those are the dev extra."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {"pytest", "sqlfluff", "sqlfluff-templater-dbt"}


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def test_test_and_lint_tools_are_only_in_the_dev_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"])
    dev = _names(project["optional-dependencies"]["dev"])
    assert not runtime & TEST_TOOLS, f"test or lint tools among the runtime dependencies: {sorted(runtime & TEST_TOOLS)}"
    assert TEST_TOOLS <= dev, f"missing from the dev extra: {sorted(TEST_TOOLS - dev)}"


def test_make_test_installs_the_dev_extra_and_make_demo_does_not():
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(r"^\$\(DEV_INSTALLED\):.*\n((?:\t.*\n)+)", makefile, re.M)
    assert rule and "'.[dev]'" in rule.group(1), "no rule installs the dev extra"
    targets = {m.group(1): m.group(2) for m in re.finditer(r"^([a-z-]+):\s*(.*)$", makefile, re.M)}
    for target in ("test", "pytest", "lint"):
        assert "$(DEV_INSTALLED)" in targets[target], f"make {target} does not install the dev extra"
    assert "$(DEV_INSTALLED)" not in targets["demo"], "make demo installs the test tools"
