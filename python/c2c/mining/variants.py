"""Variants as activity sequences, rebuilt from the `pm_variant_steps` shape."""

from __future__ import annotations

import pandas as pd

STEP_COLUMNS = ("variant_id", "step_number", "activity_code")


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} has no column {', '.join(repr(c) for c in missing)}")


def variant_traces(steps: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """variant_id -> its activity codes in step order (one row per variant and step in `steps`)."""
    _require(steps, STEP_COLUMNS, "pm_variant_steps")
    if steps.empty:
        return {}
    ordered = steps.sort_values(["variant_id", "step_number"], kind="mergesort")
    duplicated = ordered.duplicated(["variant_id", "step_number"])
    if duplicated.any():
        row = ordered[duplicated].iloc[0]
        raise ValueError(f"pm_variant_steps: step {row['step_number']} of variant {row['variant_id']} appears twice")
    return {
        str(variant_id): tuple(str(a) for a in group["activity_code"])
        for variant_id, group in ordered.groupby("variant_id", sort=True)
    }


def variant_counts(variants: pd.DataFrame) -> dict[str, int]:
    """variant_id -> number of cases (`pm_variants.case_count`)."""
    _require(variants, ("variant_id", "case_count"), "pm_variants")
    return {str(v): int(n) for v, n in zip(variants["variant_id"], variants["case_count"])}
