"""The structured landing-zone contract (``spec.yml``): loaded, checked, and read as objects.

``load_spec()`` returns a :class:`Contract`: its systems (``d365``, ``highradius``), their tables
in file order, each table's columns in landing order (``Table.columns``: the table's own columns;
``Table.all_columns``: followed by the system's record columns, the D365 lake columns or
HighRadius ``extracted_at``). Everything that states the landing zone (the dbt sources, the
quarantine macro, the quality suites, the enumerated values, the census) is derived from it.

A malformed file raises :class:`ContractError`, whose message names the file and the place in
it (``systems.d365.tables.custtrans.columns.transtype.values``) and says what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH: Path = Path(__file__).with_name("spec.yml")

__all__ = ["SPEC_PATH", "SYSTEMS", "TYPES", "Column", "ContractError", "Contract", "System", "Table", "load_spec",
           "parse_spec"]

SYSTEMS = ("d365", "highradius")
TYPES = ("bigint", "integer", "decimal", "date", "timestamp", "varchar")
REQUIRED = ("always", "live")
DOMAINS = ("currency",)
LETTER_CASES = ("any",)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SYSTEM_KEYS = {"description", "loader", "record_columns", "common_columns", "tables"}
_TABLE_KEYS = {"description", "key", "optional", "columns"}
_COLUMN_KEYS = {"type", "required", "values", "enum", "references", "domain", "letter_case", "quote", "description"}
_COMMON_KEYS = {"description", "letter_case"}


class ContractError(ValueError):
    """The contract file is malformed; the message names the file and where."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: str | None = None  # "always", "live" or None (may be NULL)
    values: tuple[tuple[int | str, str], ...] = ()  # enumerated values with their labels
    enum: str | None = None
    references: str | None = None  # "system.table.column"
    domain: str | None = None
    letter_case: str | None = None
    quote: bool = False

    @property
    def value_set(self) -> list[int | str]:
        return [v for v, _ in self.values]


@dataclass(frozen=True)
class Table:
    system: str
    name: str
    description: str
    columns: tuple[Column, ...]  # the table's own columns, in landing order
    record_columns: tuple[Column, ...]  # the system's columns every table carries after its own
    key: tuple[str, ...] = ()
    optional: bool = False

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.record_columns

    def column(self, name: str) -> Column:
        for c in self.all_columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.system}.{self.name} has no column {name!r}")

    @property
    def missing_key_columns(self) -> tuple[str, ...]:
        """Columns a usable row cannot do without (staging's MISSING_KEY): the key and every
        required column, in landing order."""
        return tuple(c.name for c in self.columns if c.name in self.key or c.required)


@dataclass(frozen=True)
class System:
    name: str
    description: str
    loader: str
    record_columns: tuple[Column, ...]
    tables: dict[str, Table] = field(default_factory=dict)


