"""What an index record holds, declared once: its text fields with their default boosts, its facet
fields, and how a match in each is explained.

Django-free and below everything else in search: ``search.records`` fills these fields, the ranking
settings start from these boosts, backends index them, the parser's filters name these facets.
"""

# Text fields and their default boosts (the admin's ranking settings start from these).
TEXT_FIELDS: dict[str, float] = {
    "num": 4.0,  # document number and provision number
    "heading": 7.0,  # provision heading, document titles, glossary term: tuned on search/relevance (3 → 7)
    "glossary": 2.5,  # glossary names and key terms attached to the entry
    "title": 1.5,  # the title of the entry's document
    "body": 1.0,  # provision text, targets, document summary, definitions
    "meta": 0.5,  # kind, industries, topics, status, issuers, related documents
}
# Fields whose values filter and are counted. Multi-valued: industry (with its parents) and topic.
FACET_FIELDS = ("kind", "industry", "document", "topic", "status", "jurisdiction", "year")
# Every entry has exactly one of these kinds (its "kind" facet value).
ENTRY_KINDS = ("provision", "document", "glossary", "annotation")
# Score multipliers by status: what no longer applies ranks below what replaced it.
STATUS_WEIGHTS = {
    "superseded": 0.55,
    "repealed": 0.5,
    "expired": 0.7,
    "partly_repealed": 0.9,
    "consultation_draft": 0.8,
    "not_yet_adopted": 0.8,
}
# An entry matching k of a query's n groups (with "any word" results, or synonyms) scores × (k/n)^this.
COORDINATION = 2.0
