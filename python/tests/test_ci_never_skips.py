"""Under CI=true no test skips for a missing input: it fails and says what is missing.

Runs the tests that read the shared folder beside the project (../shared: the shared contract,
the public real-life logs) in a pytest of their own with that folder pointed elsewhere
(C2C_SHARED_DIR): outside CI they skip, saying why; under CI=true each of them fails with the
reason (conftest's require_input and its skip-to-failure hook)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from .conftest import REPO

NEEDS_SHARED = ["python/tests/test_contract_shared.py",
                "python/tests/test_pm_crosscheck.py::test_real_log_loaded_with_byo_log_equals_pm4py"]


def _pytest(tmp_path, ci: bool) -> tuple[int, str, dict[str, int]]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    env["C2C_SHARED_DIR"] = str(tmp_path / "no_shared_folder")
    if ci:
        env["CI"] = "true"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfs", "-q",
                           "--basetemp", str(tmp_path / ("ci" if ci else "local")), *NEEDS_SHARED],
                          cwd=REPO, env=env, capture_output=True, text=True)
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|error)", proc.stdout)}
    return proc.returncode, proc.stdout, counts


def test_a_missing_shared_folder_skips_outside_ci_and_fails_under_ci(tmp_path):
    code, out, counts = _pytest(tmp_path, ci=False)
    assert code == 0 and counts == {"passed": 1, "skipped": 5}, out[-3000:]
    assert "is absent" in out and "raw_sources.yml" in out and "helpdesk.xes.gz" in out, out[-3000:]
    code, out, counts = _pytest(tmp_path, ci=True)
    assert code == 1 and counts == {"passed": 1, "failed": 5}, out[-3000:]
    assert out.count("every input must be present") >= 5, out[-3000:]
    assert "no_shared_folder" in out
