"""DataFrames of the raw tables, with their text columns converted by Arrow.

pandas stores text as Arrow strings; built from a NumPy object array, each value is checked and
copied in Python-level loops first. :func:`frame` hands such arrays to Arrow directly: the same
columns (same dtype, same values), built several times faster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["frame"]


def _as_text(values):
    """An array of strings (None or NaN where missing) as a pandas ``str`` array; anything else
    (numbers, scalars, lists, arrays without any string) unchanged, for pandas to convert."""
    if not isinstance(values, np.ndarray) or values.dtype.kind not in "OU" or not len(values):
        return values
    try:
        text = pa.array(values, pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return values
    if text.null_count == len(text):  # pandas keeps an array of missing values as objects
        return values
    return pd.array(text, dtype="str")


def frame(columns: dict) -> pd.DataFrame:
    """``pd.DataFrame(columns)`` with the text columns converted by Arrow."""
    return pd.DataFrame({name: _as_text(values) for name, values in columns.items()})
