"""Case identifiers and row orders shared by the ground-truth files.

The ground truth names each invoice by its event-log case id (``lower(company) || ':' ||
invoice id``) and lists events case by case; these helpers build both from integer codes, so
that no per-event Python string is made.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def case_ids(keys: dict) -> pa.Array:
    """The case id of each invoice, in invoice order."""
    return pc.binary_join_element_wise(pc.utf8_lower(pa.array(keys["case_company"], pa.string())),
                                       pa.array(keys["inv_id"], pa.string()), ":")


def case_rank(case_id: pa.Array) -> np.ndarray:
    """Position of each invoice when the cases are sorted by case id."""
    order = pc.sort_indices(case_id).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank


def run_position(group: np.ndarray) -> np.ndarray:
    """1-based position of each row within its run of equal ``group`` values (rows already
    grouped): ``row_number() over (partition by group)`` in the rows' order."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.ones(n, dtype=bool)
    starts[1:] = group[1:] != group[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n, dtype=np.int64), 0))
    return np.arange(n, dtype=np.int64) - first + 1
