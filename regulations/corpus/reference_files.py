"""Loading the reference files: authorities, topics, relation types, the industry taxonomy and the glossary."""

from pathlib import Path

from regulations.corpus.entries import Source, check_keys, list_of, require
from regulations.corpus.files import CorpusError
from regulations.models import (
    Authority,
    GlossaryTerm,
    Industry,
    RelationType,
    Topic,
)


class ReferenceFilesLoading:
    """The part of CorpusLoader (regulations.corpus.loader) that reads the reference files."""

    def _entries(self, path: Path) -> list:
        if not path.exists():
            raise CorpusError("file is missing", path)
        data = self.read(path)
        if not isinstance(data, list):
            raise CorpusError("expected a list of entries", path)
        return data

    def _load_authorities(self, path):
        authorities = {}
        for entry in self._entries(path):
            source = Source(path, entry)
            slug = require(entry, "slug", source)
            check_keys(entry, ["slug", "abbreviation", "name_en", "name_zh", "short_name_zh"], source, "an authority")
            if slug in authorities:
                raise source.error(f"duplicate authority “{slug}”")
            authorities[slug] = self._sync(
                Authority,
                {"slug": slug},
                {
                    "abbreviation": entry.get("abbreviation") or "",
                    "name_en": entry.get("name_en") or "",
                    "name_zh": require(entry, "name_zh", source),
                    "short_name_zh": entry.get("short_name_zh") or "",
                },
            )
        return authorities

    def _load_topics(self, path):
        topics = {}
        for position, entry in enumerate(self._entries(path)):
            source = Source(path, entry)
            slug = require(entry, "slug", source)
            check_keys(entry, ["slug", "name_en", "name_zh", "description"], source, "a topic")
            topics[slug] = self._sync(
                Topic,
                {"slug": slug},
                {
                    "name_en": require(entry, "name_en", source),
                    "name_zh": entry.get("name_zh") or "",
                    "description": entry.get("description") or "",
                    "position": position,
                },
            )
        return topics

    def _load_relation_types(self, path):
        types = {}
        for position, entry in enumerate(self._entries(path)):
            source = Source(path, entry)
            slug = require(entry, "slug", source)
            check_keys(entry, ["slug", "verb", "reverse_verb", "symmetric"], source, "a relation type")
            types[slug] = self._sync(
                RelationType,
                {"slug": slug},
                {
                    "verb": require(entry, "verb", source),
                    "reverse_verb": require(entry, "reverse_verb", source),
                    "symmetric": bool(entry.get("symmetric", False)),
                    "position": position,
                },
            )
        return types

    def _load_industries(self, path):
        industries = {}
        entries = self._entries(path)
        for position, entry in enumerate(entries):
            source = Source(path, entry)
            slug = require(entry, "slug", source)
            check_keys(
                entry,
                ["slug", "name_en", "name_zh", "parent", "aliases", "gbt4754", "isic", "note"],
                source,
                "an industry",
            )
            if slug in industries:
                raise source.error(f"duplicate industry “{slug}”")
            parent_slug = entry.get("parent")
            if parent_slug and parent_slug not in industries:
                raise source.error(
                    f"parent “{parent_slug}” is not an industry listed above “{slug}” "
                    "(list a parent before its children)"
                )
            gbt = entry.get("gbt4754") or {}
            isic = entry.get("isic") or {}
            industries[slug] = self._sync(
                Industry,
                {"slug": slug},
                {
                    "name_en": require(entry, "name_en", source),
                    "name_zh": require(entry, "name_zh", source),
                    "parent": industries.get(parent_slug),
                    "position": position,
                    "aliases": list(entry.get("aliases") or []),
                    "gbt4754_divisions": [str(code) for code in gbt.get("divisions") or []],
                    "gbt4754_classes": [str(code) for code in gbt.get("classes") or []],
                    "gbt4754_verified": gbt.get("verified", True),
                    "gbt4754_note": gbt.get("note") or "",
                    "isic_divisions": [str(code) for code in isic.get("divisions") or []],
                    "isic_classes": [str(code) for code in isic.get("classes") or []],
                    "isic_verified": isic.get("verified", True),
                    "isic_note": isic.get("note") or "",
                    "note": entry.get("note") or "",
                },
            )
        self._delete_missing(Industry.objects.filter(parent__isnull=False), {i.pk for i in industries.values()})
        self._delete_missing(Industry.objects.all(), {i.pk for i in industries.values()})
        return industries

    def _load_glossary(self, path):
        keep = set()
        for position, entry in enumerate(self._entries(path)):
            source = Source(path, entry)
            slug = require(entry, "slug", source)
            check_keys(
                entry,
                [
                    "slug",
                    "term_en",
                    "term_zh",
                    "abbreviations",
                    "synonyms_en",
                    "synonyms_zh",
                    "definition",
                    "note",
                    "see",
                ],
                source,
                "a glossary term",
            )
            see = [self._resolve(ref, source, "see")[1] for ref in list_of(entry, "see", source)]
            if any(provision is None for provision in see):
                raise source.error("“see” must name provisions as <document>#<identifier>")
            term = self._sync(
                GlossaryTerm,
                {"slug": slug},
                {
                    "term_en": require(entry, "term_en", source),
                    "term_zh": entry.get("term_zh") or "",
                    "abbreviations": list(entry.get("abbreviations") or []),
                    "synonyms_en": list(entry.get("synonyms_en") or []),
                    "synonyms_zh": list(entry.get("synonyms_zh") or []),
                    "definition": entry.get("definition") or "",
                    "note": entry.get("note") or "",
                    "position": position,
                },
                m2m={"see_provisions": see},
            )
            if term.pk in keep:
                raise source.error(f"duplicate glossary term “{slug}”")
            keep.add(term.pk)
        self._delete_missing(GlossaryTerm.objects.all(), keep)
