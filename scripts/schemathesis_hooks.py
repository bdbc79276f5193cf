"""Extra schemathesis check: every 4xx is an RFC 9457 problem document."""
import json

import schemathesis


@schemathesis.check
def problem_documents(ctx, response, case):
    if not 400 <= response.status_code < 500:
        return None
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    assert ctype.startswith("application/problem+json"), f"{response.status_code} with content type {ctype!r}"
    body = json.loads(response.content or b"{}")
    for key in ("type", "title", "status", "detail"):
        assert key in body, f"problem document without {key!r}: {body}"
    assert body["status"] == response.status_code, "status field differs from the HTTP status"
    return None
