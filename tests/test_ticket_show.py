"""ticket:show — GET /v1/ticket/{id}, as portal-api.md documents it."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "1.5", "²", "١٢"])
def test_a_bad_id_is_422_naming_the_id(client, raw):
    response = client.http.get(f"/v1/ticket/{raw}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["id"]


@pytest.mark.parametrize("verb", ["comment", "close", "open", "claim"])
def test_a_bad_id_is_422_on_queued_actions_too(client, verb):
    response = client.http.post(f"/v1/ticket/²/{verb}", json={"comment": "hi"})
    assert response.status_code == 422
