"""The knowledge base's models, one module per aggregate; every model is importable from here."""

from regulations.models.annotations import Annotation, AnnotationQuerySet
from regulations.models.documents import Document, DocumentIssuer, DocumentQuerySet
from regulations.models.glossary import GlossaryTerm
from regulations.models.legal_events import LegalEvent
from regulations.models.page_generations import PageGeneration
from regulations.models.provisions import (
    CYCLE_MESSAGE,
    DEPTH_MESSAGE,
    EID_RE,
    MAX_TREE_DEPTH,
    Provision,
    ProvisionQuerySet,
    eid_validator,
    status_events,
    tree_error,
)
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned
from regulations.models.relations import Relation, RelationQuerySet, RelationType
from regulations.models.targets import TARGET_FIELDS, TARGET_FIGURE_FIELDS, Target, TargetQuerySet
from regulations.models.taxonomy import Authority, Industry, Topic
from regulations.models.validity import Status, Validity, validity_on

__all__ = [
    "CYCLE_MESSAGE",
    "DEPTH_MESSAGE",
    "EID_RE",
    "MAX_TREE_DEPTH",
    "TARGET_FIELDS",
    "TARGET_FIGURE_FIELDS",
    "Annotation",
    "AnnotationQuerySet",
    "Authority",
    "Document",
    "DocumentIssuer",
    "DocumentQuerySet",
    "GlossaryTerm",
    "LegalEvent",
    "PageGeneration",
    "Industry",
    "Provision",
    "ProvisionQuerySet",
    "Publication",
    "ReaderQuerySet",
    "Relation",
    "RelationQuerySet",
    "RelationType",
    "Revisioned",
    "Status",
    "Target",
    "TargetQuerySet",
    "Topic",
    "Validity",
    "eid_validator",
    "status_events",
    "tree_error",
    "validity_on",
]
