"""c2c publish: the public models in a serving folder that a build never blocks, swapped atomically
(docs/bi.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from c2c.publish import SERVING_DB, PublishError, public_models, publish


@pytest.fixture(scope="module")
def manifest(built_default):
    return built_default.parent / "dbt_c2c" / "target" / "manifest.json"


def _tables_equal(con, left: str, right: str) -> bool:
    diff = con.execute(f"select count(*) from ((select * from {left} except all select * from {right}) "
                       f"union all (select * from {right} except all select * from {left}))").fetchall()[0][0]
    return diff == 0


def test_published_tables_equal_the_public_models(built_default, manifest, tmp_path):
    tables = public_models(manifest)
    assert {"event_log", "cases", "fct_ar_monthly", "run_stamp"} <= set(tables)
    assert not any(t.startswith(("stg_", "base_", "int_")) for t in tables)
    pub = publish(built_default, tmp_path / "serving", manifest)
    assert pub.current.is_symlink() and pub.current.resolve() == pub.folder
    con = duckdb.connect(str(pub.current / SERVING_DB), read_only=True)
    con.execute(f"attach '{built_default}' as built (read_only)").fetchall()
    schemas = dict(con.execute("select table_name, table_schema from information_schema.tables "
                               "where table_catalog = 'built'").fetchall())
    for table in tables:
        assert con.execute(f"select count(*) from {table}").fetchall()[0][0] > 0 or table.startswith("fct_data_quality")
        assert _tables_equal(con, f'main."{table}"', f'built.{schemas[table]}."{table}"'), table
    manifest_out = json.loads((pub.current / "manifest.json").read_text())
    assert manifest_out["kind"] == "publish" and set(manifest_out["tables"]) == set(tables)


def test_a_reader_of_the_previous_version_keeps_consistent_data_while_publishing(built_default, manifest, tmp_path):
    out = tmp_path / "serving"
    first = publish(built_default, out, manifest)
    # a BI tool holds the serving database open in another process: it reads before and after the publication
    reader = subprocess.Popen(
        [sys.executable, "-c", (
            "import duckdb, sys\n"
            f"con = duckdb.connect({str(out / 'current' / SERVING_DB)!r}, read_only=True)\n"
            "q = 'select count(*), sum(invoice_amount) from cases'\n"
            "print(con.execute(q).fetchall(), flush=True)\n"
            "sys.stdin.readline()\n"
            "print(con.execute(q).fetchall(), flush=True)\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    before = reader.stdout.readline().strip()
    second = publish(built_default, out, manifest)
    out_after, _ = reader.communicate("go\n", timeout=60)
    assert reader.returncode == 0
    assert out_after.strip() == before, "the reader of the previous version saw other data"
    assert second.folder != first.folder and (out / "current").resolve() == second.folder
    assert first.folder.exists(), "the previous version must be kept for its readers"
    with duckdb.connect(str(out / "current" / SERVING_DB), read_only=True) as con:
        assert str(con.execute("select count(*), sum(invoice_amount) from cases").fetchall()) == before


def test_a_failed_publication_leaves_the_current_version_intact(built_default, manifest, tmp_path):
    out = tmp_path / "serving"
    first = publish(built_default, out, manifest)
    digests = json.loads((first.folder / "manifest.json").read_text())["files"]
    with pytest.raises(PublishError, match="simulated failure"):
        publish(built_default, out, manifest, _fail_after=3)
    assert (out / "current").resolve() == first.folder
    assert sorted(p.name for p in (out / "versions").iterdir()) == [first.folder.name], "a half version was left"
    assert set(digests) <= {p.name for p in first.folder.iterdir()}
    with duckdb.connect(str(out / "current" / SERVING_DB), read_only=True) as con:
        assert con.execute("select count(*) from event_log").fetchall()[0][0] > 0


def test_publish_command_reports_a_missing_manifest(built_default, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "c2c.cli", "publish", "--db", str(built_default), "--out",
                           str(tmp_path / "s"), "--manifest", str(tmp_path / "nope.json")],
                          capture_output=True, text=True, env=dict(os.environ))
    assert proc.returncode == 1 and "no dbt manifest at" in proc.stderr, proc.stderr
