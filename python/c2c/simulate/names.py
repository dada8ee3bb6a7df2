"""Deterministic names for customers and workers (no external data)."""

from __future__ import annotations

import numpy as np

FIRST_NAMES = np.array([
    "Alice", "Bruno", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Karin", "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wen", "Xavier", "Yara", "Zoe", "Amelie", "Ben", "Clara", "Diego",
    "Elena", "Felix", "Gina", "Henrik", "Isla", "Jamal", "Kenji", "Lena", "Marco", "Nadia",
])
LAST_NAMES = np.array([
    "Martin", "Smith", "Dubois", "Garcia", "Muller", "Rossi", "Novak", "Jensen", "Kowalski",
    "Silva", "Brown", "Leroy", "Moreau", "Walker", "Fischer", "Costa", "Nguyen", "Patel",
    "Okafor", "Larsen", "Bernard", "Hughes", "Schmidt", "Ferrari", "Evans", "Petit", "Young",
    "Lambert", "Weber", "Romano",
])
NAME_STEMS = np.array([
    "Alder", "Brook", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper",
    "Kestrel", "Lumen", "Maple", "Nimbus", "Orchid", "Pioneer", "Quarry", "Riverside", "Summit",
    "Tidal", "Upland", "Vertex", "Willow", "Xenon", "Yarrow", "Zephyr", "Atlas", "Beacon",
    "Cobalt", "Dune", "Evergreen", "Fjord", "Glacier", "Horizon", "Indigo", "Jade", "Keystone",
    "Lakeside", "Meridian", "Northwind",
])
NAME_TRADES = np.array([
    "Logistics", "Foods", "Engineering", "Retail", "Health", "Textiles", "Motors", "Energy",
    "Pharma", "Construction", "Media", "Electronics", "Furniture", "Packaging", "Chemicals",
    "Hospitality", "Software", "Agriculture", "Marine", "Tools",
])
LEGAL_FORMS = {
    "USMF": np.array(["Inc.", "LLC", "Corp.", "Co."]),
    "GBSI": np.array(["Ltd", "PLC", "LLP", "Ltd"]),
    "FRRT": np.array(["SA", "SARL", "SAS", "SNC"]),
}


def customer_names(rng: np.random.Generator, companies: np.ndarray) -> np.ndarray:
    """One trading name per customer, e.g. 'Cedar Foods Ltd'."""
    n = len(companies)
    stem = NAME_STEMS[rng.integers(0, len(NAME_STEMS), n)]
    trade = NAME_TRADES[rng.integers(0, len(NAME_TRADES), n)]
    form_idx = rng.integers(0, 4, n)
    forms = np.empty(n, dtype=object)
    for code, options in LEGAL_FORMS.items():
        mask = companies == code
        forms[mask] = options[form_idx[mask]]
    other = forms == None  # noqa: E711  (companies outside the default three)
    forms[other] = "Group"
    # a numeric suffix keeps names unique without looking synthetic for small counts
    suffix = np.arange(n)
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = f"{stem[i]} {trade[i]} {forms[i]}" + (f" {suffix[i] // 800 + 1}" if n > 800 else "")
    return out


def person_names(rng: np.random.Generator, n: int, numbers: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(display names, user ids) for n workers; user ids are unique (``numbers``: the number each
    user id ends with, default 0 to n - 1)."""
    numbers = np.arange(n) if numbers is None else numbers
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    names = np.array([f"{f} {l}" for f, l in zip(first, last)], dtype=object)
    users = np.array([f"{f[0].lower()}{l.lower()[:6]}{i:03d}" for i, f, l in zip(numbers, first, last)], dtype=object)
    return names, users
