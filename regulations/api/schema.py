"""The error answers every operation can give, added to the OpenAPI schema (a drf-spectacular hook).

drf-spectacular documents what a view returns on success; the answers of the machinery around it
(authentication, permissions, throttling, parsing, filters, pagination, conditional requests, the revision
check) are the same for every view of a kind, so they are stated once here rather than on every view.
"""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "What was wrong: `detail` in a sentence, or the refused fields with their messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
WRITES = {"post", "put", "patch", "delete"}
# POSTs that store nothing (the link checker): no revision to conflict with.
STORES_NOTHING = {"/api/links/check/"}
WITH_BODY = {"post", "put", "patch"}

DESCRIPTIONS = {
    "304": "Not modified since the ETag or date the request named.",
    "400": "The request cannot be used: a malformed body, filter or cursor; the answer says which.",
    "401": "The token sent is not valid, or a write was sent without signing in.",
    "403": "Signed in, but without permission to make this change.",
    "404": "No such object, or no such page of results.",
    "409": "Someone saved in between (the revision sent is not current), or the database refused the change.",
    "412": "The object changed since the ETag or date named in If-Match or If-Unmodified-Since.",
    "415": "The body is not JSON.",
    "429": "Too many requests (or too many wrong tokens) from this client; Retry-After says when to try again.",
}


def _codes(path: str, method: str, operation: dict) -> list[str]:
    parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
    codes = ["400", "401", "429"]
    if "{" in path or "page" in parameters:
        codes.append("404")
    if method == "get":
        codes += ["304", "412"]
    if method in WRITES:
        # 403 also answers a signed-in session's write without its CSRF token.
        codes.append("403")
        if path not in STORES_NOTHING:
            codes.append("409")
    if method in WITH_BODY:
        codes.append("415")
    return codes


EMPTY = {"type": "string", "maxLength": 0}


def _empty_means_absent(parameter: dict) -> None:
    """An optional query parameter sent empty (`?kind=`, as a form sends "any") is read as not given."""
    schema = parameter.get("schema", {})
    if parameter.get("in") != "query" or parameter.get("required") or not schema:
        return
    if "enum" in schema:
        if "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
    elif schema.get("type") in {"integer", "number", "boolean"}:
        parameter["schema"] = {"anyOf": [schema, EMPTY]}


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: each operation lists the error answers it can give, reads (and the link checker)
    say that they need no authentication, and optional query parameters may be sent empty."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                _empty_means_absent(parameter)
            security = operation.get("security")
            if security is not None and {} not in security and (method == "get" or path in STORES_NOTHING):
                security.append({})
            responses = operation.setdefault("responses", {})
            for code in _codes(path, method, operation):
                if code in responses:
                    continue
                if code == "304":
                    responses[code] = {"description": DESCRIPTIONS[code]}
                else:
                    responses[code] = {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    }
    return result
