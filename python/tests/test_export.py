"""c2c export xes / ocel: pm4py reads the files back with the counts of the database, and a
hand-made log gives the objects and relationships counted by hand."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
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

REPO_ROOT = Path(__file__).resolve().parents[2]

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


def con_customers(built_log) -> int:
    with connect_built(built_log) as con:
        return con.execute("select count(distinct lower(company_code) || ':' || customer_id) from event_log "
                           "where customer_id is not null").fetchone()[0]


CLOSERS = {"payment": "'PAYMENT_POSTED'", "dispute": "'DISPUTE_RESOLVED'",
           "promise to pay": "'PROMISE_TO_PAY_KEPT', 'PROMISE_TO_PAY_BROKEN'",
           "credit review": "'CREDIT_LIMIT_APPROVED', 'CREDIT_LIMIT_REJECTED'", "dunning letter": "''"}


def closers_without_opener(built_log, object_type: str) -> int:
    """Closing records of the type beyond the openings of their invoice (an upper bound of the
    objects of their own that closings get)."""
    openers = {"payment": "'PAYMENT_RECEIVED'", "dispute": "'DISPUTE_OPENED'", "promise to pay": "'PROMISE_TO_PAY_MADE'",
               "credit review": "'CREDIT_LIMIT_REQUESTED'", "dunning letter": "''"}[object_type]
    with connect_built(built_log) as con:
        return con.execute(f"""
            select coalesce(sum(greatest(closings - openings, 0)), 0) from (
                select case_id,
                    count(distinct case when activity_code in ({CLOSERS[object_type]})
                          then source_system || source_table || source_record_id end) as closings,
                    count(distinct case when activity_code in ({openers})
                          then source_system || source_table || source_record_id end) as openings
                from event_log group by case_id)
        """).fetchone()[0]


# A log small enough to know its OCEL by hand: invoices acme:1 and acme:2 of customer C1; one
# receipt R1 paying both (a copy in each case: one event); a letter L1; dispute D1 opened and
# resolved (the same HighRadius record: one object); dispute D9 resolved in acme:2 without an
# opening (an object of its own); a credit review requested and approved (a record each, paired
# in the invoice: one object, related to the customer, not to an invoice).
HAND_EVENTS = [
    ("acme:1", "Invoice Created", "INVOICE_CREATED", datetime(2024, 5, 1, 8), "d365", "custinvoicejour", "inv1"),
    ("acme:2", "Invoice Created", "INVOICE_CREATED", datetime(2024, 5, 1, 9), "d365", "custinvoicejour", "inv2"),
    ("acme:1", "Payment Received", "PAYMENT_RECEIVED", datetime(2024, 6, 1), "highradius", "hr_payment", "R1"),
    ("acme:2", "Payment Received", "PAYMENT_RECEIVED", datetime(2024, 6, 1), "highradius", "hr_payment", "R1"),
    ("acme:1", "Dunning Letter 1 Sent", "DUNNING_LETTER_1_SENT", datetime(2024, 5, 20), "highradius",
     "hr_correspondence", "L1"),
    ("acme:1", "Dispute Opened", "DISPUTE_OPENED", datetime(2024, 5, 10), "highradius", "hr_dispute", "D1"),
    ("acme:1", "Dispute Resolved", "DISPUTE_RESOLVED", datetime(2024, 5, 15), "highradius", "hr_dispute", "D1"),
    ("acme:2", "Dispute Resolved", "DISPUTE_RESOLVED", datetime(2024, 5, 16), "highradius", "hr_dispute", "D9"),
    ("acme:1", "Credit Limit Requested", "CREDIT_LIMIT_REQUESTED", datetime(2024, 4, 1), "d365",
     "credmancreditlimitadjtable", "CR1"),
    ("acme:1", "Credit Limit Approved", "CREDIT_LIMIT_APPROVED", datetime(2024, 4, 2), "d365",
     "workflowtrackingtable", "WF1"),
]
# counted by hand from the rules of c2c.export.ocel
HAND_EVENT_COUNT = 9  # the receipt's two copies are one event
HAND_OBJECTS = {"invoice": 2, "customer": 1, "payment": 1, "dunning letter": 1, "dispute": 2, "credit review": 1}
# invoice created: invoice + customer (2 x 2); receipt: 2 invoices + payment (3); letter, dispute
# opened, D1 resolved, D9 resolved: invoice + object (4 x 2); credit requested and approved:
# customer + review (2 x 2)
HAND_EVENT_OBJECT = 4 + 3 + 8 + 4
# billed to (2 invoices), the receipt pays 2 invoices, letter, D1, D9 each 1 invoice, review -> customer
HAND_OBJECT_OBJECT = 2 + 2 + 1 + 1 + 1 + 1


@pytest.fixture
def hand_log(tmp_path) -> Path:
    db = tmp_path / "hand.duckdb"
    _tiny_log(db, [_row(case, activity, code, ts, record, source_system=system, source_table=table,
                        customer_id="C1", invoice_id=case.split(":")[1])
                   for case, activity, code, ts, system, table, record in HAND_EVENTS])
    return db


@pytest.mark.parametrize("fmt", ["sqlite", "json"])
def test_ocel_of_a_hand_made_log_has_the_objects_and_relations_counted_by_hand(hand_log, tmp_path, fmt):
    out = tmp_path / f"hand.{fmt}"
    with open_event_log(hand_log) as con:
        write_ocel(con, out, fmt)
    ocel = _ocel_readers()[fmt](str(out))
    assert len(ocel.events) == HAND_EVENT_COUNT
    assert ocel.objects["ocel:type"].value_counts().to_dict() == HAND_OBJECTS
    assert len(ocel.relations) == HAND_EVENT_OBJECT
    assert len(ocel.o2o) == HAND_OBJECT_OBJECT
    receipt = ocel.relations[ocel.relations["ocel:activity"] == "Payment Received"]
    assert sorted(receipt["ocel:oid"]) == ["acme:1", "acme:2", "payment:highradius:hr_payment:R1"]
    disputes = ocel.relations[ocel.relations["ocel:type"] == "dispute"]
    assert dict(zip(disputes["ocel:eid"].str.split("|").str[-1], disputes["ocel:oid"])) == {
        "D1": "dispute:highradius:hr_dispute:D1", "D9": "dispute:highradius:hr_dispute:D9"}
    review = ocel.relations[ocel.relations["ocel:type"] == "credit review"]
    assert set(review["ocel:oid"]) == {"credit review:d365:credmancreditlimitadjtable:CR1"}
    assert len(review) == 2


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
    customers = con_customers(built_log)
    assert len(ocel.events) == real_events
    by_type = ocel.objects["ocel:type"].value_counts().to_dict()
    assert set(by_type) == {"invoice", "customer", "payment", "dunning letter", "dispute", "promise to pay",
                            "credit review"}
    assert by_type["invoice"] == cases and by_type["customer"] == customers
    # a record object per opening record; a closing event without an opening of its own (in
    # its invoice) gets one too: the exact rule is checked on the hand-made log below
    for object_type, n in openers.items():
        assert n <= by_type[object_type] <= n + closers_without_opener(built_log, object_type), object_type
    # the numbers the writer reports are those of the file
    assert counts["events"] == len(ocel.events) and counts["objects"] == len(ocel.objects)
    assert counts["event_object"] == len(ocel.relations) and counts["object_object"] == len(ocel.o2o)
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


def test_cli_reports_the_counts_of_a_hand_made_log_exactly(hand_log, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(hand_log))
    xes, ocel = tmp_path / "a.xes", tmp_path / "a.json"
    assert main(["export", "xes", "--out", str(xes), "--quiet"]) == 0
    assert main(["export", "ocel", "--format", "json", "--out", str(ocel), "--quiet"]) == 0
    lines = [re.sub(r" in [0-9.]+ s$", "", line) for line in capsys.readouterr().out.strip().splitlines()]
    assert lines == [
        f"wrote 2 cases and 10 events to {xes}",
        f"wrote 9 events, 8 objects (1 credit review, 1 customer, 2 dispute, 1 dunning letter, 2 invoice, "
        f"1 payment), 19 event-object and 8 object-object relationships to {ocel}",
    ]


def test_cli_reports_the_counts_of_the_database_and_of_the_files(built_log, exported, tmp_path, monkeypatch, capsys):
    """The printed numbers are the database's (cases, events) and those of the OCEL files, which
    test_ocel_round_trip_counts_equal_the_database reads back with pm4py (`exported`)."""
    _, counts = exported
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(built_log))
    xes, ocel = tmp_path / "a.xes", tmp_path / "a.json"
    assert main(["export", "xes", "--out", str(xes), "--quiet"]) == 0
    assert main(["export", "ocel", "--format", "json", "--out", str(ocel), "--quiet"]) == 0
    first, second = capsys.readouterr().out.strip().splitlines()
    number = r"([0-9,]+)"
    found = re.match(rf"wrote {number} cases and {number} events to {re.escape(str(xes))} in [0-9.]+ s$", first)
    assert found, first
    cases, events = (int(n.replace(",", "")) for n in found.groups())
    found = re.match(rf"wrote {number} events, {number} objects \((.*)\), {number} event-object and {number} "
                     rf"object-object relationships to {re.escape(str(ocel))} in [0-9.]+ s$", second)
    assert found, second
    o_events, objects, types, e2o, o2o = found.groups()
    with _db(built_log) as con:
        assert (cases, events) == con.execute("select count(distinct case_id), count(*) from event_log").fetchone()
        assert int(o_events.replace(",", "")) == con.execute(
            f"select count(distinct {EVENT_KEY}) from event_log").fetchone()[0]
    by_type = {t: int(n.replace(",", "")) for n, t in re.findall(r"([0-9,]+) ([a-z ]+)", types)}
    assert by_type == {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("objects:")}
    assert by_type["invoice"] == cases and sum(by_type.values()) == int(objects.replace(",", ""))
    assert [int(n.replace(",", "")) for n in (o_events, objects, e2o, o2o)] == [
        counts["events"], counts["objects"], counts["event_object"], counts["object_object"]]


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


def test_french_labels_in_xes_and_ocel_are_the_catalogue_s(built_log, exported, tmp_path, monkeypatch):
    """--language fr: the same events, labelled with activity_catalogue.label_fr (event_log.activity_fr)."""
    import csv

    with (REPO_ROOT / "seeds" / "activity_catalogue.csv").open(encoding="utf-8") as handle:
        french = {row["activity_code"]: row["label_fr"] for row in csv.DictReader(handle)}
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(built_log))
    xes, ocel = tmp_path / "fr.xes", tmp_path / "fr.jsonocel"
    assert main(["export", "xes", "--language", "fr", "--out", str(xes), "--quiet"]) == 0
    assert main(["export", "ocel", "--format", "json", "--language", "fr", "--out", str(ocel), "--quiet"]) == 0
    ns = {"x": "http://www.xes-standard.org/"}
    pairs = Counter()
    for event in ET.parse(xes).getroot().iterfind(".//x:event", ns):
        attrs = {e.get("key"): e.get("value") for e in event if e.tag.endswith("string")}
        pairs[(attrs["activity_code"], attrs["concept:name"])] += 1
    assert pairs and all(label == french[code] for code, label in pairs)
    english = ET.parse(exported[0]["xes"]).getroot().iterfind(".//x:event", ns)
    assert sum(pairs.values()) == sum(1 for _ in english)
    doc = json.loads(ocel.read_text(encoding="utf-8"))
    types = {t["name"] for t in doc["eventTypes"]}
    assert types and types <= set(french.values())
    assert all(e["type"] == french[next(a["value"] for a in e["attributes"] if a["name"] == "activity_code")]
               for e in doc["events"])
