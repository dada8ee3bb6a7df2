"""The same seed gives byte-identical files; another seed gives other data."""

from __future__ import annotations

import hashlib
from pathlib import Path

from c2c.simulate import SimConfig, simulate


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path):
    cfg = SimConfig(invoices=1500, seed=21, months=12, faults="heavy")
    simulate(cfg, tmp_path / "a")
    simulate(cfg, tmp_path / "b")
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_other_seed_other_data(tmp_path):
    simulate(SimConfig(invoices=800, seed=1, months=6, faults="none"), tmp_path / "a")
    simulate(SimConfig(invoices=800, seed=2, months=6, faults="none"), tmp_path / "b")
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a["ground_truth/events.parquet"] != b["ground_truth/events.parquet"]


def test_rerun_into_the_same_folder_replaces_the_files(tmp_path):
    simulate(SimConfig(invoices=600, seed=4, months=12, faults="none"), tmp_path)
    first = _digest(tmp_path)
    simulate(SimConfig(invoices=600, seed=4, months=6, faults="none"), tmp_path)
    second = _digest(tmp_path)
    assert not any(k.endswith("_2024-09.parquet") for k in second), "files of the longer window are left over"
    assert first != second
