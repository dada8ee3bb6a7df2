"""Validate batches with GX's pandas datasource, add the results up per suite, report, store.

Each suite is split by the ``batch`` its expectations read (landing: ``files``, ``rows``;
marts: ``events``, ``case_paths``, ``cases``) and every batch is validated on its own; the
per-batch results of an expectation are then added up (rows checked, failing rows, the files
or batches that failed). A ``mostly`` expectation is judged on the totals. The totals are what
the summary prints, what Data Docs shows (one validation page per suite) and what
``dq_validation_results`` keeps.
"""

from __future__ import annotations

import logging
import math
import numbers
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd

from . import rules

RESULTS_TABLE = "dq_validation_results"
RESULT_COLUMNS = {
    "run_id": "varchar", "run_at": "timestamp", "stage": "varchar", "suite_name": "varchar",
    "table_name": "varchar", "expectation_id": "varchar", "expectation_type": "varchar", "column_name": "varchar",
    "rule": "varchar", "severity": "varchar", "status": "varchar", "success": "boolean",
    "element_count": "bigint", "unexpected_count": "bigint", "unexpected_percent": "double",
    "observed_value": "varchar", "batch_count": "integer", "failing_batch_count": "integer",
    "failing_batches": "varchar", "message": "varchar",
    # what the run checked: the dbt invocation of the build (marts; NULL for the landing zone,
    # checked before any build) and the SHA-256 fingerprint of the landing zone (c2c.runstamp)
    "dbt_invocation_id": "varchar", "landing_zone_fingerprint": "varchar",
}
MAX_NAMED_BATCHES = 5
ROW_COUNT_RULE = "row count dropped against the previous run"


