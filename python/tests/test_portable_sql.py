"""The SQL is portable: DuckDB-only syntax lives only in dispatched macros.

The project builds on DuckDB and is meant to build on Spark (docs/spark.md). This test reads
the SQL of models/, macros/ and tests/ and the YAML of the project (models, seeds, unit-test
fixtures, dbt_project.yml) and fails, naming file, line and construct, on syntax that only
DuckDB understands: `::` casts, QUALIFY, SELECT * EXCLUDE / REPLACE, list functions and list
literals, the file readers (read_parquet, read_csv, glob), strftime / strptime and the other
DuckDB-only functions listed in DUCKDB_ONLY, temporary tables and DuckDB's CSV reject tables,
the type name `varchar` (Spark: `string`; both engines accept `string`) and DuckDB's own type
names, and the incremental strategy `delete+insert` without a choice per adapter. An
exception still to be moved would be listed in PENDING with its reason (none is left); the test
fails when one of them is gone, so that the list does not outlive them.

Allowed: a macro `duckdb__<name>` whose macro `<name>` dispatches (adapter.dispatch) and which
has a `default__<name>` or `spark__<name>` implementation beside it; and the `external_location`
of a source (dbt-duckdb's configuration, which other adapters do not read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SQL_FOLDERS = ("models", "macros", "tests")
YAML_FOLDERS = ("models", "macros", "tests", "seeds")

# Types only DuckDB has (unsigned and 128-bit integers, its own aliases).
DUCKDB_TYPES = r"\b(?:utinyint|usmallint|uinteger|ubigint|hugeint|uhugeint|timestamptz|varint|bpchar)\b"
# DuckDB-only syntax in SQL, matched on the code without comments (Jinja included: SQL that a
# macro sends with run_query counts too). Name -> pattern (case-insensitive).
DUCKDB_ONLY = {
    "'::' cast": r"(?<!:)::(?!:)",
    "QUALIFY": r"\bqualify\b",
    "SELECT * EXCLUDE/REPLACE": r"\*\s*(?:exclude|replace)\s*\(",
    "file reader (read_parquet/read_csv/read_json/read_blob/read_text)":
        r"(?<![.\w])read_(?:parquet|csv|csv_auto|json|json_auto|ndjson|blob|text)\s*\(",
    "glob()": r"(?<![.\w])glob\s*\(",
    "strftime/strptime": r"(?<![.\w])(?:strftime|strptime)\s*\(",
    "list function": r"(?<![.\w])(?:list_\w+|array_length|len|unnest|flatten|string_split\w*|"
                     r"str_split\w*|string_to_array|list|array_value)\s*\(",
    "generate_series/range table function": r"(?<![.\w])generate_series\s*\(",
    "DuckDB-only function": r"(?<![.\w])(?:getvariable|epoch|epoch_ms|epoch_us|epoch_ns|make_date|"
                            r"make_time|make_timestamp|make_timestamptz|regexp_matches|"
                            r"regexp_full_match|string_agg|group_concat|struct_pack|struct_extract|"
                            r"struct_insert|sha256|hash|arg_max|arg_min|argmax|argmin|"
                            r"quantile_cont|quantile_disc|quantile|strpos|starts_with|"
                            r"printf|error|timezone|date_diff|datediff|date_sub|date_add|age|"
                            r"to_timestamp|current_localtimestamp|current_setting|"
                            r"try_strptime|bit_count|md5_number|from_json|json_extract\w*|"
                            r"typeof|pg_typeof|nextval)\s*\(",
    "'varchar' type (Spark: string)": r"\bvarchar\b",
    "temporary table (Spark: temporary view)": r"\btemp(?:orary)?\s+table\b",
    "DuckDB CSV reject tables": r"\breject_(?:errors|scans)\b",
    "DuckDB-only type": DUCKDB_TYPES,
}
# Outside Jinja only: a list literal (`[1, 2]`, `['a']`) and DuckDB's range(); Jinja has lists
# and range() of its own.
DUCKDB_ONLY_SQL_TEXT = {
    "list literal": r"(?<![\w\]\)])\[\s*(?:'|\d|-\d)",
    "range() table function": r"(?<![.\w])range\s*\(",
}
STRATEGY = re.compile(r"delete\+insert", re.I)
# A strategy chosen per adapter names the adapter on the same line (target.type / adapter.type()).
PER_ADAPTER = re.compile(r"target\.type|adapter\.type\(\)|target\.name", re.I)

# Known exceptions, each with its reason; the test fails when one no longer occurs (stale).
PENDING: set[tuple[str, str]] = set()

MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\s*\(.*?%}(.*?){%-?\s*endmacro\s*-?%}", re.S)
DISPATCH = re.compile(r"adapter\.dispatch\(\s*['\"](\w+)['\"]")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    construct: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.construct}"


def _blank(match: re.Match) -> str:
    """The match replaced by spaces, line breaks kept (line numbers stay right)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def strip_comments(sql: str) -> str:
    """SQL without Jinja comments, block comments and line comments (strings kept)."""
    sql = re.sub(r"{#.*?#}", _blank, sql, flags=re.S)
    sql = re.sub(r"/\*.*?\*/", _blank, sql, flags=re.S)
    out = []
    for line in sql.split("\n"):
        # a '--' inside a quoted string is not a comment
        quoted, cut = False, len(line)
        for i, ch in enumerate(line):
            if ch == "'":
                quoted = not quoted
            elif not quoted and line.startswith("--", i):
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


