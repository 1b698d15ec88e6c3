"""How a key is read from a request, and how a secret may be shown anywhere
but the answer that minted it.

This is the one redaction every output uses: the journal (its entries,
near misses and their reasons, the fixture's journal text, the dashboard
that reads it), the access log, the control API, the webhook and task
objects the Portal shows, delivery attempts and recordings.  Nothing here
changes what is stored: matching a journal entry and delivering a webhook
use the real values; only what is shown is redacted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

MASK = "****"
"""What a secret is shown as."""
SHORT_KEY = 8
"""A key this long or shorter is shown as ``MASK`` alone: its last four
characters would be half of it or more."""
CARD_MASK = "*" * 12
"""What stands for all but a payment card number's last four digits, as the vendor shows a card."""

_SECRET_NAME = re.compile(r"passw|passphrase|secret|token|api[-_]?key|authorization|^(?:pin|cvv2?|cvc)$", re.IGNORECASE)
_CARD_NAME = re.compile(r"^(?:card|cc|credit[-_]?card)[-_]?number$", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:)[^\s/?#]+@")
"""A URL's ``user:password@``; the password runs to the authority's last ``@``, as ``urlsplit`` reads it."""
_SEGMENTS = re.compile(r"[\[\].]+")
"""What separates the parts of a field name: ``auth[password]``, ``auth.password``."""
_PLACEHOLDER = re.compile(r"\{([^}/]+)\}")
"""A declared path's placeholder: ``{id}``, ``{passphrase}``."""
_JSON_FIELD = re.compile(r'"(?P<name>(?:[^"\\]|\\.)*)"(?P<colon>\s*:\s*)(?P<value>"(?:[^"\\]|\\.)*"?|\[[^\[\]{}]*\]?|[-+.\w]+)')
"""A JSON field and its value (a string, a flat list or a scalar), in text that may be cut off anywhere."""
_JSON_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"?|[-+.\w]+')
_FORM_FIELD = re.compile(r"(?P<head>(?:^|&)(?P<name>[^&=]*)=)(?P<value>[^&]*)")
_AUTHORIZATION = ("authorization", "proxy-authorization")
_COOKIES = ("cookie", "set-cookie")


def redact(token: str) -> str:
    """A key as it may be shown: ``…`` and its last four characters, enough
    to tell keys apart in a journal or a log, never enough to use one; a key
    of ``SHORT_KEY`` characters or fewer is ``****`` only."""
    return MASK if len(token) <= SHORT_KEY else f"…{token[-4:]}"


def bearer_token(authorization: str) -> str | None:
    """The key in an ``Authorization: Bearer <key>`` value (the scheme in
    any case), or ``None``: the one reading of that header, for Portal
    keys, the admin token and the journal alike."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if token and scheme.lower() == "bearer" else None


@lru_cache(maxsize=4096)
def secret_name(name: str) -> bool:
    """Whether a field, query parameter or header called ``name`` holds a
    secret: a password or passphrase, a token, secret or API key, an
    authorization, a PIN or a card's cvv (``auth[password]`` and
    ``auth.token`` by any of their parts).  Cached: every request brings
    the same few field names, and a task's input is redacted as it is made."""
    return any(_SECRET_NAME.search(part) for part in _SEGMENTS.split(name) if part)


def secret_header(name: str) -> bool:
    """Whether a header called ``name`` holds a secret: an authorization, a
    cookie, or a name like a secret's (``X-Api-Key``, ``X-Auth-Token``)."""
    return name.lower() in _COOKIES or secret_name(name)


@lru_cache(maxsize=4096)
def _card_name(name: str) -> bool:
    return _CARD_NAME.match(name) is not None


def _beside_cvv(fields: Mapping[Any, Any]) -> bool:
    """Whether ``fields`` hold a card's cvv: their ``number`` is then the card's."""
    return any(isinstance(name, str) and name.lower() == "cvv" for name in fields)


def card_number(number: Any) -> str:
    """A payment card number as the vendor shows one: twelve stars and its last four digits."""
    return CARD_MASK + str(number)[-4:]


def redact_text(text: str) -> str:
    """``text`` with the password of every URL in it masked:
    ``https://user:****@host/``."""
    if "://" not in text or "@" not in text:
        return text
    return _URL_PASSWORD.sub(lambda found: f"{found['head']}{MASK}@", text)


def redact_error(text: str, key: str | None) -> str:
    """An internal error's traceback as the journal, the log and a test's
    report show it: an exception's message may quote a URL with its password
    or the request's own key (a key of ``SHORT_KEY`` characters or fewer
    stays, as it could match any text)."""
    text = redact_text(text)
    return text.replace(key, redact(key)) if key and len(key) > SHORT_KEY else text


