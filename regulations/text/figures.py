"""Figures in words, as every page, export and API answer shows them."""


def target_value_text(target) -> str:
    """A target's figure in words: 'at least 13.5% reduction', 'peak before 2030', 'qualitative'."""
    unit = target.unit or ""
    if target.value is not None:
        number = target.value_display
        text = f"{number}%{unit[1:]}" if unit == "%" or unit.startswith("% ") else f"{number} {unit}"
        return f"{target.comparison} {text}".strip()
    if unit == "peak year" and target.target_year:
        return f"peak {target.comparison or 'by'} {target.target_year}"
    if unit == "qualitative":
        return "qualitative"
    return f"{target.comparison} ({unit})".strip() if target.comparison else unit
