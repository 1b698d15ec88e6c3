"""A typed Python client for the control API.

Usable from any test runner against a separately started ``portal-mock
serve``; the pytest plugin is built on it.  Every method is one documented
HTTP call, so what a test does through it a shell script can do with curl.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx


class ControlAPIError(Exception):
    """The control API refused a call; ``status`` and ``message`` say why."""

    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(f"{status}: {message}" + (f" {errors}" if errors else ""))
        self.status = status
        self.message = message
        self.errors = errors or {}


@dataclass(frozen=True)
class MintedKey:
    key: str
    account: int
    label: str
    scenario: str | None
    permissions: list[str]
    user: dict[str, Any]
    clock: dict[str, Any]


class Control:
    """``Control("http://127.0.0.1:8080")``; ``token`` is the server's
    ``--admin-token`` when it has one.  ``transport`` lets tests run it over
    an in-process httpx transport."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 10.0, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.url}/__mock", headers=headers, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Control:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        query = {k: v for k, v in (params or {}).items() if v is not None}
        response = self._http.request(method, path, json=json, params=query)
        try:
            payload = response.json()
        except ValueError:
            payload = {"message": response.text}
        if response.status_code >= 400:
            raise ControlAPIError(response.status_code, payload.get("message", ""), payload.get("errors"))
        return payload

    def _object(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call whose answer is a JSON object."""
        answer: dict[str, Any] = self._call(method, path, json, params)
        return answer

    def _list(self, method: str, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """A call whose answer is a JSON list of objects."""
        answer: list[dict[str, Any]] = self._call(method, path, params=params)
        return answer

    @staticmethod
    def _given(**fields: Any) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if v is not None}

    def health(self) -> dict[str, Any]:
        return self._object("GET", "/health")

    def scenarios(self) -> list[dict[str, Any]]:
        return self._list("GET", "/scenarios")

    def set_scenario(self, name: str, key: str | None = None) -> None:
        """Set the server's active scenario; with ``key``, bind only that key
        to ``name`` instead."""
        self._call("PUT", "/scenario", self._given(name=name, key=key))

    def mint_key(
        self,
        scenario: str | None = None,
        permissions: Iterable[str] | None = None,
        label: str | None = None,
        seed: int | str | None = None,
        clock: str | None = None,
        user: str | None = None,
    ) -> MintedKey:
        """A fresh key in a fresh, empty account."""
        body = self._given(scenario=scenario, label=label, seed=seed, clock=clock, user=user)
        if permissions is not None:
            body["permissions"] = list(permissions)
        return MintedKey(**self._call("POST", "/keys", body))

    def reset(self, key: str | None = None) -> None:
        self._call("POST", "/reset", self._given(key=key))

    def clock(self, key: str | None = None) -> dict[str, Any]:
        return self._object("GET", "/clock", params={"key": key})

    def advance(self, seconds: float, key: str | None = None) -> dict[str, Any]:
        """Move manual clocks forward; what falls due is resolved (and its
        webhooks delivered) before this returns."""
        return self._object("POST", "/clock/advance", self._given(seconds=seconds, key=key))

    def set_clock(self, time: float, key: str | None = None) -> dict[str, Any]:
        return self._object("POST", "/clock/set", self._given(time=time, key=key))

    def tasks(self, key: str | None = None, account: int | None = None, status: str | None = None) -> list[dict[str, Any]]:
        return self._list("GET", "/tasks", params={"key": key, "account": account, "status": status})

    def resources(self, kind: str, key: str | None = None, account: int | None = None) -> list[dict[str, Any]]:
        """Resources of ``kind`` (``"cloud-server"``) as its show action shows them (plus ``account``)."""
        return self._list("GET", f"/resources/{kind}", params={"key": key, "account": account})

    def tickets(self, key: str | None = None, account: int | None = None) -> list[dict[str, Any]]:
        """Tickets as ticket:show shows them (plus ``account``), read without
        a Portal request: nothing is journaled, no scenario rule counts it."""
        return self._list("GET", "/tickets", params={"key": key, "account": account})

    def resolve(self, task: str, outcome: str = "success", errors: dict[str, Any] | None = None) -> dict[str, Any]:
        """Finish a task now.  ``task`` is its UUID or its ``/v1/task/…`` path."""
        uuid = task.rstrip("/").rsplit("/", 1)[-1]
        return self._object("POST", f"/tasks/{uuid}/resolve", self._given(outcome=outcome, errors=errors))

    def requests(self, **filters: Any) -> dict[str, Any]:
        """The journal: ``action``, ``key``, ``account``, ``status``, ``path``,
        ``since``, ``until``, ``limit`` filter it."""
        return self._object("GET", "/requests", params=filters)

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def count(self, *, only_key: str | None = None, **pattern: Any) -> dict[str, Any]:
        """How many journal entries match ``pattern`` (scenario ``match``
        keys, plus ``status``), with the nearest misses.  ``only_key`` looks
        at that key's requests alone, so the misses are its own too.  Every
        argument is a keyword: ``count("ticket:add")`` would be taken for
        ``only_key`` and count every request, so it is a ``TypeError``."""
        return self._object("POST", "/requests/count", pattern, params={"key": only_key})

    def deliveries(self, key: str) -> list[dict[str, Any]]:
        """Every webhook delivery attempt of ``key``'s account, oldest first."""
        return self._list("GET", "/deliveries", params={"key": key})

    def openapi(self) -> dict[str, Any]:
        return self._object("GET", "/openapi.json")