@dataclass
class Outcome:
    """One expectation of one suite, added up over the batches it was validated on."""

    suite: str
    table: str
    expectation: dict[str, Any]
    batches: int = 0
    element_count: int = 0
    unexpected_count: int = 0
    missing_count: int = 0
    observed: float | None = None
    failing: list[tuple[str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first_result: Any = None
    failed_result: Any = None

    @property
    def meta(self) -> dict[str, Any]:
        return self.expectation["meta"]

    @property
    def severity(self) -> str:
        return self.expectation["severity"]

    @property
    def type(self) -> str:
        return self.expectation["type"]

    @property
    def mostly(self) -> float | None:
        return self.expectation["kwargs"].get("mostly")

    @property
    def success(self) -> bool:
        if self.errors:
            return False
        if self.mostly is not None:
            checked = self.element_count - self.missing_count
            return checked == 0 or 1 - self.unexpected_count / checked >= self.mostly
        return not self.failing

    @property
    def failing_count(self) -> int:
        return sum(n for _, n in self.failing) if not self.success else 0

    def add(self, batch_name: str, result: Any, per_file: list[tuple[str, int]] | None = None) -> None:
        self.batches += 1
        if self.first_result is None:
            self.first_result = result
        res = result.result or {}
        self.element_count += int(res.get("element_count") or 0)
        self.unexpected_count += int(res.get("unexpected_count") or 0)
        self.missing_count += int(res.get("missing_count") or 0)
        observed = res.get("observed_value")
        if _is_number(observed) and not math.isnan(observed):
            self.observed = (self.observed or 0) + float(observed)
        if result.exception_info and result.exception_info.get("raised_exception"):
            self.errors.append(f"{batch_name}: {result.exception_info.get('exception_message')}")
        if not result.success:
            if self.failed_result is None:
                self.failed_result = result
            self.failing.extend(per_file or [(batch_name, failing_count(result, self.meta["rule"]))])

    def message(self) -> str:
        where = ", ".join(name for name, _ in self.failing[:MAX_NAMED_BATCHES])
        more = f" and {len(self.failing) - MAX_NAMED_BATCHES} more" if len(self.failing) > MAX_NAMED_BATCHES else ""
        what = f"{self.failing_count:,} failing"
        if self.mostly is not None:
            checked = self.element_count - self.missing_count
            what = (f"{self.unexpected_count:,} of {checked:,} outside the expected set "
                    f"({self.unexpected_count / max(checked, 1):.1%}, tolerated {1 - self.mostly:.0%})")
        text = f"{self.severity}: {self.meta['column']} {self.type} {what} [{self.meta['rule']}]"
        if where:
            text += f" in {where}{more}"
        if self.errors:
            text += f" ({self.errors[0]})"
        return text


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def failing_count(result: Any, rule: str) -> int:
    """Rows an expectation failed on in one batch (for a sum of malformed lines: the sum)."""
    res = result.result or {}
    if "unexpected_count" in res:
        return int(res["unexpected_count"] or 0)
    observed = res.get("observed_value")
    if rule != ROW_COUNT_RULE and _is_number(observed):
        return int(observed) or 1
    return 1


@dataclass
class SuiteRun:
    suite: dict[str, Any]
    table: str
    outcomes: dict[str, Outcome]
    skipped: str | None = None
    batches: int = 0
    rows: int = 0

    @property
    def name(self) -> str:
        return self.suite["name"]

    def failed(self, severity: str) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.severity == severity and not o.success]

    def summary(self) -> str:
        if self.skipped:
            return f"SKIPPED {self.name} ({self.table}): {self.skipped}"
        critical, warning = self.failed(rules.CRITICAL), self.failed(rules.WARNING)
        status = "FAILED " if critical else ("WARNING" if warning else "ok     ")
        head = f"{status} {self.name} ({self.table}): {len(self.outcomes)} expectations on {self.batches} batches"
        if not critical and not warning:
            return head + " passed"
        return head + " | " + " | ".join(o.message() for o in critical + warning)


class Validator:
    """A GX ephemeral context with one pandas datasource; validates DataFrames against suites."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        for name in ("great_expectations", "great_expectations._docs_decorators"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self.context.data_sources.add_pandas("c2c")
        self._definitions: dict[str, Any] = {}
        self._suites: dict[tuple[str, str], Any] = {}

    def _definition(self, asset: str):
        if asset not in self._definitions:
            self._definitions[asset] = self._source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe(
                "batch")
        return self._definitions[asset]

    def gx_suite(self, suite: dict[str, Any], batch: str):
        from great_expectations.core import ExpectationSuite

        key = (suite["name"], batch)
        if key not in self._suites:
            exps = [e for e in suite["expectations"] if e["meta"]["batch"] == batch]
            self._suites[key] = ExpectationSuite(name=f"{suite['name']}.{batch}", expectations=[dict(e) for e in exps])
        return self._suites[key]

    def validate(self, run: SuiteRun, batch: str, batch_name: str, df: pd.DataFrame, params: dict[str, Any]) -> None:
        gx_suite = self.gx_suite(run.suite, batch)
        if not gx_suite.expectations:
            return
        definition = self._definition(run.suite["name"])
        result = definition.get_batch(batch_parameters={"dataframe": df}).validate(
            gx_suite, result_format="SUMMARY", expectation_parameters=params)
        per_file: dict[str, list[tuple[str, int]]] = {}
        failed = {item.expectation_config.id for item in result.results if not item.success}
        if failed and "source_file" in df and df["source_file"].nunique() > 1:
            # several files in the batch: validate the failed expectations again, listing the file
            # of every failing row, to count the failures file by file
            from great_expectations.core import ExpectationSuite

            exps = [e for e in run.suite["expectations"] if e["id"] in failed]
            sub = ExpectationSuite(name=f"{gx_suite.name}.by_file", expectations=[dict(e) for e in exps])
            res = definition.get_batch(batch_parameters={"dataframe": df}).validate(
                sub, expectation_parameters=params,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["source_file"],
                               "return_unexpected_index_query": False})
            for item in res.results:
                rows = (item.result or {}).get("unexpected_index_list") or []
                if rows and isinstance(rows[0], dict):
                    counts = Counter(r["source_file"] for r in rows)
                    per_file[item.expectation_config.id] = sorted(counts.items())
        for item in result.results:
            run.outcomes[item.expectation_config.id].add(batch_name, item, per_file.get(item.expectation_config.id))
        run.batches += 1

    def write_docs(self, runs: list[SuiteRun], run_id: str, run_at: datetime, docs_dir: Path) -> Path:
        """One validation page per suite (the added-up results) and the suites, as a Data Docs
        site in docs_dir. Each call builds its site from a context of its own, so that the site
        of a stage holds that stage's suites and results only."""
        from great_expectations.core import ExpectationSuite
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResult, ExpectationValidationResult)
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier, ValidationResultIdentifier)

        docs_dir = Path(docs_dir).resolve()  # GX's site store takes absolute paths only
        docs_dir.mkdir(parents=True, exist_ok=True)
        site = "c2c_quality"
        context = self.gx.get_context(mode="ephemeral")
        context.variables.progress_bars = self.context.variables.progress_bars
        if site not in (context.get_site_names() or []):
            context.add_data_docs_site(site_name=site, site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
        run_identifier = RunIdentifier(run_name=run_id, run_time=run_at)
        for run in runs:
            if run.skipped:
                continue
            suite = ExpectationSuite(name=run.name, expectations=[dict(e) for e in run.suite["expectations"]],
                                     meta={k: v for k, v in run.suite["meta"].items() if k != "path"})
            try:
                context.suites.add(suite)
            except Exception:
                pass
            results = []
            for exp_id, outcome in run.outcomes.items():
                base = outcome.failed_result or outcome.first_result
                if base is None:
                    continue
                res = dict(base.result or {})
                if "element_count" in res:
                    res.update(element_count=outcome.element_count, unexpected_count=outcome.unexpected_count,
                               missing_count=outcome.missing_count,
                               unexpected_percent=100.0 * outcome.unexpected_count
                               / max(outcome.element_count - outcome.missing_count, 1))
                if outcome.observed is not None and "observed_value" in res:
                    res["observed_value"] = outcome.observed
                results.append(ExpectationValidationResult(
                    success=outcome.success, expectation_config=base.expectation_config, result=res,
                    meta={"severity": outcome.severity, "batches": outcome.batches,
                          "failing_batches": [f"{n}: {c}" for n, c in outcome.failing[:50]]}))
            ok = sum(r.success for r in results)
            stats = {"evaluated_expectations": len(results), "successful_expectations": ok,
                     "unsuccessful_expectations": len(results) - ok,
                     "success_percent": 100.0 * ok / len(results) if results else None}
            validation = ExpectationSuiteValidationResult(
                success=not run.failed(rules.CRITICAL), results=results, suite_name=run.name, statistics=stats,
                meta={"run_id": run_identifier, "active_batch_definition": {"datasource_name": "c2c",
                      "data_asset_name": run.table, "batch_definition_name": f"{run.batches} batches"},
                      "batch_spec": {"batches": run.batches}, "batch_markers": {}, "table": run.table})
            key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=run.name),
                                             run_id=run_identifier, batch_identifier=run.table.replace("/", "."))
            context.validation_results_store.set(key, validation)
        context.build_data_docs(site_names=[site])
        return docs_dir / "index.html"


