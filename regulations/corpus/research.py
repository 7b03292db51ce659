"""Turn the research corpus (`../shared/corpus/`) into Rulebook corpus files.

The research files record facts with their sources and `verified` marks in a shape made for
fact-checking. This module maps them, without loss, onto the corpus format that
`load_regulations` reads (version 2: a document's life as legal events): it gives every provision
a stable Akoma Ntoso style identifier, folds the dotted outline numbers into a tree, turns the
research dates and status into dated events, states each relation once in its forward direction,
and keeps every research note and unverified mark.
"""

import re
from pathlib import Path

import yaml

from regulations.corpus.files import FILE_HEADER, CorpusError, write_yaml

TOPICS = [
    {
        "slug": "carbon-peaking",
        "name_en": "Carbon peaking and neutrality",
        "name_zh": "碳达峰碳中和",
        "description": "China's dual-carbon policy framework and the plans that carry it into industry.",
    },
    {
        "slug": "epr",
        "name_en": "Extended producer responsibility",
        "name_zh": "生产者责任延伸",
        "description": "Producers' duties for their products after use: take-back, recycling and disclosure.",
    },
    {
        "slug": "battery-recycling",
        "name_en": "Traction battery recycling",
        "name_zh": "动力电池回收利用",
        "description": "Collection, traceability, cascade use and recycling of new-energy-vehicle batteries.",
    },
]
RESEARCH_TOPICS = {
    "climate_policy": ["carbon-peaking"],
    "epr": ["epr"],
    "battery_recycling": ["battery-recycling"],
    "both": ["epr", "battery-recycling"],
}
RELATION_TYPES = [
    {"slug": "implements", "verb": "implements", "reverse_verb": "is implemented by"},
    {"slug": "based-on", "verb": "is based on", "reverse_verb": "is the legal basis of"},
    {"slug": "amends", "verb": "amends", "reverse_verb": "is amended by"},
    {"slug": "supersedes", "verb": "supersedes", "reverse_verb": "is superseded by"},
    {"slug": "references", "verb": "refers to", "reverse_verb": "is referred to by"},
    {"slug": "related", "verb": "is related to", "reverse_verb": "is related to", "symmetric": True},
]
REVERSED_TYPES = {"implemented_by": "implements", "superseded_by": "supersedes", "amended_by": "amends"}
KINDS = {
    "CPC Central Committee and State Council opinions": "opinions",
    "EU regulation": "regulation",
    "State Council General Office action plan": "action_plan",
    "State Council General Office plan": "plan",
    "State Council administrative regulation": "regulation",
    "State Council plan": "action_plan",
    "industry standard conditions (ministerial announcement)": "standard_conditions",
    "joint ministerial measures": "measures",
    "ministerial announcement (provisions)": "provisions",
    "ministerial implementation plan (joint notice of three ministries)": "plan",
    "ministerial pilot scheme": "pilot_scheme",
    "national law (NPC Standing Committee)": "regulation",  # the document kinds have no "law"; rank says it
    "ministerial five-year plan": "plan",
    "ministerial implementation plan (joint notice of four departments)": "plan",
    "State Council General Office opinions": "opinions",
}
SHORT_TITLES = {
    "industrial-carbon-peaking-2022": "Industrial Carbon Peaking Plan",
    "cn-2030-action-plan": "2030 Carbon Peaking Action Plan",
    "cn-dual-carbon-opinions-2021": "Dual-Carbon Opinions",
    "cn-epr-implementation-plan-2016": "EPR Implementation Plan",
    "cn-weee-regulation": "WEEE Regulation",
    "cn-auto-epr-pilot-2021": "Automotive EPR Pilot Scheme",
    "cn-nev-battery-interim-measures-2018": "NEV Battery Recycling Interim Measures (2018)",
    "cn-nev-battery-traceability-2018": "NEV Battery Traceability Provisions",
    "cn-nev-battery-cascade-2021": "NEV Battery Cascade Use Measures",
    "cn-nev-battery-standard-conditions-2019": "Battery Recycling Standard Conditions (2019)",
    "cn-nev-battery-standard-conditions-2024": "Battery Recycling Standard Conditions (2024)",
    "cn-nev-battery-action-plan-2025": "NEV Battery Recycling Action Plan",
    "cn-nev-battery-recycling-measures-2026": "NEV Battery Recycling Interim Measures (2026)",
    "cn-elv-recycling-measures-2019": "End-of-Life Vehicle Recycling Measures",
    "eu-battery-regulation-2023-1542": "EU Batteries Regulation",
    "cn-solid-waste-law-2020": "Solid Waste Law",
    "cn-circular-economy-law": "Circular Economy Promotion Law",
    "cn-industrial-green-development-plan-14fyp": "14th FYP Industrial Green Development Plan",
    "cn-nonferrous-carbon-peaking-2022": "Nonferrous Metals Carbon Peaking Plan",
    "cn-building-materials-carbon-peaking-2022": "Building Materials Carbon Peaking Plan",
    "cn-waste-recycling-system-opinions-2024": "Waste Recycling System Opinions",
}
EVENT_KINDS = {"effective": "entry_into_force", "superseded": "replaced"}
MAKING_ORDER = ["consultation_draft", "adopted", "approved", "signed", "promulgated", "issued", "published"]
QUALIFIERS = ["at least", "more than", "minimum", "about", "above", "below", "all", "cap", "before"]
DOCUMENT_FIELDS_KEPT_AS_DETAILS = [
    "approved_by", "addressees_zh", "addressees_note", "legal_basis", "implementing_documents",
    "implementing_rules", "previous_edition", "versions", "comparison_note", "structure_note",
    "verification", "issuers_note", "notice_title_note",
]  # fmt: skip


