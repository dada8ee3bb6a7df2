"""Writing the audit pack: CSV files by DuckDB COPY, one workbook, README.txt, manifest.json, a zip."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import zipfile
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Callable

import duckdb

import c2c
from c2c.db import connect_built, table_exists
from c2c.runstamp import RunStampMissing, read_run_stamp

from .queries import REQUIRED_TABLES, RUN_METADATA_COLUMNS, Part, parts

EXCEL_MAX_ROWS = 1_048_576  # rows of a worksheet, the header included
DEFAULT_WORKBOOK_ROWS = EXCEL_MAX_ROWS - 1  # data rows: the header takes one
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
WORKBOOK_DATE = datetime(2000, 1, 1)  # fixed workbook properties: the pack's date is the build's run stamp
FETCH_ROWS = 20_000


class AuditPackError(Exception):
    """A problem with the database the pack reads: reported in one line."""


def package_versions() -> dict[str, str]:
    """The versions of the software that wrote the pack (the build's own are in the run stamp)."""
    versions = {"python": platform.python_version(), "duckdb": duckdb.__version__}
    for dist in ("dbt-core", "dbt-duckdb", "xlsxwriter"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    versions["credit-to-cash"] = c2c.__version__
    return versions


def _open(db_path: Path) -> duckdb.DuckDBPyConnection:
    if not db_path.is_file():
        raise AuditPackError(f"database {db_path} does not exist (set C2C_DUCKDB_PATH or --db, and build the "
                             "project with dbt build)")
    try:
        con = connect_built(db_path)
    except duckdb.Error as exc:
        raise AuditPackError(f"database {db_path} cannot be opened: {str(exc).splitlines()[0]}") from None
    missing = [table for table in REQUIRED_TABLES if not table_exists(con, table)]
    if missing:
        con.close()
        hint = (" (a build of your own event log with c2c byo-log has no dunning conformance: the pack needs a "
                "build of a D365 / HighRadius landing zone)" if "fct_dunning_conformance" in missing else
                " (build the project with dbt build)")
        raise AuditPackError(f"database {db_path} has no table {', '.join(missing)}{hint}")
    return con


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sql_path(path: Path) -> str:
    """A file path as the text of an SQL string literal."""
    return path.as_posix().replace("'", "''")


def _copy_csv(con, sql: str, params: dict, out: Path) -> int:
    """Write the query's rows to out as CSV (header, comma, double quotes, \\n); returns the row count."""
    view = f"audit_pack_{out.stem}"
    con.execute(f"create or replace temp table {view} as {sql}", params).fetchall()
    con.execute(f"copy (select * from {view}) to '{_sql_path(out)}' "
                "(format csv, header true, delimiter ',', quote '\"', "
                "timestampformat '%Y-%m-%d %H:%M:%S', dateformat '%Y-%m-%d')").fetchall()
    return con.execute(f"select count(*) from {view}").fetchall()[0][0]


def _cell(value):
    """A value as the workbook writes it: numbers and booleans as such, everything else as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return float(value) if value.__class__.__name__ == "Decimal" else str(value)


def _write_sheet(workbook, sheet_name: str, con, table: str, columns: list[str], rows: int, csv_name: str,
                 limit: int, bold) -> int:
    """Write the first `limit` rows of the temp table to a sheet; a last row says when rows were left out."""
    sheet = workbook.add_worksheet(sheet_name)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, columns, bold)
    shown = min(rows, limit)
    result = con.execute(f"select * from {table} limit {shown}")
    r = 1
    while True:
        batch = result.fetchmany(FETCH_ROWS)
        if not batch:
            break
        for row in batch:
            sheet.write_row(r, 0, [_cell(v) for v in row])
            r += 1
    if rows > shown:
        sheet.write(r, 0, f"Only the first {shown:,} of {rows:,} rows are in this sheet; {csv_name} holds every row.",
                    bold)
    return shown


def _normalise_zip(path: Path) -> None:
    """Rewrite a zip with sorted entries, a fixed date and fixed permissions (byte-deterministic)."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for name, data in entries:  # keep the writer's order: [Content_Types].xml must come first
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, data, compresslevel=6)
    tmp.replace(path)


def _write_zip(folder: Path, zip_path: Path) -> None:
    """Zip the folder's files under the folder's name: sorted, fixed dates and permissions."""
    tmp = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for path in sorted(folder.iterdir(), key=lambda p: p.name.encode()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.name}", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            with path.open("rb") as src, archive.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    tmp.replace(zip_path)


def _readme(stamp_text: str, stamp: dict, versions: dict, written: list[tuple[Part, int, int]], sample_size: int,
            seed: int, workbook_rows: int) -> str:
    lines = [
        "AUDIT PACK: dunning-policy conformance evidence",
        "",
        "Run stamp (the build every file of this pack comes from):",
        f"  {stamp_text}",
        "",
        *(f"  {key}: {value}" for key, value in stamp.items()),
        "",
        "Written by: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        f"Sample: {sample_size} invoices per group, seed {seed}.",
        "",
        "HOW TO CHECK IT",
        "  manifest.json lists every other file of this folder with its size in bytes and SHA-256;",
        "  recompute them (sha256sum FILE) and compare. The same build, sample size and seed give",
        "  byte-identical files: run c2c audit-pack again and compare the manifests.",
        "  The zip beside the folder (<folder>.zip) holds the same files under the folder's name.",
        "",
        "FORMAT",
        "  CSV: UTF-8, comma, double quotes where needed, header row, \\n line ends; timestamps",
        "  'YYYY-MM-DD HH:MM:SS' in UTC, dates 'YYYY-MM-DD', empty field = no value. Rows are",
        "  sorted by the key given for each file.",
        "  audit_pack.xlsx: one sheet per file below (run_metadata first). A sheet holds at most",
        f"  {workbook_rows:,} data rows (Excel's own limit is {EXCEL_MAX_ROWS - 1:,} below the header); when a",
        "  part is larger its sheet ends with a line saying so, and the CSV file holds every row.",
        "",
        "FILES",
        "",
        "run_metadata.csv  - the run stamp, the software versions and the pack's parameters",
        *(f"    {name}: {meaning}" for name, meaning in RUN_METADATA_COLUMNS),
        "",
    ]
    for part, rows, shown in written:
        lines.append(f"{part.csv}  - {part.title} ({rows:,} rows"
                     + (f"; the workbook shows the first {shown:,}" if shown < rows else "") + ")")
        lines += [f"    {name}: {meaning}" for name, meaning in part.columns]
        lines.append("")
    lines += [
        "audit_pack.xlsx  - the workbook: the CSV files as sheets",
        "README.txt  - this file",
        "manifest.json  - size and SHA-256 of every file above, and the run stamp",
        "",
    ]
    return "\n".join(lines)


def write_audit_pack(db_path: str | Path, out: str | Path, sample_size: int = 25, seed: int = 1,
                     workbook_rows: int = DEFAULT_WORKBOOK_ROWS,
                     progress: Callable[[str], None] | None = None) -> dict:
    """Write the audit pack of the built database db_path to the folder out and to out.zip.

    Returns the manifest (dict). The folder is replaced when it holds an earlier pack; a
    folder holding anything else is refused.
    """
    if not 1 <= workbook_rows < EXCEL_MAX_ROWS:
        raise ValueError(f"workbook_rows must be from 1 to {EXCEL_MAX_ROWS - 1}, got {workbook_rows}")
    import xlsxwriter

    note = progress or (lambda _text: None)
    db_path, out = Path(db_path), Path(out)
    zip_path = out.with_name(out.name + ".zip")
    if out.exists():
        if not out.is_dir():
            raise AuditPackError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / "manifest.json").is_file():
            raise AuditPackError(f"{out} is not empty and holds no audit pack (no manifest.json): choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)

    con = _open(db_path)
    try:
        try:
            stamp = read_run_stamp(con)
        except RunStampMissing as exc:
            raise AuditPackError(f"database {db_path}: {exc}") from None
        stamp_dict = stamp.as_dict()
        versions = package_versions()
        params = {"seed": seed, "size": sample_size}

        metadata_rows = ([(key, str(value)) for key, value in stamp_dict.items()]
                         + [(f"version:{name}", value) for name, value in versions.items()]
                         + [("pack:sample_size", str(sample_size)), ("pack:seed", str(seed)),
                            ("pack:workbook_rows", str(workbook_rows))])
        con.execute("create or replace temp table audit_pack_run_metadata (ordinal integer, key varchar, "
                    "value varchar)").fetchall()
        con.executemany("insert into audit_pack_run_metadata values (?, ?, ?)",
                        [(i, k, v) for i, (k, v) in enumerate(metadata_rows)])
        con.execute(f"copy (select key, value from audit_pack_run_metadata order by ordinal) to "
                    f"'{_sql_path(out / 'run_metadata.csv')}' (format csv, header true)").fetchall()

        workbook = xlsxwriter.Workbook(str(out / "audit_pack.xlsx"),
                                       {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
        workbook.set_properties({"title": "Audit pack: dunning-policy conformance", "author": stamp.project_name,
                                 "comments": stamp.as_text(), "created": WORKBOOK_DATE})
        workbook.set_calc_mode("manual")
        bold = workbook.add_format({"bold": True})
        meta_sheet = workbook.add_worksheet("run_metadata")
        meta_sheet.write_row(0, 0, ["key", "value"], bold)
        for r, (key, value) in enumerate(metadata_rows, start=1):
            meta_sheet.write_row(r, 0, [key, value])

        written: list[tuple[Part, int, int]] = []
        for part in parts():
            note(f"writing {part.csv}")
            rows = _copy_csv(con, part.sql, params if "$seed" in part.sql else {}, out / part.csv)
            columns = [row[0] for row in con.execute(f"describe audit_pack_{part.name}").fetchall()]
            expected = [name for name, _ in part.columns]
            if columns != expected:  # the README documents exactly the columns written
                raise AssertionError(f"{part.csv}: columns {columns} differ from the documented {expected}")
            shown = _write_sheet(workbook, part.sheet, con, f"audit_pack_{part.name}", columns, rows, part.csv,
                                 workbook_rows, bold)
            written.append((part, rows, shown))
        note("writing audit_pack.xlsx")
        workbook.close()
        _normalise_zip(out / "audit_pack.xlsx")
    finally:
        con.close()

    (out / "README.txt").write_text(
        _readme(stamp.as_text(), stamp_dict, versions, written, sample_size, seed, workbook_rows), encoding="utf-8")

    note("writing manifest.json")
    row_counts = {part.csv: rows for part, rows, _ in written}
    row_counts["run_metadata.csv"] = len(metadata_rows)
    files = []
    for path in sorted(out.iterdir(), key=lambda p: p.name.encode()):
        entry = {"file": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)}
        if path.name in row_counts:
            entry["rows"] = row_counts[path.name]
        files.append(entry)
    manifest = {"run_stamp": stamp_dict, "sample_size": sample_size, "seed": seed, "workbook_rows": workbook_rows,
                "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    note(f"writing {zip_path.name}")
    _write_zip(out, zip_path)
    return manifest
