"""Process-mining logic behind the dbt Python models, on variants and aggregates.

Every function takes and returns pandas DataFrames, so that the dbt Python models stay a few
lines and the logic is tested with pytest.
"""

# pm4py is imported once, here, and not first inside the functions: dbt runs Python models in
# parallel threads, and two threads importing pm4py's mutually dependent modules at the same
# time deadlock (importlib's _DeadlockError). Importing this package is serialised by its own
# module lock, so pm4py is complete before any model function runs.
import pm4py  # noqa: F401

from .variants import variant_traces
from .discovery import DISCOVERED_MODEL_COLUMNS, discover_model
from .conformance import CONFORMANCE_COLUMNS, NORMATIVE_BPMN, load_normative_net, variant_conformance
from .temporal import TEMPORAL_PROFILE_COLUMNS, sample_case_ids, temporal_profile

__all__ = [
    "CONFORMANCE_COLUMNS",
    "DISCOVERED_MODEL_COLUMNS",
    "NORMATIVE_BPMN",
    "TEMPORAL_PROFILE_COLUMNS",
    "discover_model",
    "load_normative_net",
    "sample_case_ids",
    "temporal_profile",
    "variant_conformance",
    "variant_traces",
]
