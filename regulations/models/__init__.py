"""The knowledge base's models, one module per aggregate; every model is importable from here."""

from regulations.models.annotations import Annotation, AnnotationQuerySet
from regulations.models.documents import Document, DocumentDate, DocumentIssuer, DocumentQuerySet
from regulations.models.glossary import GlossaryTerm
from regulations.models.provisions import (
    CYCLE_MESSAGE,
    DEPTH_MESSAGE,
    EID_RE,
    MAX_TREE_DEPTH,
    Provision,
    ProvisionQuerySet,
    eid_validator,
    tree_error,
)
from regulations.models.publication import Publication, ReaderQuerySet, Revisioned
from regulations.models.relations import Relation, RelationQuerySet, RelationType
from regulations.models.targets import TARGET_FIELDS, TARGET_FIGURE_FIELDS, Target, TargetQuerySet
from regulations.models.taxonomy import Authority, Industry, Topic

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
    "DocumentDate",
    "DocumentIssuer",
    "DocumentQuerySet",
    "GlossaryTerm",
    "Industry",
    "Provision",
    "ProvisionQuerySet",
    "Publication",
    "ReaderQuerySet",
    "Relation",
    "RelationQuerySet",
    "RelationType",
    "Revisioned",
    "Target",
    "TargetQuerySet",
    "Topic",
    "eid_validator",
    "tree_error",
]
