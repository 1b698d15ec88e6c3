"""``GET /__mock/resources/{kind}``: any kind's resources, read without a
Portal request, as the fixture's ``resources(kind)`` reads them."""

from __future__ import annotations

from portal_mock.testing.control_client import ControlAPIError


def test_resources_of_a_kind_are_shown_as_their_show_action_shows_them(client):
    made = client.http.post("/v1/ssh-key", json={"name": "deploy", "key": "ssh-ed25519 AAAAC3Nza deploy@ci"}).json()
    found = client.control.resources("ssh-key", key=client.key)
    assert [{k: v for k, v in record.items() if k != "account"} for record in found] == [made]
    journal = client.control.requests(key=client.key)
    assert [entry["action"] for entry in journal["requests"]] == ["ssh-key:add"], "reading journals nothing"


def test_reference_data_and_tickets_are_resources_too(client):
    assert len(client.control.resources("cloud", key=client.key)) == 3
    assert client.add_ticket().status_code == 202
    client.advance(2)
    assert [t["id"] for t in client.control.resources("ticket", key=client.key)] == [t["id"] for t in client.control.tickets(key=client.key)]


def test_an_unknown_kind_is_a_404_that_suggests_the_nearest(client):
    try:
        client.control.resources("ssh-keys", key=client.key)
    except ControlAPIError as error:
        assert error.status == 404
        assert "ssh-key" in str(error)
    else:
        raise AssertionError("an unknown kind was listed")