@dataclass(frozen=True)
class Checked:
    """What a stage's run checked: the dbt invocation of the build and the landing zone."""

    dbt_invocation_id: str | None
    landing_zone_fingerprint: str | None

    def as_text(self) -> str:
        build = f"dbt invocation {self.dbt_invocation_id}" if self.dbt_invocation_id else "no build"
        zone = (f"landing zone sha256:{self.landing_zone_fingerprint[:12]}" if self.landing_zone_fingerprint
                else "landing zone unknown")
        return f"{build}, {zone}"


def new_run_id(now: datetime) -> tuple[str, datetime]:
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}", now


def result_rows(runs: Iterable[SuiteRun], stage: str, run_id: str, run_at: datetime,
                stamp: "Checked | None" = None) -> pd.DataFrame:
    rows = []
    for run in runs:
        if run.skipped:
            rows.append({"run_id": run_id, "run_at": run_at, "stage": stage, "suite_name": run.name,
                         "table_name": run.table, "expectation_id": None, "expectation_type": None,
                         "column_name": None, "rule": None, "severity": None, "status": "skipped", "success": None,
                         "element_count": None, "unexpected_count": None, "unexpected_percent": None,
                         "observed_value": None, "batch_count": 0, "failing_batch_count": 0,
                         "failing_batches": None, "message": run.skipped})
            continue
        for exp_id, o in run.outcomes.items():
            checked = o.element_count - o.missing_count
            rows.append({
                "run_id": run_id, "run_at": run_at, "stage": stage, "suite_name": run.name, "table_name": run.table,
                "expectation_id": exp_id, "expectation_type": o.type, "column_name": o.meta["column"],
                "rule": o.meta["rule"], "severity": o.severity,
                "status": "passed" if o.success else "failed", "success": o.success,
                "element_count": o.element_count, "unexpected_count": o.unexpected_count,
                "unexpected_percent": 100.0 * o.unexpected_count / checked if checked else None,
                "observed_value": None if o.observed is None else (
                    str(int(o.observed)) if float(o.observed).is_integer() else repr(float(o.observed))),
                "batch_count": o.batches, "failing_batch_count": len(o.failing),
                "failing_batches": "; ".join(f"{n}: {c}" for n, c in o.failing[:MAX_NAMED_BATCHES]) or None,
                "message": None if o.success else o.message()})
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    stamp = stamp or Checked(None, None)
    frame["dbt_invocation_id"] = pd.Series([stamp.dbt_invocation_id] * len(frame), dtype=object)
    frame["landing_zone_fingerprint"] = pd.Series([stamp.landing_zone_fingerprint] * len(frame), dtype=object)
    frame["run_at"] = pd.to_datetime(frame["run_at"], utc=True).dt.tz_localize(None)
    return frame


def store_results(db_path: Path, frame: pd.DataFrame) -> None:
    """Append to ``dq_validation_results`` in the DuckDB file (created when missing)."""
    import duckdb

    db_path.parent.mkdir(parents=True, exist_ok=True)
    columns = ", ".join(f"{c} {t}" for c, t in RESULT_COLUMNS.items())
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"create table if not exists main.{RESULTS_TABLE} ({columns})")
        for column, type_ in RESULT_COLUMNS.items():  # a table stored by an earlier version
            con.execute(f"alter table main.{RESULTS_TABLE} add column if not exists {column} {type_}")
        con.register("new_results", frame)
        con.execute(f"insert into main.{RESULTS_TABLE} by name select * from new_results")


def previous_row_counts(con) -> dict[str, float]:
    """Rows per landing table at the latest earlier run that counted them (none: no floor)."""
    from c2c.db import table_exists

    if con is None or not table_exists(con, RESULTS_TABLE):
        return {}
    rows = con.execute(
        "select suite_name, observed_value from (select suite_name, observed_value, row_number() over "
        "(partition by suite_name order by run_at desc, run_id desc) as recency "
        f"from main.{RESULTS_TABLE} where rule = ? and observed_value is not null) as runs where recency = 1",
        [ROW_COUNT_RULE]).fetchall()
    return {name: float(value) for name, value in rows}


def each_batch(items: Iterator, progress: Callable[[str], None] | None) -> Iterator:
    for item in items:
        if progress:
            progress(item[0])
        yield item