def eid_component(node: dict) -> str:
    """The node's own part of its identifier, named after the document's own numbering."""
    label = (node.get("label_zh") or "").strip()
    last = str(node["num"]).split(".")[-1]
    articles = (node.get("articles") or "").strip()
    if re.fullmatch(r"第.+章", label) or label.startswith("Chapter"):
        return f"chp_{last}"
    if re.fullmatch(r"[一二三四五六七八九十]+、", label):
        return f"part_{last}"
    if re.fullmatch(r"（[一二三四五六七八九十]+）", label):
        return f"sec_{last}"
    if re.fullmatch(r"专栏\d+", label):
        return f"box_{last}"
    if re.fullmatch(r"\d+\.", label):
        return f"item_{last}"
    single_article = re.fullmatch(r"Art\. (\d+)", articles)
    if single_article:
        return f"art_{single_article.group(1)}"
    return f"sec_{last}"


def rank(research: dict) -> str:
    """The legal rank the v2 format requires, from the research's form and level."""
    level, form = (research.get("level") or "").lower(), research["doc_type"].lower()
    if research["jurisdiction"] == "EU":
        return "eu_regulation"
    if level.startswith("law"):
        return "law"
    if level.startswith("administrative regulation"):
        return "administrative_regulation"
    if "plan" in form or "opinions" in form:  # plans and policy opinions
        return "plan"
    return "normative_document"


def events(research: dict, dates: dict, verified: bool, successor_dates: dict | None) -> list[dict]:
    """The research dates and status as legal events, oldest first (same-day events in making order)."""
    status = research["status"]
    found = []
    for kind, value in dates.items():
        if value and kind != "amended":
            found.append({"kind": EVENT_KINDS.get(kind, kind), "date": str(value)})
    versions = [v for v in research.get("versions") or [] if v.get("version") != "original" and v.get("instrument")]
    if dates.get("amended") or "amended" in status["value"]:
        version = versions[-1] if versions else {}
        amended = {"kind": "amended", "date": str(version.get("effective") or dates.get("amended"))}
        amended.update({k: version[k] for k in ("instrument", "note") if version.get(k)})
        if version.get("verified") is False:
            amended["verified"] = False
        found.append(amended)
    if status.get("superseded_by"):
        successor = successor_dates or {}
        when = successor.get("effective") or successor.get("issued") or successor.get("published")
        # (never a successor's consultation draft: a draft replaces nothing)
        found.append({"kind": "replaced", "date": str(when), "by": status["superseded_by"]})
        if not status.get("verified", True):
            found[-1]["verified"] = False
    for event in found:
        if not verified and event["kind"] not in ("replaced", "amended"):
            event["verified"] = False
    order = MAKING_ORDER + ["entry_into_force", "applies_from", "amended", "replaced"]
    return sorted(found, key=lambda e: (e["date"], order.index(e["kind"]) if e["kind"] in order else len(order)))


