"""The graded relevance set (search/relevance/judgments.yaml) as a smoke test: the measures stay near what
tuning reached (nDCG@10 0.93, success@1 0.87–0.88 on both backends; `benchmarks/relevance.py` prints them)."""

import pytest

from search.relevance import Judgment, evaluate, load_judgments, score_ranking

NDCG_FLOOR = 0.90
SUCCESS_AT_1_FLOOR = 0.84


def test_the_set_is_large_and_covers_every_kind_of_query():
    judgments = load_judgments()
    kinds = {judgment.kind for judgment in judgments}
    assert len(judgments) >= 80
    assert {
        "topic",
        "alt-title",
        "chinese",
        "mixed",
        "abbreviation",
        "docnum",
        "shorthand",
        "typo",
        "question",
    } <= kinds
    assert len({judgment.query for judgment in judgments}) == len(judgments)


def test_the_measures_reward_the_best_answer_first():
    judgment = Judgment("q", "topic", {"a": 3, "b": 1})
    assert score_ranking(judgment, ["a", "b"]).ndcg == pytest.approx(1.0)
    swapped = score_ranking(judgment, ["b", "a"])
    assert swapped.ndcg < 1.0 and not swapped.success_at_1 and swapped.success_at_3
    assert score_ranking(judgment, ["x", "y", "z", "a"]).success_at_3 is False


def test_relevance_stays_above_its_floor(any_backend):
    report = evaluate(any_backend)
    worst = [(score.judgment.query, score.ranked[:3]) for score in report.failures()[:8]]
    assert report.ndcg >= NDCG_FLOOR, worst
    assert report.success_at_1 >= SUCCESS_AT_1_FLOOR, worst
