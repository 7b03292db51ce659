"""What a search says about how it read and answered a query, as codes: the parser's notes on a malformed
query and a backend's on a search its time limit cut short. ``search.wording`` words them in the reader's
language (the page) and the API gives code, value and words, so neither the parser nor a backend needs
translation machinery."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    """What was done (``code``, one of ``NOTE_CODES``) and to what (``value``)."""

    code: str
    value: str = ""


NOTE_CODES = (
    # the parser's
    "removed_control_characters",
    "shortened",  # value: the characters kept
    "lone_sign",  # value: the sign
    "closed_quote",
    "misplaced_or",
    "empty_filter",  # value: the filter's name
    "excluded_filter",  # value: the value searched instead
    "not_a_filter",  # value: the name before the colon
    "ignored_brackets",
    "inner_star",
    "ignored_word",  # value: the word
    "short_prefix",  # value: the word
    "too_many_words",  # value: the words kept
    "only_excluded",
    # a backend's
    "timed_out",  # nothing was found in time
    "timed_out_partial",  # the results are the best found in time
)
