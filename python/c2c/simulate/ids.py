"""Identifier series that continue from one block of invoices to the next.

A landing zone simulated in blocks (``SimConfig.block_invoices``) simulates each block as a
world of its own; every identifier the raw tables carry (recids, invoice and voucher numbers,
customer accounts, personnel numbers, HighRadius ids...) is drawn from a named series, numbered
within the block from its usual start and shifted by what the earlier blocks used, so that no
key repeats across blocks. The first block is not shifted: a zone of one block is the zone the
simulator writes without blocks, byte for byte.
"""

from __future__ import annotations

import numpy as np


class IdSeries:
    """Where each identifier series starts in the current block."""

    def __init__(self) -> None:
        self._start: dict[str, int] = {}
        self._end: dict[str, int] = {}

    def shift(self, series: str, local) -> np.ndarray:
        """The block's numbers ``local`` of ``series`` (int64, from the series' usual start),
        shifted past every number the earlier blocks used."""
        local = np.asarray(local, dtype=np.int64)
        if len(local):
            self._end[series] = max(self._end.get(series, 0), int(local.max()) + 1)
        return local + self._start.get(series, 0) if self._start.get(series, 0) else local

    def numbers(self, series: str, n: int, first: int = 1) -> np.ndarray:
        """``n`` consecutive numbers of ``series`` from ``first`` (within the block), shifted."""
        return self.shift(series, np.arange(first, first + n, dtype=np.int64))

    def next_block(self) -> None:
        """Moves every series past the numbers the current block used."""
        for series, end in self._end.items():
            self._start[series] = self._start.get(series, 0) + end
        self._end = {}
