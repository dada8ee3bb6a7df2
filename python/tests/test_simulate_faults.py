"""Injected landing-zone faults are in the raw data where the ground truth says, and only there."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

KINDS = {"cdc_redelivery", "soft_delete", "date_1900", "mixed_case_company", "hr_redelivery", "local_time_offset",
         "orphan_reference", "unknown_currency", "malformed_csv_line"}


def _faults(root):
    return pd.read_parquet(root / "ground_truth" / "faults.parquet")


def test_default_profile_injects_every_kind_with_its_handling(zone_default):
    f = _faults(zone_default)
    assert set(f.fault_kind) == KINDS
    quarantined = f[f.expected_handling == "quarantine"]
    assert dict(quarantined.groupby("fault_kind").expected_reason_code.first()) == {
        "orphan_reference": "ORPHAN_REFERENCE", "unknown_currency": "UNKNOWN_CURRENCY", "malformed_csv_line": "MALFORMED_ROW"}
    assert f[f.expected_handling != "quarantine"].expected_reason_code.isna().all()
    manifest = json.loads((zone_default / "ground_truth" / "manifest.json").read_text())
    assert manifest["counts"]["faults"] == len(f)


def test_faults_are_visible_in_the_raw_rows(zone_default):
    f = _faults(zone_default)
    root = zone_default.as_posix()
    con = duckdb.connect()
    d = lambda t: f"read_parquet('{root}/d365/{t}/*.parquet')"  # noqa: E731

    def ids(kind, table):
        return [int(x) for x in f[(f.fault_kind == kind) & (f.source_table == table)].source_record_id]

    # CDC re-delivery: the record has at least two rows, the newest one identical apart from lake columns
    for table in f[f.fault_kind == "cdc_redelivery"].source_table.unique()[:5]:
        for recid in ids("cdc_redelivery", table)[:5]:
            n = con.execute(f"select count(*) from {d(table)} where recid = {recid}").fetchone()[0]
            assert n >= 2, f"{table} recid {recid}: re-delivery not found"
    # soft deletes: a live row and a deleted row with a higher version
    for recid in ids("soft_delete", "smmactivities"):
        rows = con.execute(f"select isdelete, versionnumber from {d('smmactivities')} where recid = {recid} "
                           "order by versionnumber").fetchall()
        assert [r[0] for r in rows][1:] == [1] and rows[0][0] in (None, 0)  # live: NULL or 0 (contract)
    # mixed case company codes
    for recid in ids("mixed_case_company", "custtrans")[:20]:
        codes = con.execute(f"select dataareaid from {d('custtrans')} where recid = {recid}").fetchall()
        assert any(c[0] != c[0].upper() for c in codes)
    # 1900-01-01 dates
    row = f[f.fault_kind == "date_1900"].iloc[0]
    val = con.execute(f"select {row.column_name} from {d(row.source_table)} where recid = {row.source_record_id}").fetchone()[0]
    assert str(val).startswith("1900-01-01")
    # unknown currency codes are not ISO 4217
    for recid in ids("unknown_currency", "custinvoicejour"):
        code = con.execute(f"select currencycode from {d('custinvoicejour')} where recid = {recid}").fetchone()[0]
        assert code in {"USS", "EUE", "GBR", "UDS", "ERU"}
    # orphan letter lines point at no customer transaction
    for recid in ids("orphan_reference", "custcollectionlettertrans"):
        n = con.execute(f"""select count(*) from {d('custcollectionlettertrans')} l join {d('custtrans')} t
                            on t.recid = l.custtransid where l.recid = {recid}""").fetchone()[0]
        assert n == 0
    # the malformed line has fewer fields than the header
    for _, m in f[f.fault_kind == "malformed_csv_line"].iterrows():
        lines = (zone_default / m.file_path).read_text().split("\n")
        header, bad = lines[0].split(","), lines[int(m.line_number) - 1].split(",")
        assert len(bad) < len(header)


def test_no_faults_profile_is_clean(zone_clean):
    assert _faults(zone_clean).empty
    root = zone_clean.as_posix()
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_parquet('{root}/d365/custtrans/*.parquet') "
                       "where dataareaid <> upper(dataareaid) or isdelete = 1").fetchone()[0] == 0
    # every CSV line has as many fields as its header
    rows = con.execute(f"select count(*) from read_csv('{root}/highradius/*/*.csv', all_varchar=true, "
                      "union_by_name=true, strict_mode=true)").fetchone()[0]
    assert rows > 0
