"""The enumerated values of the raw landing contract.

``contract_enums()`` reads them from the structured contract (``spec.yml``: a column's
``values``, with their labels; the lake column ``isdelete`` belongs to the pseudo-table
``d365.*``, its values must occur in at least one D365 table).

``parse_enums(text)`` reads them from the human-readable contract (``raw_sources.yml``), where
the values a column can take are stated in the comment next to it; YAML loaders drop comments,
so it reads the file line by line. The drift test compares the two. The rule, per column comment:

- integer columns: every ``<code> <Label>`` or ``<code> = <label>`` pair after an optional
  ``EnumName:`` prefix is a value (``transtype: integer  # LedgerTransType: 2 Sales, 8 Cust``,
  ``accounttype: integer  # 1 = customer``); a range ``<lo>..<hi>`` stands for every code in it
  (``collectionlettercode: integer  # dunning level 1..4``); a comment that is only the name of a
  well-known enum whose values the contract does not spell out stands for that enum's values
  (``posted: integer  # NoYes`` -> 0 No, 1 Yes; see ``NAMED_ENUMS``);
- varchar columns: a comment that is nothing but a comma-separated list of identifiers (no spaces
  inside an item) is the list of values (``status: varchar  # OPEN, KEPT, ...``,
  ``typeid: varchar  # Call, Email, Reminder``); any other comment is prose and lists nothing,
  so free-text examples (``# customer segment (e.g. Enterprise, ...)``) and open sets
  (``# SYSTEM or a collector_id``) are not enumerations;
- other types (dates, decimals, timestamps, bigint keys) are never enumerated;
- the lake columns (``lake_columns``, present on every D365 table) are read from their
  ``meaning`` with the integer rule: ``isdelete`` -> 1 (deleted) and 0 (live); they belong to the
  pseudo-table ``d365.*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .spec import SPEC_PATH, Contract, load_spec

__all__ = ["EnumValue", "NAMED_ENUMS", "contract_enums", "copy_enums", "parse_enums", "spec_enums"]

# enums the contract names without listing their values
NAMED_ENUMS: dict[str, tuple[tuple[int, str], ...]] = {"NoYes": ((0, "No"), (1, "Yes"))}

_TABLE = re.compile(r"^  ([a-z0-9_]+):\s*(#.*)?$")
_COLUMN = re.compile(r"^    ([a-z0-9_]+):\s*([a-z]+)\s*(?:#\s*(.*))?$")
_SECTION = re.compile(r"^([a-z0-9_]+):")
_PAIR = re.compile(r"(?<![\w.])(\d+)\s*(?:=\s*)?([A-Za-z][^,;]*)")
_RANGE = re.compile(r"(?<![\w.])(\d+)\.\.(\d+)(?![\w.])")
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True, order=True)
class EnumValue:
    """One enumerated value: ``system.table.column = value`` (value as it lands: int or str)."""

    system: str  # "d365" or "highradius"
    table: str  # "*" for the lake columns of every D365 table
    column: str
    value: int | str
    label: str

    @property
    def key(self) -> str:
        return f"{self.system}.{self.table}.{self.column}={self.value}"


def _integer_values(comment: str) -> list[tuple[int, str]]:
    text = comment.strip()
    if text in NAMED_ENUMS:
        return list(NAMED_ENUMS[text])
    out: list[tuple[int, str]] = []
    for m in _RANGE.finditer(text):
        lo, hi = int(m.group(1)), int(m.group(2))
        out += [(v, str(v)) for v in range(lo, hi + 1)]
    body = _RANGE.sub("", text)
    if ":" in body:
        head, tail = body.split(":", 1)
        body = tail if _IDENT.match(head.strip()) else body
    for m in _PAIR.finditer(body):
        out.append((int(m.group(1)), re.sub(r"\s*\(.*", "", m.group(2)).strip()))
    return out


def _varchar_values(comment: str) -> list[tuple[str, str]]:
    items = [s.strip() for s in comment.split(",")]
    if not items or not all(_IDENT.match(s) for s in items):
        return []
    return [(s, s) for s in items]


def parse_enums(text: str) -> list[EnumValue]:
    """Every enumerated value stated in a contract file's text (see the module doc for the rule)."""
    contract = yaml.safe_load(text)
    out: list[EnumValue] = []
    for column, spec in (contract.get("lake_columns") or {}).items():
        if spec.get("type") in ("integer", "bigint"):
            for value, label in _integer_values(str(spec.get("meaning", ""))):
                out.append(EnumValue("d365", "*", column, value, label))
    section = table = None
    for line in text.splitlines():
        if m := _SECTION.match(line):
            section, table = m.group(1), None
            continue
        if section not in ("d365", "highradius"):
            continue
        if m := _TABLE.match(line):
            table = m.group(1)
            continue
        m = _COLUMN.match(line)
        if not (m and table and m.group(3)):
            continue
        column, logical, comment = m.group(1), m.group(2), m.group(3).strip()
        declared = contract[section][table].get(column)
        if declared != logical:
            raise ValueError(f"contract line for {section}.{table}.{column} says {logical!r}, the YAML says {declared!r}")
        if logical == "integer":
            values = _integer_values(comment)
        elif logical == "varchar":
            values = _varchar_values(comment)
        else:
            values = []
        seen: set = set()
        for value, label in values:
            if value not in seen:
                seen.add(value)
                out.append(EnumValue(section, table, column, value, label))
    return out


def spec_enums(contract: Contract) -> list[EnumValue]:
    """Every enumerated value of a structured contract: the D365 record (lake) columns first, as
    the pseudo-table ``*``, then table by table in file order."""
    out = [EnumValue("d365", "*", c.name, v, label) for c in contract.systems["d365"].record_columns
           for v, label in c.values]
    for table in contract.tables():
        out += [EnumValue(table.system, table.name, c.name, v, label) for c in table.columns for v, label in c.values]
    return out


def contract_enums(path: Path | str = SPEC_PATH) -> list[EnumValue]:
    """The enumerated values of the project's contract (``spec.yml``), in file order."""
    return spec_enums(load_spec(path))


def copy_enums(path: Path | str | None = None) -> list[EnumValue]:
    """The enumerated values stated in the comments of the human-readable contract
    (``raw_sources.yml``, the project's copy by default), in file order."""
    from . import COPY_PATH

    return parse_enums(Path(path or COPY_PATH).read_text(encoding="utf-8"))