@dataclass(frozen=True)
class Contract:
    path: Path
    systems: dict[str, System]

    def table(self, system: str, table: str) -> Table:
        return self.systems[system].tables[table]

    def tables(self) -> list[Table]:
        return [t for s in self.systems.values() for t in s.tables.values()]

    def as_dict(self) -> dict[str, Any]:
        """The shape ``c2c.contract.load_contract()`` returns: ``lake_columns`` (name -> type and
        meaning) and, per system, table -> column -> logical type, in file order."""
        out: dict[str, Any] = {"lake_columns": {c.name: {"type": c.type, "meaning": c.description}
                                                for c in self.systems["d365"].record_columns}}
        for system in self.systems.values():
            out[system.name] = {t.name: {c.name: c.type for c in t.columns} for t in system.tables.values()}
        return out


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"key {key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> ContractError:
        return ContractError(f"{self.path}: {where}: {message}")

    def mapping(self, value: Any, where: str, allowed: set[str] | None = None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {_kind(value)}")
        if allowed is not None:
            unknown = sorted(str(k) for k in value if k not in allowed)
            if unknown:
                raise self.fail(where, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected a non-empty text, got {_kind(value)}")
        return " ".join(value.split())

    def name(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise self.fail(where, f"{value!r} is not a lower-case name (letters, digits, _)")
        return value

    def choice(self, value: Any, where: str, choices: tuple) -> Any:
        if value not in choices:
            raise self.fail(where, f"{value!r} is not one of {', '.join(map(str, choices))}")
        return value

    def column(self, name: str, raw: Any, where: str, common: dict[str, dict]) -> Column:
        spec = self.mapping(raw, where, _COLUMN_KEYS)
        if "type" not in spec:
            raise self.fail(where, "no type")
        type_ = self.choice(spec["type"], f"{where}.type", TYPES)
        shared = common.get(name, {})
        description = spec.get("description", shared.get("description"))
        if description is None:
            raise self.fail(where, "no description (give one, or one in common_columns)")
        required = spec.get("required")
        if required is not None:
            self.choice(required, f"{where}.required", REQUIRED)
        values = self.values(spec.get("values"), type_, f"{where}.values")
        enum = spec.get("enum")
        if enum is not None:
            if not values or type_ != "integer":
                raise self.fail(f"{where}.enum", "only an integer column with values names an enum")
            enum = self.text(enum, f"{where}.enum")
        references = spec.get("references")
        if references is not None and (not isinstance(references, str)
                                       or not re.fullmatch(r"([a-z0-9_]+\.)?[a-z0-9_]+\.[a-z0-9_]+", references)):
            raise self.fail(f"{where}.references", f"{references!r} is not table.column or system.table.column")
        domain = spec.get("domain")
        if domain is not None:
            self.choice(domain, f"{where}.domain", DOMAINS)
            if type_ != "varchar":
                raise self.fail(f"{where}.domain", f"a {domain} column holds text, not {type_}")
        letter_case = spec.get("letter_case", shared.get("letter_case"))
        if letter_case is not None:
            self.choice(letter_case, f"{where}.letter_case", LETTER_CASES)
        quote = spec.get("quote", False)
        if not isinstance(quote, bool):
            raise self.fail(f"{where}.quote", f"expected true or false, got {quote!r}")
        return Column(name=name, type=type_, description=self.text(description, f"{where}.description"),
                      required=required, values=values, enum=enum, references=references, domain=domain,
                      letter_case=letter_case, quote=quote)

    def values(self, raw: Any, type_: str, where: str) -> tuple[tuple[int | str, str], ...]:
        if raw is None:
            return ()
        if type_ not in ("integer", "bigint", "varchar"):
            raise self.fail(where, f"a {type_} column has no enumerated values")
        if isinstance(raw, list):
            pairs = [(v, str(v)) for v in raw]
        elif isinstance(raw, dict):
            pairs = list(raw.items())
        else:
            raise self.fail(where, f"expected a list or a mapping value -> label, got {_kind(raw)}")
        if not pairs:
            raise self.fail(where, "no values")
        out, seen = [], set()
        for value, label in pairs:
            want_int = type_ in ("integer", "bigint")
            if want_int and (isinstance(value, bool) or not isinstance(value, int)):
                raise self.fail(where, f"{value!r} is not a whole number (the column is {type_})")
            if not want_int and not (isinstance(value, str) and value.strip() == value and value):
                raise self.fail(where, f"{value!r} is not a text value (quote it: YAML reads yes, no, on, off "
                                       "and numbers otherwise)")
            if not isinstance(label, str) or not label.strip():
                raise self.fail(where, f"the label of {value!r} is {label!r}, not a text (quote it: YAML reads "
                                       "No, Yes, On, Off as booleans)")
            if value in seen:
                raise self.fail(where, f"{value!r} is listed twice")
            seen.add(value)
            out.append((value, " ".join(label.split())))
        return tuple(out)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"the text {value!r}"}.get(type(value), f"{value!r}")


def parse_spec(text: str, path: Path | str = SPEC_PATH) -> Contract:
    """The contract in ``text`` (the contents of a spec file; ``path`` names it in errors)."""
    path = Path(path)
    r = _Reader(path)
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise ContractError(f"{path}: not valid YAML{where}: {problem}") from None
    top = r.mapping(raw, "the top level", {"systems"})
    systems_raw = r.mapping(top.get("systems"), "systems")
    if list(systems_raw) != list(SYSTEMS):
        raise r.fail("systems", f"expected {', '.join(SYSTEMS)} in this order, got {', '.join(map(str, systems_raw))}")
    systems: dict[str, System] = {}
    for sys_name in SYSTEMS:
        where = f"systems.{sys_name}"
        s = r.mapping(systems_raw[sys_name], where, _SYSTEM_KEYS)
        for required_key in ("description", "loader", "record_columns", "tables"):
            if required_key not in s:
                raise r.fail(where, f"no {required_key}")
        common_raw = r.mapping(s.get("common_columns") or {}, f"{where}.common_columns")
        common = {r.name(n, f"{where}.common_columns"): r.mapping(c, f"{where}.common_columns.{n}", _COMMON_KEYS)
                  for n, c in common_raw.items()}
        record_columns = tuple(r.column(r.name(n, f"{where}.record_columns"), c, f"{where}.record_columns.{n}", common)
                               for n, c in r.mapping(s["record_columns"], f"{where}.record_columns").items())
        tables: dict[str, Table] = {}
        for t_name, t_raw in r.mapping(s["tables"], f"{where}.tables").items():
            tw = f"{where}.tables.{r.name(t_name, f'{where}.tables')}"
            t = r.mapping(t_raw, tw, _TABLE_KEYS)
            if "columns" not in t:
                raise r.fail(tw, "no columns")
            columns = tuple(r.column(r.name(n, f"{tw}.columns"), c, f"{tw}.columns.{n}", common)
                            for n, c in r.mapping(t["columns"], f"{tw}.columns").items())
            if not columns:
                raise r.fail(f"{tw}.columns", "no columns")
            names = [c.name for c in columns]
            clash = sorted(set(names) & {c.name for c in record_columns})
            if clash:
                raise r.fail(f"{tw}.columns.{clash[0]}", "is a record column of every table: leave it out here")
            optional = t.get("optional", False)
            if not isinstance(optional, bool):
                raise r.fail(f"{tw}.optional", f"expected true or false, got {optional!r}")
            key = t.get("key", [])
            if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
                raise r.fail(f"{tw}.key", f"expected a list of column names, got {_kind(key)}")
            if not key and not optional:
                raise r.fail(tw, "no key (only an optional table may have none)")
            for k in key:
                if k not in names:
                    raise r.fail(f"{tw}.key", f"{k!r} is not a column of the table")
            for c in columns:
                if c.required == "live" and sys_name != "d365":
                    raise r.fail(f"{tw}.columns.{c.name}.required", "live needs deletion rows (isdelete): D365 only")
            tables[t_name] = Table(system=sys_name, name=t_name, description=r.text(t.get("description"), f"{tw}.description"),
                                   columns=columns, record_columns=record_columns, key=tuple(key), optional=optional)
        systems[sys_name] = System(name=sys_name, description=r.text(s["description"], f"{where}.description"),
                                   loader=r.text(s["loader"], f"{where}.loader"), record_columns=record_columns,
                                   tables=tables)
    contract = Contract(path=path, systems=systems)
    _check_references(contract, r)
    return contract


def _check_references(contract: Contract, r: _Reader) -> None:
    """Every reference names an existing table and column; stored fully qualified
    (system.table.column)."""
    for system in contract.systems.values():
        for name, table in list(system.tables.items()):
            columns = []
            for c in table.columns:
                if c.references is not None:
                    parts = c.references.split(".")
                    ref_system, ref_table, ref_column = parts if len(parts) == 3 else [system.name, *parts]
                    where = f"systems.{system.name}.tables.{name}.columns.{c.name}.references"
                    if ref_system not in contract.systems or ref_table not in contract.systems[ref_system].tables:
                        raise r.fail(where, f"{c.references!r}: no table {ref_system}.{ref_table}")
                    if ref_column not in [x.name for x in contract.table(ref_system, ref_table).all_columns]:
                        raise r.fail(where, f"{c.references!r}: {ref_system}.{ref_table} has no column {ref_column!r}")
                    c = replace(c, references=f"{ref_system}.{ref_table}.{ref_column}")
                columns.append(c)
            system.tables[name] = replace(table, columns=tuple(columns))


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> Contract:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    return parse_spec(text, p)


def load_spec(path: Path | str = SPEC_PATH) -> Contract:
    """The structured contract (``spec.yml`` by default), checked. Cached while the file is
    unchanged."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise ContractError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    return _load_cached(str(p), mtime)
