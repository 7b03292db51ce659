"""The targets page's timeline: a dot strip per target year, laid out in Python for an inline SVG."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext

from regulations.models import Target


@dataclass
class ChartDot:
    x: float
    y: float
    target: Target
    quantified: bool


@dataclass
class ChartRow:
    label: str
    y: float
    count: int
    dots: list[ChartDot]
    count_x: float


@dataclass
class Chart:
    width: int
    height: int
    rows: list[ChartRow]
    label_width: int
    top: int
    total: int


def target_chart(targets: list[Target]) -> Chart | None:
    """A dot strip per target year (one dot per target), laid out for an inline SVG."""
    if not targets:
        return None
    by_year: dict[int | None, list[Target]] = defaultdict(list)
    for target in targets:
        by_year[target.target_year].append(target)
    years = sorted(year for year in by_year if year is not None) + ([None] if None in by_year else [])
    label_width, top, row_height, step = 76, 12, 26, 13
    widest = max(len(items) for items in by_year.values())
    rows = []
    for index, year in enumerate(years):
        items = sorted(by_year[year], key=lambda t: (t.provision.document.slug, t.provision.position, t.position))
        y = top + index * row_height + row_height / 2
        dots = [
            ChartDot(label_width + 10 + i * step, y, target, target.value is not None) for i, target in enumerate(items)
        ]
        rows.append(
            ChartRow(
                str(year) if year is not None else gettext("No year"),
                y,
                len(items),
                dots,
                label_width + 10 + len(items) * step + 4,
            )
        )
    width = label_width + 10 + widest * step + 40
    height = top * 2 + len(years) * row_height
    return Chart(max(width, 320), height, rows, label_width, top, len(targets))
