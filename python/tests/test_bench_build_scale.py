"""The scale benchmark's measuring pieces: disk sampling of a database and its spill folder, counts."""

from __future__ import annotations

import time

import duckdb
import pytest

from c2c.bench.build_scale import DiskSampler, count_built, folder_bytes


def test_folder_bytes_sums_nested_files_and_is_zero_for_a_missing_folder(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "x.bin").write_bytes(b"1" * 100)
    (tmp_path / "a" / "b" / "y.bin").write_bytes(b"2" * 23)
    assert folder_bytes(tmp_path / "a") == 123
    assert folder_bytes(tmp_path / "missing") == 0


def test_disk_sampler_keeps_the_largest_sizes_seen(tmp_path):
    db = tmp_path / "build.duckdb"
    spill = tmp_path / "build.duckdb.tmp"
    with DiskSampler(db, interval=0.01) as disk:
        db.write_bytes(b"d" * 1000)
        spill.mkdir()
        (spill / "block").write_bytes(b"s" * 5000)
        time.sleep(0.2)
        # the spill folder is emptied and the database grows: the peak of each is kept
        (spill / "block").unlink()
        db.write_bytes(b"d" * 3000)
        time.sleep(0.2)
    assert disk.max_db == 3000
    assert disk.max_spill == 5000


def test_count_built_finds_the_tables_in_their_schema(tmp_path):
    db = tmp_path / "built.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema core")
        con.execute("create table core.cases as select range as case_id from range(3)")
        con.execute("create table core.event_log as select range as event_id from range(7)")
    assert count_built(db) == (3, 7)


def test_count_built_fails_when_a_table_is_missing(tmp_path):
    db = tmp_path / "built.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table cases as select 1 as case_id")
    with pytest.raises(ValueError, match="expected one table event_log, found 0"):
        count_built(db)