def strip_jinja(sql: str) -> str:
    """SQL text only: Jinja expressions and statements blanked."""
    return re.sub(r"{{.*?}}|{%.*?%}", _blank, sql, flags=re.S)


def exempt_spans(sql: str, dispatched: set[str], implemented: set[str]) -> list[tuple[int, int]]:
    """Character spans of the macros allowed to hold DuckDB-only syntax: duckdb__<name>, when
    <name> dispatches and a default__<name> or spark__<name> sits beside it."""
    spans = []
    for m in MACRO.finditer(sql):
        name = m.group(1)
        if name.startswith("duckdb__"):
            base = name[len("duckdb__"):]
            if base in dispatched and ({f"default__{base}", f"spark__{base}"} & implemented):
                spans.append(m.span())
        elif name.startswith(("spark__", "postgres__")):
            # another engine's implementation: not DuckDB syntax by construction
            spans.append(m.span())
    return spans


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def scan_sql(path: str, sql: str, dispatched: set[str], implemented: set[str]) -> list[Finding]:
    code = strip_comments(sql)
    text_only = strip_jinja(code)
    spans = exempt_spans(code, dispatched, implemented)
    found = []
    for patterns, subject in ((DUCKDB_ONLY, code), (DUCKDB_ONLY_SQL_TEXT, text_only)):
        for construct, pattern in patterns.items():
            for m in re.finditer(pattern, subject, re.I):
                if not any(a <= m.start() < b for a, b in spans):
                    found.append(Finding(path, _line(subject, m.start()), construct))
    for m in STRATEGY.finditer(code):
        line_no = _line(code, m.start())
        line = code.split("\n")[line_no - 1]
        if not PER_ADAPTER.search(line) and not any(a <= m.start() < b for a, b in spans):
            found.append(Finding(path, line_no, "incremental strategy delete+insert without a per-adapter choice"))
    return found


def _yaml_strings(node, keys=()):
    """(key path, value) for every string in a YAML document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _yaml_strings(v, keys + (str(k),))
    elif isinstance(node, list):
        for v in node:
            yield from _yaml_strings(v, keys)
    elif isinstance(node, str):
        yield keys, node


def scan_yaml(path: str, text: str) -> list[Finding]:
    """Types (data_type, column_types), unit-test fixture SQL and incremental strategies."""
    found = []
    doc = yaml.safe_load(text) or {}
    lines = text.split("\n")

    used: set[int] = set()

    def where(key: str, value: str) -> int:
        """The first line not yet reported that holds the key and the value's first line."""
        first = value.strip().split("\n")[0].strip()
        for pattern in ([rf"\b{re.escape(key)}\b.*{re.escape(first)}"] if key else []) + [re.escape(first)]:
            for i, line in enumerate(lines, 1):
                if i not in used and re.search(pattern, line):
                    used.add(i)
                    return i
        return 0

    for keys, value in _yaml_strings(doc):
        if "external_location" in keys or "description" in keys[-1:]:
            continue  # dbt-duckdb's own configuration; prose
        if "data_type" in keys[-1:] or "column_types" in keys:
            if re.search(r"\bvarchar\b", value, re.I):
                found.append(Finding(path, where(keys[-1], value), "'varchar' type (Spark: string)"))
            if re.search(DUCKDB_TYPES, value, re.I):
                found.append(Finding(path, where(keys[-1], value), "DuckDB-only type"))
        elif "rows" in keys[-1:] or "sql" in keys[-1:]:
            # SQL fixtures of unit tests (format: sql)
            for f in scan_sql(path, value, set(), set()):
                found.append(Finding(path, where("", value.split("\n")[f.line - 1]), f.construct))
        elif "incremental_strategy" in keys[-1:] and STRATEGY.search(value) and not PER_ADAPTER.search(value):
            found.append(Finding(path, where(keys[-1], value), "incremental strategy delete+insert without a per-adapter choice"))
    return found