def split_unit(unit: str) -> tuple[str, str]:
    match = re.fullmatch(r"(.*?) \(([^)]*)\)", unit)
    if match and match.group(2) in QUALIFIERS:
        return match.group(1), match.group(2)
    return unit, ""


def convert_target(target: dict) -> dict:
    unit, comparison = split_unit(target["unit"])
    converted = {
        "metric": target["metric"],
        "metric_zh": target.get("metric_zh"),
        "scope": target.get("scope"),
        "baseline_year": target.get("baseline_year"),
        "target_year": target.get("target_year"),
        "value": target.get("value"),
        "unit": unit,
        "comparison": comparison,
        "direction": target["direction"],
        "description": target.get("text_en"),
        "verified": target.get("verified", True),
        "note": target.get("note"),
    }
    return {k: v for k, v in converted.items() if v not in (None, "") and not (k == "verified" and v)}


class ResearchConverter:
    def __init__(self, research_dir: Path):
        self.research_dir = Path(research_dir)
        self.eids: dict[tuple[str, str], str] = {}  # (document slug, research num) → eid
        self.authorities: dict[str, dict] = {}

    def read(self, name: str) -> dict:
        path = self.research_dir / name
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise CorpusError(f"cannot read research file: {error}", path) from error

    def convert(self) -> dict[str, object]:
        """Return {relative path: data} for every corpus file."""
        research_documents = [
            self.read(path.name)
            for path in sorted(self.research_dir.glob("*.yaml"))
            if path.name not in ("industries.yaml", "glossary.yaml", "glossary-additions.yaml")
        ]
        industries = self.read("industries.yaml")["industries"]
        plan_nodes = {}
        for industry in industries:
            for num in industry.get("plan_nodes") or []:
                plan_nodes.setdefault(str(num), []).append(industry["slug"])
        industry_order = [industry["slug"] for industry in industries]

        documents = {}
        self.dates = {research["slug"]: research.get("dates") or {} for research in research_documents}
        for research in research_documents:
            extra = plan_nodes if research["slug"] == "industrial-carbon-peaking-2022" else {}
            documents[research["slug"]] = self.convert_document(research, extra, industry_order)
        for research in research_documents:
            for relation in research.get("relations") or []:
                self.add_relation(documents, research["slug"], relation)

        files: dict[str, object] = {f"documents/{slug}.yaml": data for slug, data in documents.items()}
        files["authorities.yaml"] = [self.authorities[key] for key in sorted(self.authorities)]
        files["topics.yaml"] = TOPICS
        files["relation-types.yaml"] = RELATION_TYPES
        files["industries.yaml"] = [self.convert_industry(industry) for industry in industries]
        terms = self.read("glossary.yaml")["terms"]
        if (self.research_dir / "glossary-additions.yaml").exists():
            known = {term["slug"] for term in terms}
            terms += [t for t in self.read("glossary-additions.yaml")["terms"] if t["slug"] not in known]
        files["glossary.yaml"] = [self.convert_term(term) for term in terms]
        return files

    def authority(self, issuer: dict) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", (issuer.get("abbr") or issuer["en"]).lower()).strip("-")
        names_zh = {issuer["zh"], issuer.get("zh_short") or issuer["zh"]}
        known = self.authorities.get(slug)
        if known:
            names_zh |= {known["name_zh"], known.get("short_name_zh") or known["name_zh"]}
        full, short = max(names_zh, key=len), min(names_zh, key=len)
        self.authorities[slug] = {
            "slug": slug,
            "abbreviation": issuer.get("abbr") or "",
            "name_en": issuer["en"],
            "name_zh": full,
            "short_name_zh": short if short != full else "",
        }
        return slug

    def convert_document(self, research: dict, plan_nodes: dict, industry_order: list[str]) -> dict:
        slug = research["slug"]
        status = research["status"]
        dates = dict(research.get("dates") or {})
        dates_note = dates.pop("note", None)
        dates_verified = dates.pop("verified", True)
        status_extra = {
            key: value
            for key, value in status.items()
            if key not in ("value", "superseded_by", "note", "verified", "amended_by") and value is not None
        }
        if status_extra.get("supersedes") == status.get("superseded_by"):
            status_extra.pop("supersedes", None)
        details = {key: research[key] for key in DOCUMENT_FIELDS_KEPT_AS_DETAILS if key in research}
        if status_extra:
            details["status_facts"] = status_extra
        issuers = []
        for issuer in research["issuers"]:
            authority = self.authority(issuer)
            issuers.append({"authority": authority, "role": issuer["role"]} if issuer.get("role") else authority)
        document = {
            "slug": slug,
            "kind": KINDS[research["doc_type"]],
            "form": research["doc_type"],
            "title_en": research["title_en"],
            "title_zh": research.get("title_zh"),
            "title_note": research.get("title_zh_note"),
            "short_title": SHORT_TITLES[slug],
            "notice_title_en": research.get("notice_title_en"),
            "notice_title_zh": research.get("notice_title_zh"),
            "doc_number": research.get("doc_number"),
            "doc_number_note": research.get("doc_number_note"),
            "doc_number_verified": research.get("doc_number") is not None,
            "jurisdiction": research["jurisdiction"],
            "rank": rank(research),
            "level": research.get("level"),
            "language": research.get("language", "zh"),
            "issuers": issuers,
            "topics": RESEARCH_TOPICS[research["topic"]],
            "events": events(research, dates, dates_verified, self.dates.get(status.get("superseded_by"))),
            "dates_note": dates_note,
            "status_note": status.get("note"),
            "summary": research["summary_en"],
            "details": details,
            "sources": research.get("sources") or [],
            "provisions": self.convert_outline(slug, research["outline"], plan_nodes, industry_order),
            "relations": [],
        }
        return document

    def convert_outline(self, slug, outline, plan_nodes, industry_order) -> list[dict]:
        """Nest the outline: rule files list nodes flat with dotted numbers."""
        flat = []

        def flatten(nodes):
            for node in nodes:
                flat.append(node)
                flatten(node.get("children") or [])

        flatten(outline)
        by_num = {}
        roots = []
        for node in flat:
            num = str(node["num"])
            parent_num = num.rpartition(".")[0]
            parent = by_num.get(parent_num)
            component = eid_component(node)
            if parent and parent["eid"].rpartition("__")[2].startswith("box_") and component.startswith("sec_"):
                component = "item_" + component[4:]  # the numbered strands of a boxed programme
            eid = f"{parent['eid']}__{component}" if parent else component
            industries = list(node.get("industries") or [])
            for industry in plan_nodes.get(num, []):
                if industry not in industries:
                    industries.append(industry)
            entry = {
                "eid": eid,
                "num": node.get("label_zh") or node.get("articles") or num,
                "kind": node["kind"],
                "heading_en": node["heading_en"],
                "heading_zh": node.get("heading_zh"),
                "heading_zh_note": node.get("heading_zh_note"),
                "heading_official_en": node.get("heading_official_en"),
                "articles": node.get("articles"),
                "text": node.get("summary_en"),
                "key_terms": node.get("key_terms_zh") or [],
                "responsible_agencies": [
                    {k: v for k, v in agency.items() if v} for agency in node.get("responsible_agencies") or []
                ],
                "industries": industries,
                "targets": [convert_target(target) for target in node.get("targets") or []],
                "verified": node.get("verified", True),
                "note": node.get("note"),
                "details": {"principles": node["principles"]} if node.get("principles") else {},
                "children": [],
            }
            entry = {k: v for k, v in entry.items() if v not in (None, "") and not (k == "verified" and v)}
            entry.setdefault("children", [])
            entry["_num"] = [int(part) for part in num.split(".")]
            self.eids[(slug, num)] = eid
            by_num[num] = entry
            (parent["children"] if parent else roots).append(entry)

        def sort(entries):
            # Document order; one research file lists 3.2 before 3.1.
            entries.sort(key=lambda e: e["_num"])
            for entry in entries:
                del entry["_num"]
                sort(entry["children"])
                if not entry["children"]:
                    del entry["children"]

        sort(roots)
        return roots

    def add_relation(self, documents: dict, slug: str, relation: dict):
        target_slug = relation["target_doc"]
        target_eid = self.eids.get((target_slug, str(relation["target_num"])))
        if target_slug not in documents or target_eid is None:
            raise CorpusError(
                f"relation to {target_slug} {relation['target_num']} does not resolve",
                self.research_dir / f"{slug}.yaml",
            )
        kind = relation["type"]
        if kind in REVERSED_TYPES:
            # State it once, forwards, in the file of the document it starts from.
            owner, kind, to = target_slug, REVERSED_TYPES[kind], slug
        else:
            owner, to = slug, f"{target_slug}#{target_eid}"
        note = relation.get("note_en")
        if relation.get("verified") is False:
            note = f"{note} Unverified: {relation.get('note') or 'rests on one source'}"
        entry = {"type": kind, "to": to, "note": note}
        if REVERSED_TYPES.get(relation["type"]):
            entry = {"type": kind, "from": target_eid, "to": to, "note": note}
        entry = {k: v for k, v in entry.items() if v}
        existing = documents[owner]["relations"]
        same = [
            r
            for r in existing
            if (r["type"], r.get("from"), r["to"]) == (entry["type"], entry.get("from"), entry["to"])
        ]
        if same:
            if entry.get("note") and entry["note"] != same[0].get("note"):
                same[0]["note"] = f"{same[0].get('note', '')} {entry['note']}".strip()
            return
        existing.append(entry)

    def convert_industry(self, industry: dict) -> dict:
        gbt = industry.get("gbt4754_2017") or {}
        isic = industry.get("isic_rev4") or {}
        gbt_verified = gbt.get("verified", True) and gbt.get("groups_or_classes_verified", True)
        converted = {
            "slug": industry["slug"],
            "name_en": industry["name_en"],
            "name_zh": industry["name_zh"],
            "parent": industry.get("parent"),
            "aliases": industry.get("aliases"),
            "gbt4754": {
                k: v
                for k, v in {
                    "divisions": gbt.get("divisions"),
                    "classes": gbt.get("groups_or_classes"),
                    "verified": gbt_verified,
                    "note": gbt.get("note"),
                }.items()
                if v not in (None, [], "") and not (k == "verified" and v)
            },
            "isic": {
                k: v
                for k, v in {
                    "divisions": isic.get("divisions"),
                    "classes": isic.get("groups_or_classes"),
                    "verified": isic.get("verified", True),
                    "note": isic.get("note"),
                }.items()
                if v not in (None, [], "") and not (k == "verified" and v)
            },
            "note": industry.get("note"),
        }
        return {k: v for k, v in converted.items() if v not in (None, [], "", {})}

    def convert_term(self, term: dict) -> dict:
        see = []
        for reference in term.get("see_nodes") or []:
            slug, _, num = reference.partition("#")
            eid = self.eids.get((slug, num))
            if eid is None:
                raise CorpusError(
                    f"glossary term {term['slug']}: {reference} does not resolve", self.research_dir / "glossary.yaml"
                )
            see.append(f"{slug}#{eid}")
        converted = {
            "slug": term["slug"],
            "term_en": term["en"],
            "term_zh": term.get("zh"),
            "abbreviations": term.get("abbreviations"),
            "synonyms_en": term.get("synonyms_en"),
            "synonyms_zh": term.get("synonyms_zh"),
            "definition": term.get("definition_en"),
            "see": see,
        }
        return {k: v for k, v in converted.items() if v not in (None, [], "")}


def write_corpus_from_research(research_dir: Path, out_dir: Path) -> list[Path]:
    written = []
    for relative, data in ResearchConverter(research_dir).convert().items():
        path = Path(out_dir) / relative
        write_yaml(path, data, FILE_HEADER)
        written.append(path)
    return written
