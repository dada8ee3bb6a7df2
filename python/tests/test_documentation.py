"""Documentation coverage of the dbt project, read from the manifest and the built database.

Every model, seed, source, analysis, exposure, unit test, singular data test and project macro
has a description; every column of every table or view the build creates is documented, and
no documented column is missing from its relation (stale documentation). Ephemeral models
have no relation to compare with; their descriptions are still checked.
"""

from __future__ import annotations

import json
from pathlib import Path


from c2c.db import connect_built

PROJECT = "credit_to_cash"


def _manifest(db: Path) -> dict:
    # run_dbt (conftest) keeps the target folder of a database next to it
    return json.loads((db.parent / f"dbt_{db.stem}" / "target" / "manifest.json").read_text())


def _described(node: dict) -> bool:
    return bool((node.get("description") or "").strip())


def test_every_resource_has_a_description(built_default):
    manifest = _manifest(built_default)
    missing = []
    for node in manifest["nodes"].values():
        if node["package_name"] != PROJECT or node["config"].get("enabled") is False:
            continue
        kind = node["resource_type"]
        generic = kind == "test" and node.get("test_metadata")
        if kind in ("model", "seed", "analysis", "snapshot") or (kind == "test" and not generic):
            if not _described(node):
                missing.append(f"{kind} {node['name']}")
    for group in ("sources", "exposures", "unit_tests"):
        for node in manifest.get(group, {}).values():
            if node["package_name"] == PROJECT and not _described(node):
                missing.append(f"{group[:-1]} {node.get('source_name', '')}.{node['name']}".replace(" .", " "))
    for node in manifest["macros"].values():
        if node["package_name"] == PROJECT and not _described(node):
            missing.append(f"macro {node['name']}")
    assert not missing, "resources without a description:\n" + "\n".join(sorted(missing))


def test_every_built_column_is_documented_and_no_documented_column_is_stale(built_default):
    manifest = _manifest(built_default)
    with connect_built(built_default) as con:
        rows = con.execute("select table_schema, table_name, column_name from information_schema.columns").fetchall()
    built: dict[str, set[str]] = {}
    for schema, table, column in rows:
        built.setdefault(f"{schema}.{table}".lower(), set()).add(column.lower())

    checked, undocumented, stale = 0, [], []
    for node in manifest["nodes"].values():
        if node["package_name"] != PROJECT or node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        if node["config"].get("enabled") is False or node["config"].get("materialized") == "ephemeral":
            continue  # an ephemeral model is a CTE of the models that use it: nothing to compare
        relation = f"{node['schema']}.{node.get('alias') or node['name']}".lower()
        assert relation in built, f"{node['resource_type']} {node['name']} was not built into {relation}"
        checked += 1
        documented = {name.lower() for name, column in node["columns"].items() if _described(column)}
        listed = {name.lower() for name in node["columns"]}
        for column in sorted(built[relation] - documented):
            undocumented.append(f"{node['name']}.{column}")
        for column in sorted(listed - built[relation]):
            stale.append(f"{node['name']}.{column}")
    assert checked > 50, f"only {checked} relations checked: is the manifest the build's?"
    assert not undocumented, "columns without a description:\n" + "\n".join(undocumented)
    assert not stale, "documented columns the relation does not have:\n" + "\n".join(stale)
