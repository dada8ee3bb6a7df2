"""The Data Docs of both stages, side by side: one GX site per stage and an index linking them.

``<docs_dir>/landing/`` and ``<docs_dir>/marts/`` are Great Expectations Data Docs sites, each
rebuilt by a run of its own stage only, so a run of one stage never touches the other's pages.
``<docs_dir>/index.html`` links both, with each stage's latest run, what it checked (the dbt
invocation and the landing-zone fingerprint) and its number of pages. Each site keeps the
facts of its latest run in ``c2c_run.json`` for that index.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

STAGES = ("landing", "marts")
RUN_FILE = "c2c_run.json"
_TITLES = {"landing": "Landing zone (before the build)", "marts": "Marts (after the build)"}


def stage_dir(docs_dir: Path, stage: str) -> Path:
    return Path(docs_dir) / stage


def page_counts(docs_dir: Path) -> dict[str, int]:
    """HTML pages of each stage's Data Docs site (0 for a stage not run yet)."""
    return {stage: sum(1 for _ in stage_dir(docs_dir, stage).rglob("*.html")) for stage in STAGES}


def write_run_info(docs_dir: Path, stage: str, run_id: str, run_at: datetime, checked, suites: int,
                   critical: int, warnings: int) -> None:
    info = {"run_id": run_id, "run_at": run_at.strftime("%Y-%m-%d %H:%M:%S UTC"), "suites": suites,
            "critical_failures": critical, "warnings": warnings, "dbt_invocation_id": checked.dbt_invocation_id,
            "landing_zone_fingerprint": checked.landing_zone_fingerprint}
    (stage_dir(docs_dir, stage) / RUN_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def write_index(docs_dir: Path) -> Path:
    """Write ``<docs_dir>/index.html``, linking the site of every stage; returns its path."""
    docs_dir = Path(docs_dir)
    docs_dir.mkdir(parents=True, exist_ok=True)
    counts = page_counts(docs_dir)
    rows = []
    for stage in STAGES:
        site = stage_dir(docs_dir, stage)
        info_path = site / RUN_FILE
        if not (site / "index.html").is_file() or not info_path.is_file():
            rows.append(f"<tr><td>{_TITLES[stage]}</td><td colspan='5'>not run yet "
                        f"(<code>c2c quality --stage {stage}</code>)</td></tr>")
            continue
        info = json.loads(info_path.read_text(encoding="utf-8"))
        esc = {k: html.escape(str(v)) if v is not None else "&mdash;" for k, v in info.items()}
        rows.append(
            f"<tr><td><a href='{stage}/index.html'>{_TITLES[stage]}</a></td><td>{esc['run_id']}<br>{esc['run_at']}</td>"
            f"<td>{esc['suites']} suites, {esc['critical_failures']} critical failures, {esc['warnings']} warnings</td>"
            f"<td><code>{esc['dbt_invocation_id']}</code></td><td><code>{esc['landing_zone_fingerprint']}</code></td>"
            f"<td>{counts[stage]}</td></tr>")
    page = ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>credit-to-cash data quality"
            "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.4em .6em;text-align:left;vertical-align:top}</style></head>"
            "<body><h1>credit-to-cash data quality</h1><p>The Great Expectations Data Docs of the latest run of "
            "each stage of <code>c2c quality</code>.</p><table><tr><th>Stage</th><th>Latest run</th>"
            "<th>Result</th><th>dbt invocation checked</th><th>Landing-zone fingerprint (SHA-256)</th>"
            "<th>Pages</th></tr>\n" + "\n".join(rows) + "\n</table></body></html>\n")
    index = docs_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
