"""Keyed pseudonyms and the share copy (docs/privacy.md).

One full build of the default landing zone with `pseudonymise: true` and a key, and two builds
of `+event_log +cases` only (the same key, another key). The original identities are read from
the landing zone's files here, independently of the project's SQL."""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from c2c.db import connect_built
from c2c.publish import PublishError, publish
from .conftest import _once, run_dbt

PSEUDO = "{pseudonymise: true}"
# columns that carry a pseudonym in the core tables every share copy holds
PSEUDONYM_COLUMNS = {"cases": ["customer_id", "customer_name", "collector_id", "current_collector_id"],
                     "event_log": ["customer_id", "resource"]}


def _key_file(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(secrets.token_urlsafe(48) + "\n")
    path.chmod(0o600)
    return path


def _build(tmp_path_factory, name, zone, *select, write_json=False, log_file=False):
    def make(folder: Path):
        # the key given as the value of C2C_PSEUDONYM_KEY (built_pseudo_same_key gives the
        # same key as the path of a file); kept in a file only so that the tests can read it
        key = _key_file(folder, "pseudonym.key").read_text().strip()
        run_dbt(zone, folder / "c2c.duckdb", "build", "--exclude-resource-type", "unit_test", *select,
                "--vars", PSEUDO, write_json=write_json, log_file=log_file,
                env={"C2C_PSEUDONYM_KEY": key})
    folder = _once(tmp_path_factory, name, make)
    return folder / "c2c.duckdb"


@pytest.fixture(scope="module")
def built_pseudo(zone_default, tmp_path_factory) -> Path:
    """The whole project, pseudonymised (its manifest kept for the public models)."""
    return _build(tmp_path_factory, "built_pseudo", zone_default, write_json=True, log_file=True)


@pytest.fixture(scope="module")
def built_pseudo_same_key(built_pseudo, zone_default, tmp_path_factory) -> Path:
    """The event log and cases again, with the key of built_pseudo given as a file path."""
    def make(folder: Path):
        run_dbt(zone_default, folder / "c2c.duckdb", "build", "--select", "+event_log", "+cases",
                "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test", "--vars", PSEUDO,
                env={"C2C_PSEUDONYM_KEY": str(built_pseudo.parent / "pseudonym.key")})
    return _once(tmp_path_factory, "built_pseudo_same_key", make) / "c2c.duckdb"


def _original_identities(zone: Path) -> dict[str, set[str]]:
    """Every customer name and account, worker id and collector id and name in the landing zone."""
    con = duckdb.connect()
    q = lambda sql: {str(v).strip() for (v,) in con.execute(sql).fetchall() if v is not None and str(v).strip()}  # noqa: E731
    d365, hr = zone / "d365", zone / "highradius"

    def csv(obj: str) -> str:
        # every file carries the contract header; a malformed line (an injected fault) is skipped
        return f"read_csv('{hr}/{obj}/*.csv', header=true, all_varchar=true, ignore_errors=true)"

    return {
        "customer account": q(f"select accountnum from read_parquet('{d365}/custtable/*.parquet')")
        | q(f"select customer_number from {csv('hr_customer')}"),
        "party name": q(f"select name from read_parquet('{d365}/dirpartytable/*.parquet')")
        | q(f"select customer_name from {csv('hr_customer')}"),
        "worker id": q(f"select personnelnumber from read_parquet('{d365}/hcmworker/*.parquet')"),
        "collector": q(f"select collector_id from {csv('hr_collector')}") | q(f"select collector_name from {csv('hr_collector')}"),
    }


def scan_for_identities(folder: Path, identities: dict[str, set[str]]) -> list[str]:
    """Every (file, column, kind, value) where a value of any column of any Parquet file in folder
    contains an original identity (as a whole value or inside a longer one)."""
    con = duckdb.connect()
    rows = [(kind, value) for kind, values in identities.items() for value in values]
    con.execute("create table ids (kind varchar, v varchar)").fetchall()
    con.executemany("insert into ids values (?, ?)", rows)
    hits = []
    for parquet in sorted(folder.glob("*.parquet")):
        columns = [r[0] for r in con.execute(f"describe select * from read_parquet('{parquet}')").fetchall()]
        for column in columns:
            found = con.execute(
                f'select ids.kind, ids.v, min(d.x) from (select distinct cast("{column}" as varchar) as x '
                f"from read_parquet('{parquet}')) d join ids on contains(d.x, ids.v) group by all limit 5").fetchall()
            hits += [f"{parquet.name}.{column}: {kind} {value!r} in {example!r}" for kind, value, example in found]
    return hits


@pytest.fixture(scope="module")
def share_copy(built_pseudo, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("share")
    publish(built_pseudo, out, built_pseudo.parent / "dbt_c2c" / "target" / "manifest.json", share=True)
    return out / "current"


def test_share_copy_holds_no_original_identity(share_copy, zone_default):
    identities = _original_identities(zone_default)
    assert all(len(v) > 5 for v in identities.values()), {k: len(v) for k, v in identities.items()}
    files = sorted(p.name for p in share_copy.iterdir())
    assert "event_log.parquet" in files and "cases.parquet" in files and "serving.duckdb" in files
    assert not any(name.startswith(("stg_", "base_", "int_")) for name in files), files
    assert scan_for_identities(share_copy, identities) == []
    # the manifest holds the SHA-256 of every other file, and the run stamp
    manifest = json.loads((share_copy / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((share_copy / name).read_bytes()).hexdigest() == digest, name
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    assert manifest["run_stamp"]["dbt_invocation_id"]


def test_scanner_finds_a_planted_name(share_copy, zone_default, tmp_path):
    identities = _original_identities(zone_default)
    name = sorted(identities["party name"])[0]
    planted = tmp_path / "planted"
    planted.mkdir()
    con = duckdb.connect()
    con.execute(f"copy (select * replace (case when row_number() over () = 7 then 'note: ' || ? else activity end "
                f"as activity) from read_parquet('{share_copy / 'event_log.parquet'}')) to '{planted / 'event_log.parquet'}' "
                "(format parquet)", [name]).fetchall()
    hits = scan_for_identities(planted, identities)
    assert len(hits) == 1 and name in hits[0] and "event_log.parquet.activity" in hits[0], hits


def test_share_refuses_a_database_built_without_pseudonyms(built_default, tmp_path):
    with pytest.raises(PublishError, match="not built with --vars '{pseudonymise: true}'"):
        publish(built_default, tmp_path / "share", built_default.parent / "dbt_c2c" / "target" / "manifest.json",
                share=True)
    assert not (tmp_path / "share" / "current").exists()
    assert list((tmp_path / "share" / "versions").iterdir()) == []


def _unkeyed(value: str) -> set[str]:
    """What anyone holding the id list computes without the key: the old scheme (md5 prefix) and
    the plain md5 / SHA-256 of the value, whole and as prefixes of the pseudonym's length."""
    out = set()
    for digest in (hashlib.md5(value.encode()).hexdigest(), hashlib.sha256(value.encode()).hexdigest()):
        out |= {digest, digest[:10], digest[:16]}
    return out


def test_pseudonyms_cannot_be_recomputed_without_the_key(built_pseudo, zone_default):
    identities = set().union(*_original_identities(zone_default).values())
    unkeyed = set().union(*(_unkeyed(v) for v in identities))
    with connect_built(built_pseudo) as con:
        for table, columns in PSEUDONYM_COLUMNS.items():
            for column in columns:
                values = [v for (v,) in con.execute(f"select distinct {column} from {table} where {column} is not null "
                                                    f"and lower({column}) <> 'system'").fetchall()]
                assert values, f"{table}.{column} is empty"
                assert all(v.split("-", 1)[0] in ("customer", "worker") and len(v.split("-", 1)[1]) == 16
                           for v in values), f"{table}.{column}: {values[:3]}"
                hashes = {v.split("-", 1)[1] for v in values}
                assert hashes & unkeyed == set(), f"{table}.{column} holds an unkeyed hash of an original id"
                assert set(values) & identities == set(), f"{table}.{column} holds an original identity"


def test_the_key_is_in_no_file_dbt_wrote(built_pseudo):
    key = (built_pseudo.parent / "pseudonym.key").read_text().strip()
    work = built_pseudo.parent / "dbt_c2c"
    files = [p for p in work.rglob("*") if p.is_file()]
    assert {"manifest.json", "partial_parse.msgpack", "run_results.json"} <= {p.name for p in files}
    assert any(p.suffix == ".log" for p in files) and any(p.suffix == ".sql" for p in files)
    assert [str(p) for p in files if key.encode() in p.read_bytes()] == []


def _pseudonyms(db: Path) -> pd.DataFrame:
    with connect_built(db) as con:
        return con.execute("select case_id, customer_id, customer_name, collector_id, current_collector_id "
                           "from cases order by case_id").df()


def test_the_same_key_gives_the_same_pseudonyms_another_key_others(built_pseudo, built_pseudo_same_key,
                                                                   zone_default, tmp_path):
    first, again = _pseudonyms(built_pseudo), _pseudonyms(built_pseudo_same_key)
    pd.testing.assert_frame_equal(first, again)
    # another key: rebuild cases (its parents are in the same-key database) and compare
    other = tmp_path / "c2c.duckdb"
    shutil.copy(built_pseudo_same_key, other)
    run_dbt(zone_default, other, "run", "--select", "event_log", "cases", "--vars", PSEUDO,
            env={"C2C_PSEUDONYM_KEY": str(_key_file(tmp_path, "other.key"))})
    changed = _pseudonyms(other)
    assert (changed.case_id == first.case_id).all()
    for column in ("customer_id", "customer_name", "collector_id"):
        both = first[column].notna()
        assert both.any() and (changed[column][both] != first[column][both]).all(), column


@pytest.mark.parametrize("value, message", [
    ("", "the environment variable C2C_PSEUDONYM_KEY is not set"),
    ("too-short-a-key", "the pseudonym key given by C2C_PSEUDONYM_KEY is shorter than 32 characters"),
    ("{tmp}/missing.key", "C2C_PSEUDONYM_KEY names the key file {tmp}/missing.key, which does not exist"),
])
def test_pseudonymise_without_a_usable_key_is_an_error_naming_the_variable(built_pseudo_same_key, zone_default,
                                                                          tmp_path, value, message):
    db = tmp_path / "c2c.duckdb"
    shutil.copy(built_pseudo_same_key, db)
    proc = run_dbt(zone_default, db, "run", "--select", "cases", "--vars", PSEUDO, check=False,
                   env={"C2C_PSEUDONYM_KEY": value.format(tmp=tmp_path)})
    assert proc.returncode != 0
    assert message.format(tmp=tmp_path) in proc.stdout + proc.stderr, proc.stdout[-2000:]


def test_the_key_variable_holds_the_key_or_the_path_of_a_file(tmp_path, monkeypatch):
    from c2c.dbt_key_plugin import resolve_key
    key = "k" * 40
    (tmp_path / "pseudonym.key").write_text(f"  {key}\n")
    monkeypatch.chdir(tmp_path)
    assert resolve_key(key) == (key, None)
    assert resolve_key("x" * 5000) == ("x" * 5000, None)  # too long for a file name: a key
    assert resolve_key(str(tmp_path / "pseudonym.key")) == (key, None)
    assert resolve_key("./pseudonym.key") == (key, None)
    assert resolve_key("pseudonym.key") == (key, None)  # names an existing file
    assert resolve_key(None) == (None, None) and resolve_key("  ") == (None, None)
    missing, error = resolve_key(str(tmp_path / "gone.key"))
    assert missing is None and "C2C_PSEUDONYM_KEY" in error and "gone.key" in error
