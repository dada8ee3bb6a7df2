"""The simulated landing zone follows the raw landing contract, table by table, column by column."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

from c2c.contract import load_contract

PARQUET_TYPES = {"bigint": "BIGINT", "integer": "INTEGER", "date": "DATE", "timestamp": "TIMESTAMP",
                 "varchar": "VARCHAR"}
TS_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.mark.parametrize("zone_name", ["zone_default", "zone_clean"])
def test_every_d365_table_has_the_contract_columns_and_types(zone_name, request):
    root: Path = request.getfixturevalue(zone_name)
    contract = load_contract()
    con = duckdb.connect()
    for table, columns in contract["d365"].items():
        files = sorted((root / "d365" / table).glob("*.parquet"))
        assert files, f"d365/{table}: no parquet file"
        expected = dict(columns)
        expected.update(sinkmodifiedon="timestamp", isdelete="integer", versionnumber="bigint")
        for f in files:
            described = con.execute(f"describe select * from read_parquet('{f.as_posix()}')").fetchall()
            actual = {row[0]: row[1] for row in described}
            assert list(actual) == list(expected), f"{f}: columns {list(actual)} != contract {list(expected)}"
            for col, logical in expected.items():
                want = PARQUET_TYPES.get(logical)
                if logical == "decimal":
                    assert actual[col].startswith("DECIMAL"), f"{f}: {col} is {actual[col]}, contract says decimal"
                else:
                    assert actual[col] == want, f"{f}: {col} is {actual[col]}, contract says {logical}"
        n = con.execute(f"select count(*) from read_parquet('{(root / 'd365' / table).as_posix()}/*.parquet')").fetchone()[0]
        assert n > 0, f"d365/{table} is empty"


@pytest.mark.parametrize("zone_name", ["zone_default", "zone_clean"])
def test_every_highradius_object_has_the_contract_columns_and_formats(zone_name, request):
    root: Path = request.getfixturevalue(zone_name)
    contract = load_contract()
    for obj, columns in contract["highradius"].items():
        files = sorted((root / "highradius" / obj).glob("*.csv"))
        assert files, f"highradius/{obj}: no csv file"
        expected = list(columns) + ["extracted_at"]
        types = dict(columns, extracted_at="timestamp")
        rows = 0
        for f in files:
            with f.open(newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                assert next(reader) == expected, f"{f}: header differs from the contract"
                for line in reader:
                    if len(line) != len(expected):
                        continue  # an injected malformed line; checked in test_simulate_faults
                    rows += 1
                    for col, value in zip(expected, line):
                        if value == "":
                            continue
                        if types[col] == "timestamp":
                            assert TS_WITH_OFFSET.match(value), f"{f}: {col}={value!r} is not ISO-8601 with an offset"
                        elif types[col] == "date":
                            assert ISO_DATE.match(value), f"{f}: {col}={value!r} is not YYYY-MM-DD"
                        elif types[col] == "decimal":
                            float(value)
                        elif types[col] in ("integer", "bigint"):
                            int(value)
        assert rows > 0, f"highradius/{obj} has no rows"


def test_all_three_companies_and_both_collection_systems(zone_default):
    con = duckdb.connect()
    root = zone_default.as_posix()
    companies = {r[0] for r in con.execute(
        f"select distinct upper(dataareaid) from read_parquet('{root}/d365/custinvoicejour/*.parquet')").fetchall()}
    assert companies == {"USMF", "GBSI", "FRRT"}
    hr = {r[0] for r in con.execute(
        f"select distinct company_code from read_csv('{root}/highradius/hr_customer/*.csv', header=true, all_varchar=true, "
        f"ignore_errors=true)").fetchall()}
    assert hr == {"USMF", "GBSI"}, "USMF and GBSI run collections in HighRadius, FRRT natively in D365"
    letters = {r[0] for r in con.execute(
        f"select distinct upper(dataareaid) from read_parquet('{root}/d365/custcollectionletterjour/*.parquet')").fetchall()}
    assert letters == {"FRRT"}


def test_enum_table_can_be_left_out(tmp_path):
    from c2c.simulate import SimConfig, simulate

    simulate(SimConfig(invoices=200, seed=1, faults="none", months=3, include_enum_table=False), tmp_path)
    assert not (tmp_path / "d365" / "srsanalysisenums").exists()
    assert (tmp_path / "d365" / "custtrans").is_dir()
