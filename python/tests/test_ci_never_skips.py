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
                "python/tests/test_pm_crosscheck.py::test_real_log_loaded_with_byo_log_equals_pm4py",
                "python/tests/test_pm_crosscheck.py::test_the_same_log_as_xes_and_as_csv_reads_as_the_same_events"]


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


def test_browser_tests_without_chromium_skip_outside_ci_and_fail_under_ci(tmp_path):
    """No Chromium (C2C_CHROMIUM names a missing file): the report's browser tests skip with how to
    get it, and fail under CI=true before any landing zone is built."""
    for ci in (False, True):
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
        env["C2C_CHROMIUM"] = str(tmp_path / "no_chromium")
        if ci:
            env["CI"] = "true"
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfs", "-q",
                               "--basetemp", str(tmp_path / ("ci" if ci else "local")),
                               "python/tests/test_report_browser.py"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|error)", proc.stdout)}
        if ci:
            assert proc.returncode == 1 and counts.get("passed", 0) == 0 \
                and counts.get("failed", 0) + counts.get("error", 0) == 10, \
                proc.stdout[-3000:]
            assert "cannot run under CI=true" in proc.stdout and "apt-get install chromium" in proc.stdout
            assert not (tmp_path / "ci" / "session" / "built_default.done").exists(), "it built before failing"
        else:
            # a module skipped whole: pytest exits 5 (no test ran) when it is alone on the command line
            assert proc.returncode in (0, 5) and counts == {"skipped": 1}, proc.stdout[-3000:]
            assert "apt-get install chromium" in proc.stdout
