"""The run stamp: which build, on which landing zone, as of which date, from which code.

Every output an auditor may file (the report, the audit pack, the share copy) carries it. The
build writes it to the table `run_stamp` (models/marts/audit/run_stamp.sql); this module reads
it and computes the landing-zone fingerprint from the files, without SQL, with the same
definition as the macro `landing_zone_fingerprint_files`:

    SHA-256 (hex) of the lines "<system>/<table>/<file> <sha256 of the file's bytes>\\n", one per
    file the sources read (<raw_root>/d365/*/*.parquet, <raw_root>/highradius/*/*.csv), sorted
    by path (byte order).
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import c2c
from c2c.db import table_exists

LANDING_GLOBS = (("d365", "*.parquet"), ("highradius", "*.csv"))


class RunStampMissing(RuntimeError):
    """The database has no run stamp: it was not built by this project's dbt build."""


def landing_zone_files(raw_root: str | Path) -> list[Path]:
    """The files of the landing zone the dbt sources read, sorted by their path under raw_root."""
    root = Path(raw_root)
    files = [path for system, pattern in LANDING_GLOBS for path in (root / system).glob(f"*/{pattern}")
             if path.is_file()]
    return sorted(files, key=lambda path: path.relative_to(root).as_posix().encode())


def landing_zone_fingerprint(raw_root: str | Path) -> str:
    """SHA-256 (hex) of the landing zone under raw_root, as the build's run_stamp computes it."""
    root = Path(raw_root)
    if not root.is_dir():
        raise FileNotFoundError(f"landing zone {root}: no such folder")
    digest = hashlib.sha256()
    for path in landing_zone_files(root):
        file_digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                file_digest.update(block)
        digest.update(f"{path.relative_to(root).as_posix()} {file_digest.hexdigest()}\n".encode())
    return digest.hexdigest()


def git_commit(directory: str | Path = ".") -> str:
    """The git commit of directory (`-dirty` appended when tracked files differ), or `unknown`."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty=-dirty", "--abbrev=40"],
                             cwd=directory, capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


@dataclass(frozen=True)
class RunStamp:
    """The stamp of one build, plus the version of the package that writes an output from it."""

    dbt_invocation_id: str
    as_of_date: str
    landing_zone_fingerprint: str
    landing_file_count: int
    project_commit: str
    project_name: str
    dbt_version: str
    built_at: str
    package_version: str

    def as_dict(self) -> dict[str, str | int]:
        return asdict(self)

    def as_text(self) -> str:
        """One line for a page footer or a file header."""
        return (f"as of {self.as_of_date} · {self.project_name} {self.package_version} "
                f"commit {self.project_commit} · dbt invocation {self.dbt_invocation_id} "
                f"(dbt {self.dbt_version}, built {self.built_at} UTC) · landing zone "
                f"sha256:{self.landing_zone_fingerprint} ({self.landing_file_count} files)")


def read_run_stamp(con) -> RunStamp:
    """The run stamp of the built database behind con (a connection from c2c.db.connect_built)."""
    if not table_exists(con, "run_stamp"):
        raise RunStampMissing("the database has no table run_stamp: build it with `dbt build` "
                              "(the model models/marts/audit/run_stamp.sql) first")
    rows = con.execute(
        "select dbt_invocation_id, cast(as_of_date as varchar), landing_zone_fingerprint, "
        "landing_file_count, project_commit, project_name, dbt_version, "
        "strftime(built_at, '%Y-%m-%d %H:%M:%S') from run_stamp").fetchall()
    if len(rows) != 1:
        raise RunStampMissing(f"run_stamp has {len(rows)} rows, expected exactly one")
    row = rows[0]
    return RunStamp(dbt_invocation_id=row[0], as_of_date=row[1], landing_zone_fingerprint=row[2],
                    landing_file_count=int(row[3]), project_commit=row[4], project_name=row[5],
                    dbt_version=row[6], built_at=row[7], package_version=c2c.__version__)
