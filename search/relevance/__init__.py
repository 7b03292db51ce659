"""The graded relevance set (``judgments.yaml``) and the measures it is scored with.

``evaluate`` runs every judged query through ``search.service.search`` on one backend, exactly as the
search page does, and scores the first page: nDCG@10 (graded gain 2^grade − 1), success@1 and
success@3 (a result with the query's best grade among the first one or three). Results are named by
stable keys, a document's slug or "slug/identifier" for a provision, so the set survives a reload.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from search.backends.base import SearchBackend
from search.results import SearchHit

JUDGMENTS_FILE = Path(__file__).with_name("judgments.yaml")
DEPTH = 10


@dataclass(frozen=True)
class Judgment:
    query: str
    kind: str
    grades: dict[str, int]

    @property
    def best(self) -> int:
        return max(self.grades.values())


@dataclass
class QueryScore:
    judgment: Judgment
    ranked: list[str]
    ndcg: float
    success_at_1: bool
    success_at_3: bool


@dataclass
class Report:
    backend: str
    scores: list[QueryScore] = field(default_factory=list)

    def _mean(self, values) -> float:
        values = list(values)
        return sum(values) / len(values) if values else 0.0

    @property
    def ndcg(self) -> float:
        return self._mean(score.ndcg for score in self.scores)

    @property
    def success_at_1(self) -> float:
        return self._mean(score.success_at_1 for score in self.scores)

    @property
    def success_at_3(self) -> float:
        return self._mean(score.success_at_3 for score in self.scores)

    def by_kind(self) -> dict[str, Report]:
        kinds: dict[str, Report] = {}
        for score in self.scores:
            kinds.setdefault(score.judgment.kind, Report(self.backend)).scores.append(score)
        return kinds

    def failures(self) -> list[QueryScore]:
        """The queries whose first result is not one of their best answers, worst first."""
        return sorted((score for score in self.scores if not score.success_at_1), key=lambda score: score.ndcg)


def load_judgments(path: Path = JUDGMENTS_FILE) -> list[Judgment]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    judgments = []
    for number, entry in enumerate(entries, 1):
        grades = {str(key): int(grade) for key, grade in (entry.get("grades") or {}).items()}
        if not entry.get("q") or not grades or not all(1 <= grade <= 3 for grade in grades.values()):
            raise ValueError(f"{path.name}, entry {number}: a query needs “q” and grades from 1 to 3.")
        judgments.append(Judgment(query=str(entry["q"]), kind=str(entry.get("kind", "")), grades=grades))
    return judgments


def stable_key(hit: SearchHit) -> str:
    """How the judgments name a result."""
    if hit.kind == "document":
        return hit.document_slug
    if hit.kind == "provision":
        return f"{hit.document_slug}/{hit.eid}"
    return hit.key


def _dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:DEPTH]))


def score_ranking(judgment: Judgment, ranked: list[str]) -> QueryScore:
    gains = [judgment.grades.get(key, 0) for key in ranked[:DEPTH]]
    ideal = _dcg(sorted(judgment.grades.values(), reverse=True))
    return QueryScore(
        judgment=judgment,
        ranked=ranked[:DEPTH],
        ndcg=_dcg(gains) / ideal,
        success_at_1=judgment.best in gains[:1],
        success_at_3=judgment.best in gains[:3],
    )


def evaluate(backend: SearchBackend, judgments: list[Judgment] | None = None) -> Report:
    from search.service import search

    report = Report(backend=backend.name)
    for judgment in load_judgments() if judgments is None else judgments:
        results = search(judgment.query, backend=backend, page_size=DEPTH)
        report.scores.append(score_ranking(judgment, [stable_key(hit) for hit in results.hits]))
    return report
