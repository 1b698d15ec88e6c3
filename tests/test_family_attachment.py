"""Attachments: attachment:link answers the attachment and a download
link with a fresh token; the attachment's own uri is that endpoint; the
undocumented attachment:list finds them; 401, 403, 404 and 422."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from helpers import TLS, on_server_loop


@pytest.fixture
def sample(server, control, request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, str]]:
    """A key on a ``sample-account`` account, which has attachments."""
    minted = control.mint_key(label=request.node.nodeid, clock="manual", scenario="sample-account")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {minted.key}"}, verify=TLS) as http:
        yield http, minted.key


def test_the_download_link_names_the_attachment_and_carries_a_fresh_token(sample):
    http, _ = sample
    attachments = http.get("/v1/attachment").json()
    assert len(attachments) == 2
    for attachment in attachments:
        assert attachment["metadata"] == {"scope": "attachment", "uri": f"/v1/attachment/{attachment['id']}/download-link"}
        linked = http.get(attachment["metadata"]["uri"])
        assert linked.status_code == 200
        body = linked.json()
        assert body["attachment"] == attachment
        assert re.fullmatch(rf"https://portal\.invalid/attachment/{attachment['id']}\.download\?token=\S+", body["download_link"])
    again = http.get(attachments[0]["metadata"]["uri"]).json()
    assert again["download_link"] != http.get(attachments[0]["metadata"]["uri"]).json()["download_link"], "each link is signed anew"


def test_a_default_account_has_no_attachments(client):
    assert client.http.get("/v1/attachment").json() == []
    assert client.http.get("/v1/attachment/54/download-link").status_code == 404


def test_an_unknown_attachment_is_a_404_and_a_bad_id_a_422(sample):
    http, _ = sample
    ids = {a["id"] for a in http.get("/v1/attachment").json()}
    unknown = next(id for id in range(1, 10) if id not in ids)
    assert http.get(f"/v1/attachment/{unknown}/download-link").status_code == 404
    assert http.get("/v1/attachment/report.pdf/download-link").status_code == 422


def test_the_link_takes_the_attachment_link_view_permission(sample, server, anonymous):
    http, key = sample
    first = http.get("/v1/attachment").json()[0]["id"]
    assert anonymous.get(f"/v1/attachment/{first}/download-link").status_code == 401
    assert anonymous.get("/v1/attachment").status_code == 401
    registry = server.app.state.mock.registry
    other = on_server_loop(server, lambda: registry.add_key(registry.lookup(key).account, permissions=["ticket view"]).token)
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {other}"}, verify=TLS) as viewer:
        assert viewer.get(f"/v1/attachment/{first}/download-link").status_code == 403
        assert viewer.get("/v1/attachment").status_code == 403
