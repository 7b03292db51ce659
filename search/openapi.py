"""/api/search/ and its autocomplete in the OpenAPI schema (a drf-spectacular postprocessing hook).

The two endpoints are plain Django views (the search service answers them, no serializer), so
drf-spectacular cannot see them: their parameters, facets, answers and errors are stated here, from
the same declarations the views use (the facet names of ``search.fields``, the page bounds of the
service), so the schema cannot drift from what the views accept.
"""

from search.fields import FACET_FIELDS
from search.notes import NOTE_CODES
from search.service import MAX_PAGE

FACET_DESCRIPTIONS = {
    "kind": "provision, document, glossary or annotation (labels such as “Glossary term” work too)",
    "industry": "an industry's slug or name, in English or Chinese (a parent finds its children)",
    "document": "a document's slug",
    "topic": "a topic's slug or name",
    "status": "a legal status: in_force, amended, superseded, repealed, expired…",
    "jurisdiction": "CN or EU",
    "year": "the document's year",
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string", "description": "What was wrong, in a sentence."}},
}
HIT = {
    "type": "object",
    "required": ["kind", "title", "document", "num", "citation", "url", "snippet", "score", "status", "status_label"],
    "properties": {
        "kind": {"type": "string", "enum": ["provision", "document", "glossary", "annotation"]},
        "title": {"type": "string"},
        "document": {"type": "string", "description": "The short title of the entry's document."},
        "num": {"type": "string", "description": "The provision's own number, or the document's number."},
        "citation": {"type": "string", "description": "The full citation number (2.7.2), or the number."},
        "url": {"type": "string", "description": "The entry's permanent address on the site."},
        "snippet": {"type": "string", "description": "HTML: the matching text, escaped, matches in <mark>."},
        "score": {"type": "number"},
        "status": {"type": "string", "description": 'The rule\'s legal status today ("" for terms).'},
        "status_label": {"type": "string"},
    },
}
FACET_VALUE = {
    "type": "object",
    "required": ["value", "label", "count"],
    "properties": {"value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}},
}
RESULTS = {
    "type": "object",
    "required": [
        "query",
        "total",
        "page",
        "results",
        "facets",
        "suggestion",
        "corrected_from",
        "definitions",
        "warning",
        "notes",
        "any_word",
        "timed_out",
    ],
    "properties": {
        "query": {"type": "string", "description": "The query as understood (corrected when corrected_from is set)."},
        "total": {"type": "integer"},
        "page": {"type": "integer"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        "facets": {
            "type": "object",
            "description": "For each facet, its values among the matches with their counts.",
            "properties": {
                name: {"type": "array", "items": {"$ref": "#/components/schemas/SearchFacetValue"}}
                for name in FACET_FIELDS
            },
        },
        "suggestion": {"type": "string", "nullable": True, "description": "A spelling correction to offer."},
        "corrected_from": {
            "type": "string",
            "nullable": True,
            "description": "The query as typed, when it found nothing and these are the results of its correction.",
        },
        "definitions": {
            "type": "array",
            "description": "Glossary entries the query names (shown above the results, not among them).",
            "items": {"$ref": "#/components/schemas/SearchHit"},
        },
        "warning": {"type": "string", "nullable": True, "description": "Set while the index is behind the database."},
        "notes": {
            "type": "array",
            "description": "How a malformed query was read, and whether the time limit cut the search short.",
            "items": {"$ref": "#/components/schemas/SearchNote"},
        },
        "any_word": {
            "type": "boolean",
            "description": "No entry had all the words: these results have any of them.",
        },
        "timed_out": {
            "type": "boolean",
            "description": "The time limit cut the search short: the results are the best found in time.",
        },
    },
}
NOTE = {
    "type": "object",
    "required": ["code", "value", "text"],
    "properties": {
        "code": {"type": "string", "enum": list(NOTE_CODES)},
        "value": {"type": "string", "description": "What the note is about (a word, a filter's name, a number)."},
        "text": {"type": "string", "description": "The note in a sentence (in English, as the whole API)."},
    },
}
SUGGESTIONS = {
    "type": "object",
    "required": ["suggestions"],
    "properties": {
        "suggestions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["label", "kind", "url", "document"],
                "properties": {
                    "label": {"type": "string"},
                    "kind": {"type": "string"},
                    "url": {"type": "string"},
                    "document": {"type": "string"},
                },
            },
        }
    },
}


def _json(description: str, ref: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _search_operation() -> dict:
    parameters = [
        {
            "name": "q",
            "in": "query",
            "schema": {"type": "string"},
            "description": 'What to search, in English or Chinese: words (all of them), "phrases", OR, -exclusions, '
            "field:value filters, a trailing * for a prefix, citations (2.7.2, （七）2, Art. 66, 第十二条) and "
            "document numbers (工信部联节〔2022〕88号). The first 300 characters are used.",
        },
        {
            "name": "page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        },
    ]
    for name in FACET_FIELDS:
        parameters.append(
            {
                "name": name,
                "in": "query",
                "schema": {"type": "array", "items": {"type": "string"}},
                "style": "form",
                "explode": True,
                "description": f"Only entries with this {name}: {FACET_DESCRIPTIONS[name]}. Repeat for any of several.",
            }
        )
    return {
        "operationId": "search",
        "summary": "Search provisions, documents, glossary terms and public annotations",
        "description": "One page of results, best first: provisions a citation in the query names and documents it "
        "names come first (a best bet). Facet counts are over all the matches.",
        "tags": ["search"],
        "parameters": parameters,
        "security": [{}],
        "responses": {
            "200": _json("A page of results.", "SearchResults"),
            "400": _json("The page or a filter cannot be used; the answer says why.", "SearchError"),
            "503": _json("The search index is being repaired or is unavailable; try again shortly.", "SearchError"),
        },
    }


def _autocomplete_operation() -> dict:
    return {
        "operationId": "search_autocomplete",
        "summary": "Titles, headings and glossary terms starting with what was typed",
        "tags": ["search"],
        "parameters": [
            {
                "name": "q",
                "in": "query",
                "schema": {"type": "string"},
                "description": "The start (first 100 characters).",
            }
        ],
        "security": [{}],
        "responses": {
            "200": _json("Up to eight suggestions (none when the index is unavailable).", "SearchSuggestions")
        },
    }


def add_search_endpoints(result, generator, request, public):
    """drf-spectacular postprocessing hook: the search endpoints and their schemas."""
    result.setdefault("paths", {})["/api/search/"] = {"get": _search_operation()}
    result["paths"]["/api/search/autocomplete/"] = {"get": _autocomplete_operation()}
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(
        SearchHit=HIT,
        SearchFacetValue=FACET_VALUE,
        SearchResults=RESULTS,
        SearchNote=NOTE,
        SearchError=ERROR,
        SearchSuggestions=SUGGESTIONS,
    )
    return result
