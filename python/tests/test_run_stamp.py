"""The run stamp of a build (table run_stamp) against what can be known without SQL: the
landing-zone fingerprint computed from the files, the files counted, the as-of date of cases."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from c2c.db import connect_built
from c2c.runstamp import RunStampMissing, landing_zone_files, landing_zone_fingerprint, read_run_stamp


def test_the_build_stamps_the_landing_zone_it_read(built_default, zone_default):
    with connect_built(built_default) as con:
        stamp = read_run_stamp(con)
        as_of = con.execute("select cast(max(as_of_date) as varchar) from cases").fetchall()[0][0]
    assert stamp.landing_zone_fingerprint == landing_zone_fingerprint(zone_default)
    files = landing_zone_files(zone_default)
    assert stamp.landing_file_count == len(files) > 10
    assert {path.relative_to(zone_default).parts[0] for path in files} == {"d365", "highradius"}
    assert stamp.as_of_date == as_of
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", stamp.dbt_invocation_id)
    assert stamp.project_name == "credit_to_cash" and stamp.dbt_version.startswith("1.11")
    assert stamp.landing_zone_fingerprint in stamp.as_text() and stamp.dbt_invocation_id in stamp.as_text()


def test_the_fingerprint_changes_with_a_byte_a_name_or_a_file(zone_default, tmp_path):
    zone = tmp_path / "zone"
    shutil.copytree(zone_default / "d365" / "custtable", zone / "d365" / "custtable")
    shutil.copytree(zone_default / "highradius" / "hr_collector", zone / "highradius" / "hr_collector")
    before = landing_zone_fingerprint(zone)
    # files the sources do not read do not count
    (zone / "README.txt").write_text("notes")
    (zone / "d365" / "custtable" / "notes.txt").write_text("notes")
    assert landing_zone_fingerprint(zone) == before

    csv = sorted((zone / "highradius" / "hr_collector").glob("*.csv"))[0]
    original = csv.read_bytes()
    csv.write_bytes(original[:-1] + (b"X" if original[-1:] != b"X" else b"Y"))
    changed_byte = landing_zone_fingerprint(zone)
    csv.write_bytes(original)
    assert landing_zone_fingerprint(zone) == before

    csv.rename(csv.with_name("renamed_" + csv.name))
    renamed = landing_zone_fingerprint(zone)
    shutil.copy(csv.with_name("renamed_" + csv.name), csv)
    added = landing_zone_fingerprint(zone)
    assert len({before, changed_byte, renamed, added}) == 4


def test_a_database_without_a_stamp_is_named(tmp_path):
    import duckdb

    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    with connect_built(tmp_path / "empty.duckdb") as con, pytest.raises(RunStampMissing, match="run_stamp"):
        read_run_stamp(con)
    with pytest.raises(FileNotFoundError, match="no such folder"):
        landing_zone_fingerprint(Path(tmp_path / "missing"))