def redact_value(value: Any) -> Any:
    """A JSON-ready value (a request body, a task's input, a webhook) as it
    may be shown: every field named like a secret ``****`` (an empty one
    stays empty), a payment card's number by its last four digits, and
    every URL's password masked.  Returns a copy; ``value`` is untouched."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if not isinstance(value, Mapping):
        return value
    shown: dict[Any, Any] = {}
    for name, inner in value.items():
        if not isinstance(name, str):
            shown[name] = redact_value(inner)
        elif secret_name(name):
            shown[name] = masked(inner)
        elif _card_name(name) or (name.lower() == "number" and (_beside_cvv(value) or _card_like(inner))):
            shown[name] = card_number(inner) if _filled(inner) and not isinstance(inner, (dict, list)) else redact_value(inner)
        else:
            shown[name] = redact_value(inner)
    return shown


def redact_body_text(text: str) -> str:
    """A body's text as it may be shown where it is kept as text, not
    decoded (a body the journal truncated): in JSON, the value of every
    field named like a secret ``****`` (a list's items one by one) and a
    card number by its last four digits; in a form, every such
    parameter's; every URL's password masked.  The text may end anywhere,
    mid-value included."""
    if text.lstrip().startswith(("{", "[")):
        return redact_text(_JSON_FIELD.sub(_json_field, text))
    return redact_text(_FORM_FIELD.sub(_form_field, text))


def _json_field(found: re.Match[str]) -> str:
    name, value = found["name"], found["value"]
    if secret_name(name):
        shown = _JSON_ITEM.sub(lambda item: item[0] if item[0] in ('""', "null", "false") else f'"{MASK}"', value)
    elif _card_name(name) or (name.lower() == "number" and _card_like(value.strip('"'))):
        digits = value.strip('"')
        shown = f'"{card_number(digits)}"' if value.startswith('"') else card_number(digits)
    else:
        return found[0]
    return f'"{name}"{found["colon"]}{shown}'


def _form_field(found: re.Match[str]) -> str:
    name = unquote_plus(found["name"])
    if found["value"] and secret_name(name):
        return f"{found['head']}{MASK}"
    if found["value"] and _card_name(name):
        return f"{found['head']}{card_number(unquote_plus(found['value']))}"
    return found[0]


def redact_field(name: str, value: Any) -> Any:
    """The value found at field ``name`` (dotted for nested fields, as a
    journal match names them) as it may be shown."""
    return masked(value) if secret_name(name) else redact_value(value)


def redact_header(name: str, value: str) -> str:
    """A request header's value as it may be shown: a bearer key redacted
    (any other scheme's credentials masked), a cookie or a header named like
    a secret masked, a URL's password masked in any other."""
    name = name.lower()
    if name in _AUTHORIZATION:
        scheme, _, secret = value.strip().partition(" ")
        if not secret.strip():
            return MASK
        return f"{scheme} {redact(secret.strip()) if scheme.lower() == 'bearer' else MASK}"
    if secret_header(name):
        return MASK if value else value
    return redact_text(value)


def redact_query(query: str) -> str:
    """A raw query string as it may be shown: the value of every parameter
    named like a secret (``?token=…``, ``?auth[password]=…``) masked, the
    rest as sent."""
    if not query:
        return query
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        parts.append(f"{name}={MASK}" if equals and value and secret_name(unquote_plus(name)) else redact_text(part))
    return "&".join(parts)


def secret_placeholders(template: str) -> bool:
    """Whether a declared path (``/v1/assess-passphrase/{passphrase}``) names a secret by a placeholder."""
    return any(secret_name(name) for name in _PLACEHOLDER.findall(template))


def redact_path(path: str, template: str) -> str:
    """A request path as it may be shown: each segment that ``template``,
    the path its action declares, names by a placeholder named like a secret
    masked (``/v1/assess-passphrase/****``)."""
    segments = path.split("/")
    for index, part in enumerate(template.split("/")[: len(segments)]):
        found = _PLACEHOLDER.fullmatch(part)
        if found and secret_name(found[1]) and segments[index]:
            segments[index] = MASK
    return "/".join(segments)


def _filled(value: Any) -> bool:
    """Whether ``value`` holds anything to hide (``False``, ``None`` and ``""`` do not)."""
    return value is not None and not isinstance(value, bool) and value != ""


def masked(value: Any) -> Any:
    """A secret's value as shown: ``****``, element by element for a list;
    an object is shown by its own fields' names; an empty value stays empty."""
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, Mapping):
        return redact_value(value)
    return MASK if _filled(value) else value


def _card_like(value: Any) -> bool:
    """Whether ``value`` reads as a payment card number: 12 to 19 digits
    (spaces and dashes allowed) that pass the Luhn check card numbers carry."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    digits = str(value).replace(" ", "").replace("-", "")
    if not (12 <= len(digits) <= 19 and digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for index, digit in enumerate(int(char) for char in reversed(digits)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0
