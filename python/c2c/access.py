"""Access and ownership of the dbt models, checked on a dbt manifest.

The stable interface of the project is its public models: every model of models/marts/ and the
core event_log and cases (models/_groups.yml, docs/architecture.md). A public SQL model has an
enforced contract; a public Python model cannot have one (dbt enforces contracts on SQL models
only), so its columns are declared with their data types in its YAML and checked against the
built table instead (``python_schema_problems``). Every model belongs to a group with an owner.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Iterable

PUBLIC_OUTSIDE_MARTS = frozenset({"event_log", "cases"})


def _models(manifest: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"].get("enabled", True):
            yield node


def is_interface(node: dict[str, Any]) -> bool:
    """Whether a model belongs to the stable interface (and so must be public)."""
    parts = PurePosixPath(node["original_file_path"]).parts
    return parts[:2] == ("models", "marts") or node["name"] in PUBLIC_OUTSIDE_MARTS


def public_models(manifest: dict[str, Any]) -> list[str]:
    """The names of the public models of a manifest, sorted."""
    return sorted(node["name"] for node in _models(manifest) if node.get("access") == "public")


def access_problems(manifest: dict[str, Any]) -> list[str]:
    """Every breach of the access rules in a dbt manifest, one line each (empty: none)."""
    problems = []
    groups = {g["name"]: g for g in manifest.get("groups", {}).values()}
    for name, group in sorted(groups.items()):
        owner = group.get("owner") or {}
        if not (owner.get("name") and owner.get("email")):
            problems.append(f"group {name}: no owner name and email")
    for node in sorted(_models(manifest), key=lambda n: n["name"]):
        name, access = node["name"], node.get("access")
        group = node.get("group") or node["config"].get("group")
        if not group:
            problems.append(f"{name}: no group")
        elif group not in groups:
            problems.append(f"{name}: group {group} is not declared")
        if is_interface(node) and access != "public":
            problems.append(f"{name}: part of the stable interface but access {access}")
        if not is_interface(node) and access == "public":
            problems.append(f"{name}: public but not a mart (public models: models/marts/, event_log, cases)")
        if access != "public":
            continue
        if not (node.get("description") or "").strip():
            problems.append(f"{name}: public without a description")
        columns = node.get("columns") or {}
        if not columns:
            problems.append(f"{name}: public without declared columns")
        for column in columns.values():
            if not (column.get("description") or "").strip():
                problems.append(f"{name}.{column['name']}: public column without a description")
            if not column.get("data_type"):
                problems.append(f"{name}.{column['name']}: public column without a data_type")
        enforced = (node["config"].get("contract") or {}).get("enforced", False)
        if node.get("language", "sql") == "sql" and not enforced:
            problems.append(f"{name}: public without an enforced contract")
    return problems


def python_public_models(manifest: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Public Python models (no contract possible) -> their declared {column: data_type}."""
    return {node["name"]: {c["name"]: (c.get("data_type") or "").lower() for c in node["columns"].values()}
            for node in _models(manifest) if node.get("access") == "public" and node.get("language") == "python"}


def _engine_type(con, data_type: str) -> str:
    """A declared type as the connected engine names it (lower case); the text itself when the
    engine does not know it, so that the comparison reports it."""
    try:
        return con.execute(f"select lower(typeof(cast(null as {data_type})))").fetchall()[0][0]
    except Exception:  # noqa: BLE001 - an unknown type name is a difference, reported below
        return data_type


def python_schema_problems(declared: dict[str, dict[str, str]], con) -> list[str]:
    """Where a built public Python model differs from its declared columns and types (the check
    that stands in for a contract); ``con`` is a connection to the built database."""
    problems = []
    for model, columns in sorted(declared.items()):
        built = con.execute("select column_name, lower(data_type) from information_schema.columns "
                            "where table_name = ? order by ordinal_position", [model]).fetchall()
        if not built:
            problems.append(f"{model}: not built")
            continue
        # the declared names as the engine spells them (`string` is DuckDB's VARCHAR)
        columns = {c: _engine_type(con, t) for c, t in columns.items()}
        if dict(built) != columns or [c for c, _ in built] != list(columns):
            problems.append(f"{model}: built columns {built} differ from the declared {list(columns.items())}")
    return problems
