"""The data model, one module per part of the record; everything is importable from `incidents.models`."""

from .actors import Actor, ActorAlias, Conflict
from .claims import AggregateClaim, CasualtyFigure, ClaimFields, OfficialStatement, check_quote, describe_count
from .incident import BelligerentRoleLink, ExternalIdentifier, Incident, IncidentAlias, IncidentReport
from .linkage import LinkCandidate, LinkDecision, SameAction, Verdict
from .positions import Position
from .redactions import RedactableField, Redaction
from .revisions import Revision
from .victims import Victim

__all__ = [
    "Actor",
    "ActorAlias",
    "AggregateClaim",
    "BelligerentRoleLink",
    "CasualtyFigure",
    "ClaimFields",
    "Conflict",
    "ExternalIdentifier",
    "Incident",
    "IncidentAlias",
    "IncidentReport",
    "LinkCandidate",
    "LinkDecision",
    "OfficialStatement",
    "Position",
    "RedactableField",
    "Redaction",
    "Revision",
    "SameAction",
    "Verdict",
    "Victim",
    "check_quote",
    "describe_count",
]
