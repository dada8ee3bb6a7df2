"""Case identifiers and row orders shared by the ground-truth files.

The ground truth names each invoice by its event-log case id (``lower(company) || ':' ||
invoice id``) and lists events case by case. :class:`Cases` sorts the invoices by case id once;
per-event text columns are then Arrow dictionary arrays (an index per event into a per-invoice
or per-code list of strings), so that no per-event string is ever built.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def dictionary(values, indices: np.ndarray) -> pa.DictionaryArray:
    """A column whose row i is ``values[indices[i]]`` (DuckDB reads it as VARCHAR)."""
    values = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(indices), pa.int32()), values)


class Cases:
    """The invoices in case-id order.

    ``order``: invoice indices sorted by case id; ``rank``: each invoice's position in that
    order; ``case_id``: the case id of each invoice, in invoice order."""

    def __init__(self, keys: dict):
        self.company = pa.array(keys["case_company"], pa.string())
        self.invoice_id = pa.array(keys["inv_id"], pa.string())
        self.case_id = pc.binary_join_element_wise(pc.utf8_lower(self.company), self.invoice_id, ":")
        self.order = pc.sort_indices(self.case_id).to_numpy()
        self.rank = np.empty(len(self.order), dtype=np.int64)
        self.rank[self.order] = np.arange(len(self.order), dtype=np.int64)

    def column(self, values: pa.Array, inv_sorted: np.ndarray) -> pa.DictionaryArray:
        """A per-invoice column (``values`` in invoice order) repeated for rows whose invoices
        ``inv_sorted`` are in case order."""
        return dictionary(values.take(pa.array(self.order)), self.rank[inv_sorted])

    def event_order(self, inv_i: np.ndarray) -> np.ndarray:
        """Positions that put events grouped by invoice (ascending invoice index) in case order,
        each invoice's events keeping their order."""
        counts = np.bincount(inv_i, minlength=len(self.order))
        starts = np.cumsum(counts) - counts
        c = counts[self.order]
        new_starts = np.cumsum(c) - c
        return np.arange(len(inv_i), dtype=np.int64) + np.repeat(starts[self.order] - new_starts, c)


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


def sort_within_runs(run: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Positions that sort the rows by ``key`` within each run of equal ``run`` values (rows
    already grouped by run); only rows of runs longer than one move."""
    n = len(run)
    perm = np.arange(n, dtype=np.int64)
    if n < 2:
        return perm
    same = run[1:] == run[:-1]
    tied = np.zeros(n, dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    idx = np.flatnonzero(tied)
    perm[idx] = idx[np.lexsort((key[idx], run[idx]))]
    return perm
