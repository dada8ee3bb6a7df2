"""Copies of the public models for readers a build must never block.

`c2c publish` writes every public model of a built database (access: public in dbt's manifest)
to a serving folder: one Parquet file per table, a DuckDB file `serving.duckdb` with a view over
each, the run stamp (`run_stamp.json`) and a manifest with the SHA-256 of every file. Each
publication is written to a new folder under `versions/` (no reader looks there) and then made current by replacing the
symbolic link `current` (an atomic rename), so a reader sees the old or the new version, never
half of one; a failed publication leaves the current one as it was. The previous version is
kept, so a reader holding it open keeps working; older ones are removed.

`c2c share` is the same publication with the identity rules of a copy handed outside: it
refuses a database that was not built with `pseudonymise: true` (docs/privacy.md) and copies
only the public models, never staging or base tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .db import connect_built, schema_of
from .runstamp import read_run_stamp

SERVING_DB = "serving.duckdb"
KEEP_VERSIONS = 2  # the current one and the one before it (a reader may still hold it open)


class PublishError(Exception):
    """A publication that cannot be made: reported in one line, nothing changed."""


@dataclass(frozen=True)
class Publication:
    folder: Path  # the version folder written
    current: Path  # the link readers open: <out>/current
    tables: tuple[str, ...]


def public_models(manifest_path: Path) -> list[str]:
    """The names of the models dbt's manifest declares `access: public`, sorted."""
    if not manifest_path.exists():
        raise PublishError(f"no dbt manifest at {manifest_path}: build the project first (dbt writes "
                           "target/manifest.json), or name it with --manifest")
    manifest = json.loads(manifest_path.read_text())
    names = sorted(node["name"] for node in manifest.get("nodes", {}).values()
                   if node.get("resource_type") == "model" and node.get("access") == "public")
    if not names:
        raise PublishError(f"the manifest {manifest_path} declares no public model (access: public)")
    return names


# What a pseudonym looks like (macros/pseudonymise.sql): prefix, '-', 16 hex digits.
_PSEUDONYM_COLUMNS = {
    "cases": {"customer_id": "customer", "customer_name": "customer", "current_collector_id": "worker",
              "collector_id": "worker"},
    "event_log": {"customer_id": "customer", "resource": "worker"},
}


def check_pseudonymised(con: duckdb.DuckDBPyConnection) -> None:
    """Raise PublishError unless the database was built with pseudonymise: true: every customer
    id and name, collector and (non-system) resource of cases and the event log is a pseudonym."""
    for table, columns in _PSEUDONYM_COLUMNS.items():
        if schema_of(con, table) is None:
            raise PublishError(f"the database has no table {table}: build the project first")
        for column, prefix in columns.items():
            pattern = f"^{prefix}-[0-9a-f]{{16}}$"
            bad = con.execute(
                f"select {column} from {table} where {column} is not null and lower({column}) <> 'system' "
                f"and not regexp_matches({column}, ?) limit 1", [pattern]).fetchall()
            if bad:
                raise PublishError(
                    f"{table}.{column} holds a value that is not a keyed pseudonym: the database was not built "
                    "with --vars '{pseudonymise: true}' (and C2C_PSEUDONYM_KEY); a share copy must hold "
                    "no original identity (docs/privacy.md)")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise PublishError(f"unexpected table name {name!r}")
    return f'"{name}"'


def publish(db_path: Path, out: Path, manifest_path: Path, *, share: bool = False, progress=None,
            _fail_after: int | None = None) -> Publication:
    """Write the public models of db_path to a new version folder under out and make it current.

    share=True applies the identity rules of a share copy (check_pseudonymised). _fail_after
    (tests) raises after that many tables, to show that a failed publication changes nothing."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise PublishError(f"no database at {db_path}")
    tables = public_models(Path(manifest_path))
    out = Path(out).resolve()
    versions = out / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    stamp_time = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    # the version folder is written in place: no reader sees it until `current` names it below
    final = work = versions / stamp_time
    work.mkdir()
    try:
        with connect_built(db_path) as con:
            if share:
                check_pseudonymised(con)
            missing = [t for t in tables if schema_of(con, t) is None]
            if missing:
                raise PublishError(f"public models missing from {db_path}: {', '.join(missing)} (build them first)")
            stamp = read_run_stamp(con)
            for i, table in enumerate(tables):
                if _fail_after is not None and i >= _fail_after:
                    raise PublishError(f"simulated failure after {i} tables")
                schema = schema_of(con, table)
                target = work / f"{table}.parquet"
                con.execute(f"copy (select * from {_quote(schema)}.{_quote(table)}) to '{target}' "
                            "(format parquet)").fetchall()
                if progress:
                    progress(table)
        (work / "run_stamp.json").write_text(json.dumps(stamp.as_dict(), indent=2, sort_keys=True, default=str) + "\n")
        # the views name the Parquet files by the absolute path of the version folder, which never moves
        with duckdb.connect(str(work / SERVING_DB)) as serving:
            for table in tables:
                serving.execute(f"create view {_quote(table)} as select * from read_parquet('{final / (table + '.parquet')}')").fetchall()
        files = sorted(p for p in work.iterdir() if p.is_file())
        manifest = {"kind": "share" if share else "publish", "run_stamp": stamp.as_dict(), "tables": list(tables),
                    "files": {p.name: _sha256(p) for p in files}}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    current = out / "current"
    link = out / f".current-{stamp_time}"
    link.symlink_to(Path("versions") / stamp_time, target_is_directory=True)
    os.replace(link, current)  # atomic: readers resolve the old or the new version
    for old in sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith("."))[:-KEEP_VERSIONS]:
        shutil.rmtree(old, ignore_errors=True)
    return Publication(folder=final, current=current, tables=tuple(tables))


def register(subparsers) -> None:
    for name, share, help_text in (
            ("publish", False, "write the public marts to a serving folder (Parquet + a DuckDB file of views) that "
                               "a build never blocks, swapped atomically"),
            ("share", True, "write a share copy of the public marts and the event log with no original identity "
                            "(needs a build with pseudonymise: true)")):
        cmd = subparsers.add_parser(name, help=help_text, description=help_text + ". See docs/bi.md and docs/privacy.md.")
        cmd.add_argument("--db", type=Path, default=Path(os.environ.get("C2C_DUCKDB_PATH", "data/c2c.duckdb")),
                         help="the built database (default $C2C_DUCKDB_PATH or data/c2c.duckdb)")
        cmd.add_argument("--out", type=Path, default=Path("data/share" if share else "data/serving"),
                         help=f"the folder to write (default data/{'share' if share else 'serving'}); readers open "
                              f"<out>/current/{SERVING_DB} or the Parquet files beside it")
        cmd.add_argument("--manifest", type=Path, default=Path("target/manifest.json"),
                         help="dbt's manifest of that build, for the public models (default target/manifest.json)")
        cmd.set_defaults(func=lambda args, share=share: _run(args, share))


def _run(args, share: bool) -> int:
    import sys
    try:
        pub = publish(args.db, args.out, args.manifest, share=share,
                      progress=lambda t: print(f"  wrote {t}", file=sys.stderr))
    except PublishError as exc:
        print(f"c2c {'share' if share else 'publish'}: {exc}", file=sys.stderr)
        return 1
    print(f"{len(pub.tables)} tables in {pub.folder}; readers open {pub.current / SERVING_DB}")
    return 0
