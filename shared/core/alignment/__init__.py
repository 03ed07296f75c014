"""The pure alignment core (DESIGN §14): freeze templates, measure tenants against them by content.

No I/O: the shell reads the template documents and the tenant's snapshot, calls these functions and
stores what they return.
"""

from shared.core.alignment.align import MAX_DEVIATIONS, align, score, waiting_for_run
from shared.core.alignment.labels import deviation_label, resolver_for
from shared.core.alignment.models import (
    DEVIATION_KINDS,
    AlignmentCounts,
    AlignmentState,
    Deviation,
    DeviationKind,
    TemplateAlignment,
    TemplateObject,
)
from shared.core.alignment.template import (
    MAX_TEMPLATE_OBJECTS,
    TEMPLATE_SCHEMA_VERSION,
    ObjectRef,
    freeze_template,
    policy_types,
    template_objects,
)
from shared.core.alignment.variables import (
    MAX_VARIABLE_VALUE,
    MAX_VARIABLES,
    VARIABLE_NAME_PATTERN,
    parse_variables,
    unset_marker,
)

__all__ = [
    "DEVIATION_KINDS",
    "MAX_DEVIATIONS",
    "MAX_TEMPLATE_OBJECTS",
    "MAX_VARIABLES",
    "MAX_VARIABLE_VALUE",
    "TEMPLATE_SCHEMA_VERSION",
    "VARIABLE_NAME_PATTERN",
    "AlignmentCounts",
    "AlignmentState",
    "Deviation",
    "DeviationKind",
    "ObjectRef",
    "TemplateAlignment",
    "TemplateObject",
    "align",
    "deviation_label",
    "freeze_template",
    "parse_variables",
    "policy_types",
    "resolver_for",
    "score",
    "template_objects",
    "unset_marker",
    "waiting_for_run",
]
