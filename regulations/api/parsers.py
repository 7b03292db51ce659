"""The API's JSON parser: bodies of bounded nesting, refused with a 400 that says so.

Python's json module recurses once per nesting level, so a body of a few thousand `[` raises
RecursionError (a 500) before any serializer sees it; the depth is therefore counted before parsing.
The size is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE, which DRF applies when it reads the body
(regulations.api.exceptions turns it into a 400 that says the limit).
"""

import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

# The deepest payload the API takes is a provision's responsible agencies (a list of objects): three levels.
MAX_JSON_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text` (brackets inside strings do not count)."""
    deepest = depth = 0
    for bracket in _BRACKET.findall(_STRING.sub('""', text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        encoding = get_encoding(parser_context or {})
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"The JSON body is not valid {encoding}: {error}") from None
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(f"The JSON body nests too deeply: at most {MAX_JSON_DEPTH} levels of arrays and objects.")
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
