"""`c2c report`: one self-contained HTML file from a built database.

build_data(con, language) gathers every section's figures (one module per section: overview,
process_map, conformance, collections, quality) into one dict; render(data) writes them as one
JSON blob into the page template (assets/report.html) with the stylesheet, the page's script and
the vendored libraries (vendor/: Chart.js, dagre) inlined, so that the file opens offline. The
same build gives the same bytes: nothing in the page depends on the time it was written, only on
the database (and its run stamp).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from c2c.db import connect_built, table_exists
from c2c.runstamp import RunStampMissing, read_run_stamp

from . import collections, conformance, overview, process_map, quality
from ._sql import rows

LANGUAGES = ("en", "fr")
VENDOR_SCRIPTS = ("chart.umd.min.js", "dagre.min.js")


class ReportError(RuntimeError):
    """The database cannot be reported on (missing, or not a build of this project)."""


def activity_labels(con) -> dict[str, dict[str, str]]:
    """{code: {"en": label, "fr": label}} from the seed activity_catalogue; activities not in the
    catalogue (an own event log) keep their name in both languages."""
    labels: dict[str, dict[str, str]] = {}
    if table_exists(con, "pm_activity_stats"):
        for row in rows(con, "select activity_code, activity from pm_activity_stats order by activity_code"):
            labels[row["activity_code"]] = {"en": row["activity"], "fr": row["activity"]}
    if table_exists(con, "activity_catalogue"):
        for row in rows(con, "select activity_code, label_en, label_fr from activity_catalogue order by activity_code"):
            labels[row["activity_code"]] = {"en": row["label_en"], "fr": row["label_fr"] or row["label_en"]}
    return labels


def run_stamp(con) -> dict:
    try:
        stamp = read_run_stamp(con)
    except RunStampMissing as exc:
        import c2c

        return {"text": f"no run stamp: {exc} · c2c {c2c.__version__}", "fields": {}}
    return {"text": stamp.as_text(), "fields": stamp.as_dict()}


def build_data(con, language: str = "en") -> dict:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return {
        "language": language,
        "stamp": run_stamp(con),
        "labels": activity_labels(con),
        "overview": overview.build(con),
        "process_map": process_map.build(con),
        "conformance": conformance.build(con),
        "precursors": collections.precursors(con),
        "promises": collections.promises(con),
        "disputes": collections.disputes(con),
        "cash_application": collections.cash_application(con),
        "collectors": collections.collectors(con),
        "quality": quality.build(con),
    }


def _asset(*parts: str) -> str:
    return resources.files(__package__).joinpath(*parts).read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    """Text that can stand inside <script>: no `</` that could close it."""
    return text.replace("</", "<\\/")


def render(data: dict) -> str:
    """The page: the template with the data blob, the style and the scripts inlined."""
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    vendor = "\n".join(f"<script>\n{_script_safe(_asset('vendor', name))}\n</script>" for name in VENDOR_SCRIPTS)
    page = _asset("assets", "report.html")
    for marker, text in (("/*@STYLE@*/", _asset("assets", "report.css")),
                         ("<!--@VENDOR@-->", vendor),
                         ("/*@DATA@*/", _script_safe(blob)),
                         ("/*@SCRIPT@*/", _script_safe(_asset("assets", "report.js"))),
                         ("@LANG@", data["language"])):
        if marker not in page:
            raise ReportError(f"the report template assets/report.html lacks the marker {marker}")
        page = page.replace(marker, text)
    return page


def write_report(db_path: str | Path, out: str | Path, language: str = "en") -> dict:
    """Write the report of the database at db_path to out; returns {"bytes", "stamp"}."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise ReportError(f"database {db_path}: no such file (build it with `dbt build` or `c2c byo-log` first)")
    with connect_built(db_path) as con:
        if not table_exists(con, "event_log"):
            raise ReportError(f"database {db_path}: no table event_log; it is not a build of this project")
        data = build_data(con, language)
    page = render(data).encode("utf-8")
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(page)
    tmp.replace(out)
    return {"bytes": len(page), "stamp": data["stamp"]["text"]}
