"""The default simulation covers the raw contract: every table and object, every enumerated value.

The enumerated values are read from the structured contract (``spec.yml``, through
``c2c.contract.enums``); a value counts when at least one record carries it in its current state (``c2c.contract.census``).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from c2c.contract import load_contract
from c2c.contract.census import enum_counts


def test_every_contract_table_and_object_has_rows(zone_20k: Path):
    contract = load_contract()
    con = duckdb.connect()
    empty = []
    for table in contract["d365"]:
        folder = zone_20k / "d365" / table
        files = sorted(folder.glob("*.parquet"))
        n = con.execute(f"select count(*) from read_parquet('{folder.as_posix()}/*.parquet')").fetchone()[0] if files else 0
        if n == 0:
            empty.append(f"d365/{table}")
    for obj in contract["highradius"]:
        folder = zone_20k / "highradius" / obj
        files = sorted(folder.glob("*.csv"))
        n = con.execute(f"select count(*) from read_csv('{folder.as_posix()}/*.csv', header = true, all_varchar = true, "
                        f"ignore_errors = true)").fetchone()[0] if files else 0
        if n == 0:
            empty.append(f"highradius/{obj}")
    assert not empty, f"contract tables / objects without a row in the default simulation: {empty}"


def test_every_enumerated_value_occurs_in_the_default_simulation(zone_20k: Path):
    counts = enum_counts(zone_20k)
    assert len(counts) > 90, "fewer enumerated values than the contract states: the parser lost some"
    missing = counts[counts["rows"] == 0]
    listing = "\n".join(f"  {r.system}.{r.table}.{r.column} = {r.value} ({r.label})" for r in missing.itertuples())
    if not missing.empty:
        pytest.fail(f"{len(missing)} of {len(counts)} enumerated values of the contract are absent:\n{listing}")


def test_manifest_counts_equal_a_census_of_the_files(zone_20k: Path):
    """The simulator counts the enumerated values as it writes; the files on disk say the same."""
    manifest = json.loads((zone_20k / "ground_truth" / "manifest.json").read_text())
    on_disk = enum_counts(zone_20k)
    assert manifest["enumerated_values"] == {k: int(v) for k, v in zip(on_disk["key"], on_disk["rows"])}
