"""Does the structured contract (``spec.yml``) say what a human-readable contract says?

The human-readable contract (``raw_sources.yml``: the project's copy, or the shared original)
states the tables and objects, their columns in order with a logical type, the lake columns, and
the enumerated values in the comments (read by ``c2c.contract.enums.parse_enums``).
``differences`` lists every place where the structured contract says something else, one line
each, naming the table and column.
"""

from __future__ import annotations

import yaml

from .enums import parse_enums, spec_enums
from .spec import SYSTEMS, Contract

__all__ = ["differences"]


def differences(contract: Contract, text: str, name: str = "raw_sources.yml") -> list[str]:
    """What ``text`` (a human-readable contract, called ``name`` in the messages) and ``contract``
    disagree on: tables, column names and order, types, lake columns, enumerated values and their
    labels. Empty when they agree."""
    spec_name = contract.path.name
    try:
        human = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"{name} is not valid YAML: {' '.join(str(exc).split())}"]
    if not isinstance(human, dict):
        return [f"{name}: expected a mapping at the top level"]
    out: list[str] = []
    lake = {c.name: c.type for c in contract.systems["d365"].record_columns}
    their_lake = {col: (spec or {}).get("type") for col, spec in (human.get("lake_columns") or {}).items()}
    if their_lake != lake:
        out.append(f"lake columns: {their_lake} in {name}, {lake} in {spec_name}")
    for system in SYSTEMS:
        theirs = human.get(system) or {}
        ours = contract.systems[system].tables
        for table in theirs:
            if table not in ours:
                out.append(f"{system}.{table}: in {name}, not in {spec_name}")
        for table in ours:
            if table not in theirs:
                out.append(f"{system}.{table}: in {spec_name}, not in {name}")
        common = [t for t in theirs if t in ours]
        if common != [t for t in ours if t in theirs]:
            out.append(f"{system}: tables in another order in {name} than in {spec_name}")
        for table in common:
            their_cols = theirs[table] or {}
            our_cols = {c.name: c.type for c in ours[table].columns}
            if list(their_cols) != list(our_cols):
                only_theirs = [c for c in their_cols if c not in our_cols]
                only_ours = [c for c in our_cols if c not in their_cols]
                detail = (f"only in {name}: {only_theirs}; " if only_theirs else "") + \
                         (f"only in {spec_name}: {only_ours}; " if only_ours else "")
                out.append(f"{system}.{table}: columns differ ({detail or 'another order; '}"
                           f"{name}: {list(their_cols)})")
            for column, type_ in their_cols.items():
                if column in our_cols and our_cols[column] != type_:
                    out.append(f"{system}.{table}.{column}: {type_} in {name}, {our_cols[column]} in {spec_name}")
    try:
        their_enums = {(e.system, e.table, e.column, e.value): e.label for e in parse_enums(text)}
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        return out + [f"{name}: the enumerated values cannot be read: {exc}"]
    our_enums = {(e.system, e.table, e.column, e.value): e.label for e in spec_enums(contract)}
    for key in sorted(their_enums.keys() | our_enums.keys(), key=str):
        if key not in our_enums:
            out.append(f"{_key(key)} ({their_enums[key]}): enumerated in {name}, not in {spec_name}")
        elif key not in their_enums:
            out.append(f"{_key(key)} ({our_enums[key]}): enumerated in {spec_name}, not in {name}")
        elif their_enums[key] != our_enums[key]:
            out.append(f"{_key(key)}: labelled {their_enums[key]!r} in {name}, {our_enums[key]!r} in {spec_name}")
    return out


def _key(key: tuple) -> str:
    system, table, column, value = key
    return f"{system}.{table}.{column}={value}"
