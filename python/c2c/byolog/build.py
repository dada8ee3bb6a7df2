"""Load an event table into the DuckDB file and build event_log and the process-mining marts on it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from c2c.runstamp import git_commit

# The table c2c byo-log writes (dbt source byo.byo_event_log) and the var that makes event_log read it.
BYO_TABLE = "main.byo_event_log"
BYO_VARS = "{event_log_source: byo}"
# First the loaded log as event_log (run: event_log's data tests are about the D365 / HighRadius
# columns a loaded log does not have), then the process-mining marts with their tests.
LOG_MODELS = ("stg_byo__event_log", "event_log")
# The SQL process-mining marts, the discovered model, the temporal profile (pm4py's, checked on every
# case in SQL) and the run stamp, with their tests.
MART_NODES = ("stg_byo__event_log", "activity_catalogue", "int_event_log_activities", "int_event_log_sequenced",
              "int_case_variants", "pm_variants", "pm_variant_steps", "pm_dfg_edges", "pm_activity_stats",
              "pm_discovered_model", "pm_temporal_profile", "pm_temporal_deviations", "pm_temporal_profile_summary",
              "run_stamp")
# Then the conformance of every variant, against the BPMN model given (--normative-model) or else the
# model just discovered (written to a file beside the database by write_discovered_bpmn).
CONFORMANCE_NODES = ("pm_variant_conformance",)


def byo_vars(normative_bpmn: Path, noise_threshold: float) -> str:
    """The --vars of every dbt step of a byo build (the same in each step, so dbt parses once)."""
    import json

    return json.dumps({"event_log_source": "byo", "normative_bpmn_path": str(normative_bpmn),
                       "im_noise_threshold": noise_threshold}, sort_keys=True)


def discovered_bpmn_path(db_path: Path) -> Path:
    """Where a byo build keeps the BPMN of its discovered model: beside the database."""
    return db_path.with_name(db_path.stem + ".discovered.bpmn")


def write_discovered_bpmn(db_path: Path, out: Path) -> bool:
    """Write the BPMN text of pm_discovered_model to out; False when the log gave no model."""
    from c2c.db import connect_built

    with connect_built(db_path) as con:
        rows = con.execute("select bpmn_xml from pm_discovered_model").fetchall()
    if not rows or not rows[0][0]:
        return False
    out.write_text(rows[0][0], encoding="utf-8")
    return True


def project_dir() -> Path:
    """The dbt project this package belongs to (the repository root of an editable install), else the cwd."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "dbt_project.yml").is_file():
            return parent
    return Path.cwd()


def load_events(events: pd.DataFrame, db_path: Path) -> int:
    """Replace the table byo_event_log of the DuckDB file with ``events``; returns the row count."""
    import duckdb

    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        con.register("byo_events", events)
        con.execute(f"""
            create or replace table {BYO_TABLE} as
            select
                cast(event_index as bigint) as event_index,
                cast(case_id as varchar) as case_id,
                cast(activity as varchar) as activity,
                cast(event_timestamp as timestamp) as event_timestamp,
                cast(resource as varchar) as resource,
                cast(source_file as varchar) as source_file
            from byo_events
            order by event_index
        """)
        con.unregister("byo_events")
        return con.execute(f"select count(*) from {BYO_TABLE}").fetchone()[0]


def run_dbt(args: Sequence[str], db_path: Path, project: Path, target: str | None,
            on_line: Callable[[str], None] | None = None, dbt_vars: str = BYO_VARS) -> tuple[int, list[str]]:
    """Run the venv's dbt with the byo vars on the DuckDB file; returns (exit code, output lines)."""
    dbt = Path(sys.executable).parent / "dbt"
    cmd = [str(dbt), *args, "--vars", dbt_vars, "--profiles-dir", str(project), "--project-dir", str(project)]
    if target:
        cmd += ["--target", target]
    env = dict(os.environ, C2C_DUCKDB_PATH=str(db_path), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    env.setdefault("C2C_COMMIT", git_commit(project))
    lines: list[str] = []
    with subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = re.sub(r"\x1b\[[0-9;]*m", "", line.rstrip("\n"))
            lines.append(line)
            if on_line is not None:
                on_line(line)
        code = proc.wait()
    return code, lines


def dbt_failures(lines: Sequence[str]) -> list[str]:
    """The lines of a dbt log that say what failed."""
    keep = [ln.split("  ", 1)[-1].strip() for ln in lines
            if re.search(r"\b(Error|ERROR|Failure|FAIL)\b", ln) and "Completed with" not in ln]
    return keep[-12:] or [ln.strip() for ln in lines[-8:]]
