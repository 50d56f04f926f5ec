"""OpenAPI details drf-spectacular cannot infer: the error answers every operation can give."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` says what went wrong; a 400 may instead name each invalid field with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "The request is invalid: see the messages.",
    "401": "No API token, or one that is unknown, revoked or expired.",
    "403": "The token's scope or its user's role does not allow this.",
    "404": "No such object, or not one of the token user's clients.",
    "405": "This method is not allowed here.",
    "406": "Only application/json answers are available.",
    "415": "Send the body as application/json.",
}
NOT_MODIFIED = "Not modified: the ETag in If-None-Match is still current."


def document_error_responses(result: dict[str, Any], generator, request, public: bool) -> dict[str, Any]:
    """Postprocessing hook: every operation documents the error answers and, for reads, 304."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                if status == "400" and method == "get" and not operation.get("parameters"):
                    continue
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
            if method == "get":
                responses.setdefault("304", {"description": NOT_MODIFIED})
                for status, response in responses.items():
                    if status.startswith("2"):
                        response.setdefault("headers", {})["ETag"] = {
                            "schema": {"type": "string"},
                            "description": "Send it back in If-None-Match to get 304 when nothing changed.",
                        }
    return result
