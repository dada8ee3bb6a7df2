"""Process-mining logic behind the dbt Python models, on variants and aggregates.

Every function takes and returns pandas DataFrames, so that the dbt Python models stay a few
lines and the logic is tested with pytest. pm4py is imported inside the functions.
"""

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
