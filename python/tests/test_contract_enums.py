"""The parser that reads the enumerated values of the raw contract from its comments."""

from __future__ import annotations

from c2c.contract.enums import contract_enums, parse_enums

SAMPLE = """\
lake_columns:
  isdelete: {type: integer, meaning: "1 = the record was deleted; NULL or 0 = live"}
  versionnumber: {type: bigint, meaning: "monotonic change number"}
d365:
  t1:                             # a table comment: 0 Zero is not a column's
    recid: bigint                 # 5 = not enumerated: a key
    kind: integer                 # SomeEnum: 2 Sales, 8 Cust (free text), 36 GeneralJournal
    flag: integer                 # NoYes
    level: integer                # dunning level 1..3
    single: integer               # 7 = customer payment
    prose: integer                # current dunning level on invoice rows
    when: date                    # 1900-01-01 when never printed
    amount: decimal               # + for invoices, - for payments
  t2:
    segment: varchar              # customer segment (e.g. Enterprise, Mid-market)
    typeid: varchar               # Call, Email, Reminder
    doc: varchar                  # CredManCreditLimitAdjTable
    who: varchar                  # SYSTEM or a collector_id
    plain: varchar
highradius:                       # every object carries extracted_at
  hr_x:
    status: varchar               # OPEN, PARTIALLY_KEPT, CANCELLED
    note: varchar                 # may be empty for account-level activities
"""


def test_parser_follows_the_documented_rule():
    got = [(e.system, e.table, e.column, e.value, e.label) for e in parse_enums(SAMPLE)]
    assert got == [
        ("d365", "*", "isdelete", 1, "the record was deleted"), ("d365", "*", "isdelete", 0, "live"),
        ("d365", "t1", "kind", 2, "Sales"), ("d365", "t1", "kind", 8, "Cust"), ("d365", "t1", "kind", 36, "GeneralJournal"),
        ("d365", "t1", "flag", 0, "No"), ("d365", "t1", "flag", 1, "Yes"),
        ("d365", "t1", "level", 1, "1"), ("d365", "t1", "level", 2, "2"), ("d365", "t1", "level", 3, "3"),
        ("d365", "t1", "single", 7, "customer payment"),
        ("d365", "t2", "typeid", "Call", "Call"), ("d365", "t2", "typeid", "Email", "Email"),
        ("d365", "t2", "typeid", "Reminder", "Reminder"),
        ("d365", "t2", "doc", "CredManCreditLimitAdjTable", "CredManCreditLimitAdjTable"),
        ("highradius", "hr_x", "status", "OPEN", "OPEN"), ("highradius", "hr_x", "status", "PARTIALLY_KEPT", "PARTIALLY_KEPT"),
        ("highradius", "hr_x", "status", "CANCELLED", "CANCELLED"),
    ]


def test_project_contract_enumerations():
    keys = {e.key for e in contract_enums()}
    expected = {
        "d365.custtrans.transtype=36", "d365.custinvoicejour.refnum=3", "d365.custcollectionletterjour.status=0",
        "d365.custcollectionletterjour.status=3", "d365.custtable.blocked=2", "d365.smmactivities.typeid=Reminder",
        "d365.smmactivities.closed=0", "d365.ledgerjournaltable.journaltype=7", "d365.ledgerjournaltrans.accounttype=1",
        "d365.workflowtrackingtable.trackingtype=19", "d365.credmancreditlimitadjtable.status=3", "d365.*.isdelete=0",
        "highradius.hr_correspondence.delivery_status=PENDING", "highradius.hr_promise_to_pay.status=PARTIALLY_KEPT",
        "highradius.hr_dispute.resolution_type=VOID", "highradius.hr_cash_application.match_type=SUGGESTED"}
    assert expected <= keys, sorted(expected - keys)
    # prose and free-text examples are not enumerations
    assert not any(k.startswith(("d365.custtable.segmentid=", "highradius.hr_correspondence.sent_by=",
                                 "d365.custtrans.collectionlettercode=", "d365.custcollectionletterjour.printdate="))
                   for k in keys)
    assert len(keys) == len(contract_enums()), "a value listed twice"


def test_census_counts_records_in_their_current_state(tmp_path):
    """A record counts once, with the value of its latest version; deleted records not at all."""
    import duckdb

    from c2c.contract.census import enum_counts

    letters = tmp_path / "d365" / "custcollectionletterjour"
    letters.mkdir(parents=True)
    # recid 1: created then posted; 2: created, never posted; 3: cancelled, then deleted
    rows = [(1, 10, 0, None, 1), (1, 20, 2, 0, 1), (2, 15, 0, None, 2), (3, 11, 3, 0, 1), (3, 30, 3, 1, 1)]
    values = ", ".join(f"({r}, {v}, timestamp '2025-01-01' + interval ({v}) minute, {s}, "
                       f"{'null' if d is None else d}, {c})" for r, v, s, d, c in rows)
    duckdb.sql(f"copy (select * from (values {values}) as t(recid, versionnumber, sinkmodifiedon, status, isdelete, "
               f"collectionlettercode)) to '{(letters / 'part.parquet').as_posix()}' (format parquet)")
    promises = tmp_path / "highradius" / "hr_promise_to_pay"
    promises.mkdir(parents=True)
    # P1 re-delivered: the later extract (an earlier wall-clock time, but a later instant) says KEPT
    (promises / "a.csv").write_text("p2p_id,status,extracted_at\n"
                                    "P1,OPEN,2025-03-04T09:00:00+00:00\n"
                                    "P1,KEPT,2025-03-04T08:00:00-05:00\n"
                                    "P2,OPEN,2025-03-04T09:00:00+00:00\n", encoding="utf-8")
    wanted = [e for e in contract_enums()
              if e.table in ("custcollectionletterjour", "hr_promise_to_pay", "*")]
    counts = dict(zip(enum_counts(tmp_path, enums=wanted)["key"], enum_counts(tmp_path, enums=wanted)["rows"]))
    assert counts["d365.custcollectionletterjour.status=0"] == 1
    assert counts["d365.custcollectionletterjour.status=2"] == 1
    assert counts["d365.custcollectionletterjour.status=3"] == 0
    assert counts["d365.custcollectionletterjour.collectionlettercode=1"] == 1
    assert counts["d365.custcollectionletterjour.collectionlettercode=2"] == 1
    assert counts["d365.*.isdelete=0"] == 2 and counts["d365.*.isdelete=1"] == 1
    assert counts["highradius.hr_promise_to_pay.status=OPEN"] == 1
    assert counts["highradius.hr_promise_to_pay.status=KEPT"] == 1
    assert counts["highradius.hr_promise_to_pay.status=CANCELLED"] == 0
