"""The landing zone check (macro check_landing_zone, run from on-run-start) stops a dbt build
early, naming the table and the column, when a required table or column is missing, and
lets a landing zone without the optional table srsanalysisenums through."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from c2c.simulate import SimConfig, simulate

from .conftest import parse_cache_file

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
PREFIX = "landing zone check failed: "


@pytest.fixture(scope="module")
def valid_zone(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("landing_zone_check") / "raw"
    simulate(SimConfig(invoices=300, months=6, seed=1, faults="none"), out)
    return out


@pytest.fixture(scope="module")
def target_path(tmp_path_factory) -> Path:
    """dbt's target folder, shared by the tests of this module so that dbt parses the
    project once (every test runs with the same profile and variables), or not at all when
    run_dbt (conftest) has already parsed it with the same paths."""
    target = tmp_path_factory.mktemp("landing_zone_check_target")
    cached = parse_cache_file()
    if cached and cached.exists():
        shutil.copy(cached, target / "partial_parse.msgpack")
    return target


@pytest.fixture
def zone(valid_zone, tmp_path) -> Path:
    """A copy of the valid landing zone, tmp_path/raw, that the test may damage."""
    raw = tmp_path / "raw"
    shutil.copytree(valid_zone, raw, ignore=shutil.ignore_patterns("ground_truth"))
    return raw


def dbt_build(raw: Path, target_path: Path) -> subprocess.CompletedProcess:
    """dbt build of one seed: the on-run-start hooks run, and little else.

    dbt runs in the folder of the landing zone, which it reads as `raw` and where it
    writes its DuckDB file (one per test); the paths in messages are relative to it."""
    env = {**os.environ, "C2C_RAW_ROOT": raw.name, "C2C_DUCKDB_PATH": "c2c.duckdb", "DBT_USE_COLORS": "false"}
    return subprocess.run(
        [str(DBT), "build", "--select", "activity_catalogue", "--resource-type", "seed", "--target", "ci",
         "--profiles-dir", str(REPO), "--project-dir", str(REPO),
         "--target-path", str(target_path), "--log-path", str(raw.parent / "logs")],
        cwd=raw.parent, env=env, capture_output=True, text=True, timeout=300,
    )


def failures(res: subprocess.CompletedProcess) -> list[str]:
    """The problem lines of the check, without the leading blanks dbt adds."""
    return [line.strip() for line in res.stdout.splitlines() if line.strip().startswith(PREFIX)]


def rewrite_parquet(folder: Path, drop: str) -> None:
    files = sorted(folder.glob("*.parquet"))
    assert files
    with duckdb.connect() as con:
        for path in files:
            tmp = path.with_suffix(".tmp")
            con.execute(f"copy (select * exclude ({drop}) from read_parquet('{path}')) to '{tmp}' (format parquet)")
            tmp.replace(path)


def test_valid_zone_copy_passes(zone, target_path):
    res = dbt_build(zone, target_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "landing zone check passed" in res.stdout
    assert not failures(res)


def test_missing_table_folder_fails(zone, target_path):
    shutil.rmtree(zone / "d365" / "custtrans")
    res = dbt_build(zone, target_path)
    assert res.returncode != 0
    assert failures(res) == [f"{PREFIX}d365/custtrans: no files match raw/d365/custtrans/*.parquet"], res.stdout
    assert "Traceback" not in res.stdout + res.stderr


def test_missing_parquet_column_fails(zone, target_path):
    rewrite_parquet(zone / "d365" / "custtrans", drop="voucher")
    res = dbt_build(zone, target_path)
    assert res.returncode != 0
    assert failures(res) == [
        f"{PREFIX}d365/custtrans has no column 'voucher' (files: raw/d365/custtrans/*.parquet)"
    ], res.stdout


def test_missing_csv_header_column_fails(zone, target_path):
    files = sorted((zone / "highradius" / "hr_dispute").glob("*.csv"))
    assert len(files) > 1
    broken = files[-1]
    header, rest = broken.read_text(encoding="utf-8").split("\n", 1)
    assert ",amount," in header
    broken.write_text(header.replace(",amount,", ",") + "\n" + rest, encoding="utf-8")
    res = dbt_build(zone, target_path)
    assert res.returncode != 0
    # Only the damaged file is named, not its siblings with a good header.
    assert failures(res) == [
        f"{PREFIX}highradius/hr_dispute has no column 'amount' (file: raw/highradius/hr_dispute/{broken.name})"
    ], res.stdout


def test_every_problem_is_listed(zone, target_path):
    shutil.rmtree(zone / "highradius" / "hr_dispute")
    rewrite_parquet(zone / "d365" / "custinvoicejour", drop="duedate, currencycode")
    res = dbt_build(zone, target_path)
    assert res.returncode != 0
    lines = failures(res)
    assert any(line.startswith(f"{PREFIX}highradius/hr_dispute: no files match ") for line in lines), res.stdout
    assert any(line.startswith(f"{PREFIX}d365/custinvoicejour has no column 'duedate'") for line in lines), res.stdout
    assert any(line.startswith(f"{PREFIX}d365/custinvoicejour has no column 'currencycode'")
               for line in lines), res.stdout
    assert len(lines) == 3, res.stdout


def test_optional_enum_table_may_be_absent(zone, target_path):
    shutil.rmtree(zone / "d365" / "srsanalysisenums")
    res = dbt_build(zone, target_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "landing zone check passed" in res.stdout
    assert not failures(res)


def test_headers_written_differently_pass_and_wrong_order_or_no_header_fail(zone, target_path):
    # The query compares each header with the declared list; what it does not match is examined
    # again by the macro: quotes, blanks, letter case and a byte-order mark are accepted, a
    # different order and an empty file are problems.
    files = sorted((zone / "highradius" / "hr_dispute").glob("*.csv"))
    assert len(files) >= 3
    quoted, reordered, empty = files[0], files[1], files[2]
    header, rest = quoted.read_text(encoding="utf-8").split("\n", 1)
    names = header.split(",")
    quoted.write_text("\ufeff " + " , ".join(f'"{n.upper()}"' for n in names) + "\t\n" + rest, encoding="utf-8")
    header, rest = reordered.read_text(encoding="utf-8").split("\n", 1)
    names = header.split(",")
    reordered.write_text(",".join([names[1], names[0], *names[2:]]) + "\n" + rest, encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    res = dbt_build(zone, target_path)
    assert res.returncode != 0
    declared = ",".join(names)
    assert sorted(failures(res)) == sorted([
        f"{PREFIX}highradius/hr_dispute: header columns are not in the declared order {declared}; CSV columns are "
        f"read by position (file: raw/highradius/hr_dispute/{reordered.name})",
        f"{PREFIX}highradius/hr_dispute: no header line (file: raw/highradius/hr_dispute/{empty.name})",
    ]), res.stdout


def test_files_beyond_the_first_batch_are_checked(zone, target_path):
    # headers are read 250 files per query: a damaged file in a later batch is still found
    folder = zone / "highradius" / "hr_dispute"
    source = sorted(folder.glob("*.csv"))[0]
    header = source.read_text(encoding="utf-8").split("\n", 1)[0]
    for i in range(600):
        (folder / f"zz_extra_{i:04d}.csv").write_text(header + "\n", encoding="utf-8")
    broken = folder / "zz_extra_0555.csv"
    broken.write_text(header.replace(",amount,", ",") + "\n", encoding="utf-8")
    res = dbt_build(zone, target_path)
    assert res.returncode != 0
    assert failures(res) == [
        f"{PREFIX}highradius/hr_dispute has no column 'amount' (file: raw/highradius/hr_dispute/{broken.name})"
    ], res.stdout
