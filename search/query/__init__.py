"""Reading what people type: the lenient parser, text analysis, and the catalog of names the query can
mention (glossary synonyms, document numbers, provision references, facet labels)."""
