"""The recorder alone: exchanges in, rules out, no HTTP."""

from __future__ import annotations

from portal_mock.recording.recorder import REDACTED, Exchange, Recording, safe_url
from portal_mock.scenarios.files import parse_scenario

UUID = "27cf7888-0e62-4854-917d-d9f2bd6b240e"


def exchange(method: str, path: str, status: int, answer=None, body=None, seconds: float = 0.0, key: str = "real-key-abcdef", **headers: str) -> Exchange:
    return Exchange(method, path, "", {"authorization": f"Bearer {key}"}, body, status, {k.replace("_", "-"): v for k, v in headers.items()}, answer, seconds)


def test_a_poll_sequence_keeps_its_place_and_ids_are_generalised():
    recording = Recording("flaky session")
    for item in [
        exchange("POST", "/v1/ticket", 202, {"status": "pending"}, {"subject": "a"}, 0.0, location=f"/v1/task/{UUID}"),
        exchange("GET", f"/v1/task/{UUID}", 200, {"status": "pending"}, seconds=1.0),
        exchange("GET", f"/v1/task/{UUID}", 503, {"message": "Busy."}, seconds=1.5, retry_after="1"),
        exchange("GET", f"/v1/task/{UUID}", 200, {"status": "rejected", "errors": {"message": "No."}}, seconds=2.5),
    ]:
        recording.add(item)
    rules, unreplayed = recording.rules()
    assert unreplayed == []
    assert [(rule["match"]["path"], rule.get("times"), {k: rule[k] for k in ("respond", "task", "latency") if k in rule}) for rule in rules] == [
        ("/v1/ticket", None, {"task": {"after": "2.5s", "outcome": "rejected", "errors": {"message": "No."}}}),
        ("/v1/task/*", 1, {"latency": 0}),
        ("/v1/task/*", None, {"respond": {"status": 503, "headers": {"Retry-After": "1"}, "body": {"message": "Busy."}}}),
    ]
    assert recording.name == "flaky-session"
    scenario, problems = parse_scenario(recording.text("http://127.0.0.1:1", "2026-01-01T00:00:00Z"))
    assert problems == [] and scenario is not None


def test_secrets_are_redacted_and_keys_mapped():
    recording = Recording("s", {"real-key-abcdef": "mock-key"})
    hook = {"name": "n", "auth": {"type": "bearer", "token": "tok-123456"}, "password": "pw-987654"}
    recording.add(exchange("GET", "/v1/task/webhook/3", 200, {"auth": {"token": "tok-123456"}, "note": "key real-key-abcdef, pw-987654"}, hook))
    recording.add(exchange("GET", "/v1/unknown/real-key-abcdef", 404, {"message": "x"}))
    text = recording.text("https://user:pass@portal.example.com/api?secret=1", "2026-01-01T00:00:00Z")
    for secret in ("real-key-abcdef", "tok-123456", "pw-987654", "user:pass", "secret=1"):
        assert secret not in text
    assert "key mock-key, <redacted>" in text and f"token: {REDACTED}" in text
    assert "/v1/unknown/mock-key -> 404" in text
    assert safe_url("https://user:pass@portal.example.com:8443/api?x=1") == "https://portal.example.com:8443/api"


def test_pins_cvvs_and_url_passwords_are_kept_out_as_the_mock_keeps_them_out_of_its_journal():
    recording = Recording("s")
    answer = {"input": {"pin": "135790"}, "callback": "https://hook:url-pass-53@h.example.com/in", "cvv": "9071"}
    recording.add(exchange("POST", "/v1/client/pin", 200, answer, {"pin": "135790"}))
    text = recording.text("http://127.0.0.1:1", "2026-01-01T00:00:00Z")
    assert not any(secret in text for secret in ("135790", "url-pass-53", "9071")), text
    assert "https://hook:****@h.example.com/in" in text and f"pin: {REDACTED}" in text


def test_the_body_field_that_made_the_answer_differ_is_matched():
    recording = Recording("s")
    recording.add(exchange("POST", "/v1/ticket/5/comment", 422, {"message": "Bad."}, {"comment": "boom"}))
    recording.add(exchange("POST", "/v1/ticket/5/comment", 404, {"message": "Gone."}, {"comment": "hello"}))
    rules, _ = recording.rules()
    assert [(rule["match"]["path"], rule["match"]["body"], rule["respond"]["status"]) for rule in rules] == [
        ("/v1/ticket/*/comment", {"comment": "boom"}, 422),
        ("/v1/ticket/*/comment", {"comment": "hello"}, 404),
    ]
