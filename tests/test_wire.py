"""portal_response encodes the vendor's headers once; what it sends must be
exactly what Starlette builds from the merged headers, without the body
HTTP forbids on a 204 or 304."""

from __future__ import annotations

import json

import pytest
from starlette.responses import Response

from portal_mock.http.wire import JSON, PORTAL_HEADERS, portal_response


@pytest.mark.parametrize(
    "status, headers",
    [
        (200, None),
        (200, {}),
        (202, {"Location": "/v1/task/0f6d1c8e"}),
        (401, {"WWW-Authenticate": "Bearer"}),
        (405, {"Allow": "POST"}),
        (200, {"Content-Range": "items 1-2/2"}),
        (200, {"Server": "apache"}),
        (200, {"server": "apache"}),
        (200, {"Content-Type": "application/json;charset=utf-8"}),
        (200, {"content-length": "0"}),
        (204, None),
        (304, {"Location": "/x"}),
    ],
)
def test_raw_headers_match_starlettes(status, headers):
    payload = {"message": "Prüfung", "errors": {"subject": ["Must not be empty."]}, "n": [1, 2.5, None, True]}
    expected = Response(
        json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        status_code=status,
        headers={**PORTAL_HEADERS, **(headers or {})},
        media_type=JSON,
    )
    actual = portal_response(payload, status, headers)
    body = b"" if status in (204, 304) else expected.body
    assert (actual.status_code, actual.body, actual.raw_headers) == (expected.status_code, body, expected.raw_headers)