def project_findings(repo: Path = REPO) -> list[Finding]:
    sql_files = sorted(p for folder in SQL_FOLDERS for p in (repo / folder).rglob("*.sql"))
    texts = {p: p.read_text(encoding="utf-8") for p in sql_files}
    macros_text = "\n".join(t for p, t in texts.items() if p.parts[len(repo.parts)] == "macros")
    implemented = {m.group(1) for m in MACRO.finditer(strip_comments(macros_text))}
    dispatched = set(DISPATCH.findall(strip_comments(macros_text)))
    found = []
    for p, sql in texts.items():
        found += scan_sql(p.relative_to(repo).as_posix(), sql, dispatched, implemented)
    yaml_files = sorted(p for folder in YAML_FOLDERS for p in (repo / folder).rglob("*.yml"))
    for p in yaml_files + [repo / "dbt_project.yml"]:
        found += scan_yaml(p.relative_to(repo).as_posix(), p.read_text(encoding="utf-8"))
    return sorted(set(found), key=lambda f: (f.path, f.line, f.construct))


def test_no_duckdb_only_syntax_outside_dispatched_macros():
    findings = project_findings()
    problems = [str(f) for f in findings if (f.path, f.construct) not in PENDING]
    assert not problems, "DuckDB-only syntax outside a dispatched macro (docs/spark.md):\n" + "\n".join(problems)
    stale = PENDING - {(f.path, f.construct) for f in findings}
    assert not stale, f"no longer found, remove from PENDING: {sorted(stale)}"


MODEL = """{{ config(materialized='table') }}
-- a comment may say read_csv( or x::int
select a::int as a, '[not a list]' as b, {{ some_macro(['x', 'y']) }} as c
from {{ ref('m') }}
qualify row_number() over (partition by a) = 1
"""

MACROS = """{% macro f(x) %}{{ return(adapter.dispatch('f', 'credit_to_cash')(x)) }}{% endmacro %}
{% macro default__f(x) %}cast({{ x }} as {{ dbt.type_string() }}){% endmacro %}
{% macro duckdb__f(x) %}{{ x }}::varchar{% endmacro %}
{% macro duckdb__g(x) %}{{ x }}::varchar{% endmacro %}
{% macro h() %}{% set r = run_query("select count(*) from glob('x/*.csv')") %}{% endmacro %}
"""


@pytest.mark.parametrize("construct, sql", [
    ("'::' cast", "select a::int"),
    ("QUALIFY", "select a from t qualify x = 1"),
    ("SELECT * EXCLUDE/REPLACE", "select * exclude (a) from t"),
    ("list literal", "select [1, 2] as l"),
    ("list function", "select list_sort(l), len(l) from t"),
    ("strftime/strptime", "select strftime(d, '%Y')"),
    ("DuckDB-only function", "select epoch(ts), string_agg(a, ','), getvariable('k')"),
    ("'varchar' type (Spark: string)", "select cast(a as varchar)"),
    ("file reader (read_parquet/read_csv/read_json/read_blob/read_text)", "select * from read_parquet('x')"),
    ("incremental strategy delete+insert without a per-adapter choice",
     "{{ config(incremental_strategy='delete+insert') }}"),
])
def test_each_construct_is_found(construct, sql):
    assert construct in {f.construct for f in scan_sql("m.sql", sql, set(), set())}


def test_comments_jinja_lists_and_strings_are_not_findings_and_lines_are_right():
    found = {(f.line, f.construct) for f in scan_sql("m.sql", MODEL, set(), set())}
    assert found == {(3, "'::' cast"), (5, "QUALIFY")}
    # a per-adapter strategy is fine; python's strftime in Jinja is not SQL
    assert not scan_sql("m.sql", "{{ config(incremental_strategy='delete+insert' if target.type == 'duckdb' "
                                 "else 'append') }} {{ run_started_at.strftime('%Y') }}", set(), set())


def test_only_a_dispatched_duckdb_implementation_is_exempt():
    implemented = {m.group(1) for m in MACRO.finditer(MACROS)}
    found = {(f.line, f.construct) for f in scan_sql("macros/x.sql", MACROS, set(DISPATCH.findall(MACROS)), implemented)}
    # duckdb__f is exempt (f dispatches, default__f exists); duckdb__g is not (no g, no default__g);
    # h sends a glob() to the engine whatever the adapter
    assert found == {(4, "'::' cast"), (4, "'varchar' type (Spark: string)"), (5, "glob()")}


def test_yaml_types_fixtures_and_strategies():
    text = """
models:
  - name: m
    description: a varchar column read with read_csv(
    config: {incremental_strategy: delete+insert}
    columns:
      - name: a
        data_type: varchar
      - name: b
        data_type: string
      - name: c
        data_type: ubigint
unit_tests:
  - name: t
    given:
      - input: ref('x')
        format: sql
        rows: |
          select
              cast('a' as varchar) as a
seeds:
  - name: s
    config:
      column_types: {c: varchar}
"""
    found = {(f.line, f.construct) for f in scan_yaml("m.yml", text)}
    assert found == {(5, "incremental strategy delete+insert without a per-adapter choice"),
                     (8, "'varchar' type (Spark: string)"), (12, "DuckDB-only type"),
                     (20, "'varchar' type (Spark: string)"), (24, "'varchar' type (Spark: string)")}
