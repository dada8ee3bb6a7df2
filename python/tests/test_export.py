"""c2c export xes / ocel: pm4py reads the files back with the counts of the database."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from c2c.db import connect_built
from c2c.cli import main
from c2c.export import ExportError, open_event_log, write_ocel, write_xes
from c2c.export.source import EVENT_LOG_COLUMNS

XES_NS = "{http://www.xes-standard.org/}"
EVENT_KEY = "activity_code || '|' || source_system || '|' || source_table || '|' || source_record_id"


@pytest.fixture(scope="module")
def built_log(built_default) -> Path:
    """The session build of the default landing zone: event_log and everything upstream, with
    their data tests."""
    return built_default


@pytest.fixture(scope="module")
def exported(built_log, tmp_path_factory):
    out = tmp_path_factory.mktemp("exported")
    files = {"xes": out / "log.xes", "sqlite": out / "log.sqlite", "json": out / "log.jsonocel"}
    with open_event_log(built_log) as con:
        write_xes(con, files["xes"])
        counts = write_ocel(con, files["sqlite"], "sqlite")
        assert write_ocel(con, files["json"], "json") == counts
    return files, counts


def _db(built_log):
    return connect_built(built_log)


def test_xes_round_trip_has_every_case_and_event_in_order(built_log, exported):
    import pm4py

    files, _ = exported
    log = pm4py.read_xes(str(files["xes"]), return_legacy_log_object=False)
    with _db(built_log) as con:
        db = con.sql("""
            select case_id, activity_code, event_timestamp, event_id from event_log
            order by case_id, event_timestamp, activity_order, event_id
        """).df()
    assert log["case:concept:name"].nunique() == db["case_id"].nunique()
    assert len(log) == len(db)
    # same events, same order within each case, same instants (UTC)
    read = log.sort_values("case:concept:name", kind="mergesort")
    assert read["event_id"].tolist() == db["event_id"].tolist()
    assert read["activity_code"].tolist() == db["activity_code"].tolist()
    expected_times = pd.to_datetime(db["event_timestamp"]).dt.tz_localize("UTC")
    assert (read["time:timestamp"].dt.tz_convert("UTC").to_numpy() == expected_times.to_numpy()).all()


def test_xes_declares_standard_extensions_and_classifiers(exported):
    files, _ = exported
    head = []
    for _, el in ET.iterparse(files["xes"], events=("start",)):
        if el.tag == f"{XES_NS}trace":
            break
        head.append(el)
    log = head[0]
    assert log.get("xes.version") == "1849-2016"
    prefixes = {el.get("prefix") for el in head if el.tag == f"{XES_NS}extension"}
    assert {"concept", "time", "org", "lifecycle"} <= prefixes
    classifiers = {el.get("name"): el.get("keys") for el in head if el.tag == f"{XES_NS}classifier"}
    assert classifiers == {"Activity": "concept:name", "Activity code": "activity_code"}
    text = files["xes"].read_text(encoding="utf-8")
    assert 'key="time:timestamp" value="20' in text and "+00:00\"/>" in text


def _tiny_log(path: Path, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows, columns=list(EVENT_LOG_COLUMNS))
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("create table event_log as select * from frame")


def _row(case_id, activity, code, ts, record, **kw):
    base = dict.fromkeys(EVENT_LOG_COLUMNS)
    base.update(event_id=f"{case_id}-{code}-{record}", case_id=case_id, company_code="ACME", invoice_id=case_id,
                customer_id="C1", activity=activity, activity_code=code, activity_order=10,
                event_timestamp=ts, resource="system", resource_type="system", source_system="d365",
                source_table="t", source_record_id=record)
    base.update(kw)
    return base


def test_xes_escapes_text_and_writes_gzip(tmp_path):
    import pm4py

    db = tmp_path / "tiny.duckdb"
    nasty = 'Tom & "Jerry" <ops>\nÉlodie'
    _tiny_log(db, [_row("acme:1", "Invoice Created", "INVOICE_CREATED", datetime(2024, 5, 1, 8, 30), "r1",
                        resource=nasty, reason_code="a<b&c", amount=12.5, dunning_level=None)])
    out = tmp_path / "tiny.xes.gz"
    with open_event_log(db) as con:
        assert write_xes(con, out) == {"cases": 1, "events": 1}
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        ET.parse(fh)  # well-formed
    log = pm4py.read_xes(str(out), return_legacy_log_object=False)
    assert log.loc[0, "org:resource"] == nasty
    assert log.loc[0, "reason_code"] == "a<b&c"
    assert log.loc[0, "amount"] == 12.5


def _ocel_readers():
    import pm4py

    return {"sqlite": pm4py.read_ocel2_sqlite, "json": pm4py.read_ocel2_json}


@pytest.mark.parametrize("fmt", ["sqlite", "json"])
def test_ocel_round_trip_counts_equal_the_database(built_log, exported, fmt):
    files, counts = exported
    ocel = _ocel_readers()[fmt](str(files[fmt]))
    with _db(built_log) as con:
        real_events = con.execute(f"select count(distinct {EVENT_KEY}) from event_log").fetchone()[0]
        cases = con.execute("select count(distinct case_id) from event_log").fetchone()[0]
        openers = dict(con.execute("""
            select case
                when activity_code = 'PAYMENT_RECEIVED' then 'payment'
                when activity_code like 'DUNNING_LETTER_%' then 'dunning letter'
                when activity_code = 'DISPUTE_OPENED' then 'dispute'
                when activity_code = 'PROMISE_TO_PAY_MADE' then 'promise to pay'
                when activity_code = 'CREDIT_LIMIT_REQUESTED' then 'credit review' end,
                count(distinct source_system || source_table || source_record_id)
            from event_log
            where activity_code in ('PAYMENT_RECEIVED', 'DISPUTE_OPENED', 'PROMISE_TO_PAY_MADE', 'CREDIT_LIMIT_REQUESTED')
               or activity_code like 'DUNNING_LETTER_%'
            group by 1
        """).fetchall())
        invoice_links = con.execute(f"""
            select count(*) from (select distinct {EVENT_KEY}, case_id from event_log
                                  where activity_code not like 'CREDIT_LIMIT_%')
        """).fetchone()[0]
    assert len(ocel.events) == real_events == counts["events"]
    assert len(ocel.objects) == counts["objects"]
    assert len(ocel.relations) == counts["event_object"]
    assert len(ocel.o2o) == counts["object_object"]
    by_type = ocel.objects["ocel:type"].value_counts().to_dict()
    assert by_type["invoice"] == cases
    for object_type, n in openers.items():
        assert by_type[object_type] >= n, object_type  # closings without an opening get an object of their own
    assert set(by_type) == {"invoice", "customer", "payment", "dunning letter", "dispute", "promise to pay",
                            "credit review"}
    assert (ocel.relations["ocel:type"] == "invoice").sum() == invoice_links
    assert ocel.events["ocel:eid"].is_unique


@pytest.mark.parametrize("fmt", ["sqlite", "json"])
def test_a_receipt_paying_several_invoices_is_one_event_with_each_invoice(built_log, exported, fmt):
    files, _ = exported
    ocel = _ocel_readers()[fmt](str(files[fmt]))
    with _db(built_log) as con:
        shared = con.sql(f"""
            select {EVENT_KEY} as event_key, list(distinct case_id order by case_id) as cases
            from event_log where activity_code = 'PAYMENT_RECEIVED'
            group by 1 having count(distinct case_id) >= 2
        """).fetchall()
    assert shared, "the simulated zone has no receipt that pays several invoices"
    relations = ocel.relations
    for event_key, cases in shared:
        rows = relations[relations["ocel:eid"] == event_key]
        assert sorted(rows.loc[rows["ocel:type"] == "invoice", "ocel:oid"]) == cases
        assert (rows["ocel:type"] == "payment").sum() == 1
        assert (ocel.events["ocel:eid"] == event_key).sum() == 1


def test_credit_events_relate_to_customer_and_review_not_to_an_invoice(exported):
    files, _ = exported
    ocel = _ocel_readers()["sqlite"](str(files["sqlite"]))
    credit = ocel.relations[ocel.relations["ocel:activity"].str.startswith("Credit Limit")]
    assert not credit.empty
    assert set(credit["ocel:type"]) == {"customer", "credit review"}
    decided = credit[credit["ocel:activity"] != "Credit Limit Requested"]
    requested = credit[credit["ocel:activity"] == "Credit Limit Requested"]
    # a decision belongs to a review that was requested
    reviews = set(requested.loc[requested["ocel:type"] == "credit review", "ocel:oid"])
    assert set(decided.loc[decided["ocel:type"] == "credit review", "ocel:oid"]) <= reviews


def test_cli_exports_and_reports_counts(built_log, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(built_log))
    assert main(["export", "xes", "--out", str(tmp_path / "a.xes"), "--quiet"]) == 0
    assert main(["export", "ocel", "--format", "json", "--out", str(tmp_path / "a.json"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "cases and" in out and "events," in out
    assert (tmp_path / "a.xes").stat().st_size > 0 and (tmp_path / "a.json").stat().st_size > 0


def test_cli_errors_are_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    assert main(["export", "xes", "--out", str(tmp_path / "x.xes")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "missing.duckdb does not exist" in err

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(empty))
    assert main(["export", "ocel", "--out", str(tmp_path / "x.sqlite")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "has no table event_log" in err

    assert main(["export", "ocel", "--format", "csv"]) == 2
    assert "invalid choice: 'csv'" in capsys.readouterr().err
    assert main(["export", "xes", "--out", str(tmp_path / "no" / "x.xes")]) == 2


def test_event_log_without_a_column_is_named(tmp_path):
    db = tmp_path / "partial.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table event_log (case_id varchar, activity varchar)")
    with pytest.raises(ExportError, match="has no column 'event_id'"):
        open_event_log(db)
