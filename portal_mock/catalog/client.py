"""The client account behind a key (``client/*.md``): its details, the
verbs that change them (name and classification, PIN, marketing email,
tax exemption, payment instructions), its event history and heads-up
notifications, and registering a new client.  The vendor's references to
a client carry a ``null`` uri, so no client show is added; ``client:self``
and ``client:list`` show the one client every account has."""

from __future__ import annotations

from typing import Any, cast

from portal_mock.catalog.api_token import NAME
from portal_mock.catalog.authentication import PASSPHRASE
from portal_mock.catalog.model import ANY_KEY, CREATED, EMAIL, IMMEDIATE, LIST, PUBLIC, QUEUED, TEXT, Action, Family
from portal_mock.domain.resources import Create, Edit, Kind, Transition
from portal_mock.domain.shapes import (
    STRING,
    Const,
    Copy,
    Digits,
    Fake,
    Format,
    Id,
    Many,
    Metadata,
    Number,
    Pick,
    Present,
    Ref,
    Secret,
    Switch,
    When,
    Wrapped,
)

VIEW = "client view"
EDIT = "client edit"
LINE = cast(dict[str, Any], NAME["properties"])["name"]
"""A single line of text, as the pages require of names and numbers."""
OPTIONAL_LINE = {"type": "string", "pattern": r"^[^\r\n]*$"}
"""An optional single line, which may be empty: a form leaves a field out by sending it empty."""
BOOLEAN = {"type": ["boolean", "string"], "enum": [True, False, "true", "false"]}
"""A bool, which forms and some of the vendor's own examples send as ``"true"``."""
CLASSIFICATIONS = ("blogger", "business-owner", "designer", "developer", "enterprise-customer", "freelancer", "marketer")

CLIENT = Kind(
    "client",
    scope="client",
    uri=None,
    shape={
        "id": Id(),
        "identity": Copy("name", STRING),
        "status": "active",
        "affiliate": {"id": Copy("id"), "identity": Copy("name", STRING), "is_affiliate": False, "metadata": {"scope": "client", "uri": None}},
        "billing": {
            "address": None,
            "amount_due": "0.00",
            "amount_overdue": "0.00",
            "credit_amount": Number(0, 50000, places=2),
            "discount": None,
            "overdue_halt": False,
            "payment_type": "cc",
            "requires_creditcard": True,
            "tax_exempt": False,
        },
        "external_key": "",
        "external_key_prefix": None,
        "has_cancel_pending": False,
        "has_rdns_records": None,
        "is_tax_exempt": Present("tax_exempt.number"),
        "metadata": Metadata(),
        "name": Fake("company", input="name"),
        "owner": Ref("user"),
        "pin": Digits(6, input="pin"),
        "self_classification": Const("", input="self_classification"),
        "services": {"counts": {}},
        "start_date": When((-2000, -30)),
        "tax_exempt": Wrapped("number", input="number"),
        "purchase_order_number": Const("", input="purchase_order_number"),
        "agency_relation": Switch(0.0, input="agency_relation"),
        "accepts_marketing_email": False,
        "payment_instructions": Const("", input="body"),
    },
)

EVENT = Kind(
    "client-event",
    scope="event",
    uri=None,
    shape={
        "id": Id(),
        "identity": Format("api-task:{action} - {resource.identity}"),
        "action": Pick(("store-add", "store-edit", "store-delete")),
        "event_date": When((-90, 0)),
        "metadata": Metadata(),
        "resource": Ref("client"),
        "user": Ref("user"),
    },
)
"""What happened on the account; only a scenario's declarations make them."""

APPS = {"Magento": False, "WordPress": True, "WooCommerce": True}
HUD = Kind(
    "hud-notification",
    scope="hud-notification",
    uri=None,
    shape={
        "id": Id(),
        "cloudaccount_id": Number(1000, 99999),
        "state": Pick(("failure", "success")),
        "nickname": "",
        "client_domain": "",
        "domain": Fake("domain_name"),
        "plan_id": Number(10000, 99999),
        "plan_nickname": Format("{app_name} {package_label} Plan"),
        "package_label": Pick(("nc.small", "nc.medium", "nc.large")),
        "package_is_plan": False,
        "app_name": Pick(tuple(APPS)),
        "app_is_wordpress_based": Copy("app_name", {"type": "boolean"}, APPS),
        "environment_access_username": "admin",
        "environment_access_url": Format("https://{domain}/admin"),
        "notification": "cloud-account:status",
    },
)
"""A heads-up notice about one of the client's cloud accounts; only a
scenario's declarations make them."""

REGISTRATION = Kind(
    "registration",
    scope="client",
    uri=None,
    shape={"id": Id(), "identity": Copy("email", STRING), "metadata": Metadata(), "email": Fake("email", input="email"), "verified": False},
)
"""A client registered through ``client:register``, its email not yet verified."""

FEEDBACK_SSO = {
    "app_id": Secret(),
    "token": Secret(),
    "boards": Many(
        {
            "created": When((-2000, -30), format="%Y-%m-%dT%H:%M:%S.000Z"),
            "id": Secret(),
            "isPrivate": False,
            "name": "Ideas",
            "postCount": Number(0, 500),
            "token": Fake("uuid4"),
            "url": "ideas",
        },
        count=(1, 1),
    ),
}

EDIT_INPUT = {
    "type": "object",
    "properties": {
        "name": OPTIONAL_LINE,
        "self_classification": {"type": "string", "enum": list(CLASSIFICATIONS)},
        "purchase_order_number": OPTIONAL_LINE,
        "agency_relation": BOOLEAN,
    },
}

PIN = {"type": "object", "properties": {"pin": {"type": "string", "pattern": r"^([0-9]{6})?$"}}}
"""Six digits; an empty pin asks for a new one to be drawn."""
DOCUMENT_IDS = {"type": "array", "items": {"type": ["integer", "string"], "minimum": 1, "pattern": r"^0*[1-9][0-9]*$"}}
"""Ids of uploaded documents, as a list of integers (a form sends digits); the mock keeps no documents to check them against."""
TAX_EXEMPT = {"type": "object", "required": ["number"], "properties": {"number": LINE, "document_ids": DOCUMENT_IDS}}
VERIFY = {"type": "object", "required": ["number"], "properties": {"number": TEXT, "country": LINE}}
PAYMENT = {"type": "object", "required": ["body"], "properties": {"body": TEXT}}
PASSWORD = cast(dict[str, Any], PASSPHRASE["properties"])["passphrase"]
"""A new user's password, bounded as a passphrase is."""
REGISTER = {
    "type": "object",
    "required": ["email", "password", "agree_to_terms"],
    "properties": {"email": EMAIL, "password": PASSWORD, "agree_to_terms": {**BOOLEAN, "enum": [True, "true"]}},
}

FAMILY = Family(
    "client",
    kinds=(CLIENT, EVENT, HUD, REGISTRATION),
    actions=(
        Action("client:self", "GET", "/v1/client/self", "Show the key's own client account", ANY_KEY, IMMEDIATE, "client"),
        Action("client:list", "GET", "/v1/client", "List the client accounts of the key's user", ANY_KEY, LIST, "client", fields={"id": "id"}),
        Action(
            "client:edit", "POST", "/v1/client", "Edit the client's details", EDIT, QUEUED, "client", EDIT_INPUT, Edit(),
            example={"name": "Howell, Inc.", "self_classification": "developer", "purchase_order_number": "X1234567890", "agency_relation": "true"},
        ),
        Action(
            "client:change-pin", "POST", "/v1/client/pin", "Change the client's call-in PIN", EDIT, QUEUED, "client", PIN, Edit(),
            example={"pin": "123456"},
            behaviour="sets pin (an empty one draws a new PIN; none given changes nothing)",
        ),
        Action(
            "client:accept-marketing-email", "POST", "/v1/client/marketing", "Opt in to marketing email", EDIT, QUEUED, "client",
            effect=Transition("accepts_marketing_email", True, refuse=(True,)),
        ),
        Action(
            "client:decline-marketing-email", "DELETE", "/v1/client/marketing", "Opt out of marketing email", EDIT, QUEUED, "client",
            effect=Transition("accepts_marketing_email", False, refuse=(False,)),
        ),
        Action(
            "client:set-tax-exempt", "POST", "/v1/client/tax-exempt", "Set the client's tax-exempt number", EDIT, QUEUED, "client", TAX_EXEMPT, Edit(),
            example={"number": "X1234567890", "document_ids": [23, 24]},
            behaviour="sets tax_exempt.number (and is_tax_exempt)",
        ),
        Action(
            "client:remove-tax-exempt", "DELETE", "/v1/client/tax-exempt", "Remove the client's tax exemption", EDIT, QUEUED, "client",
            effect=Transition("is_tax_exempt", False, refuse=(False,), also={"tax_exempt": {"number": ""}}),
            behaviour="clears tax_exempt.number and is_tax_exempt (rejected when none is set)",
        ),
        Action(
            "client:verify-tax-exempt", "GET", "/v1/client/tax-exempt/{number}/{country}", "Verify a tax-exempt number", VIEW, IMMEDIATE,
            body=VERIFY, returns={"number": Const("", input="number"), "verified": "true"}, statuses=(200, 401, 403, 422),
            behaviour="every number verifies",
        ),
        Action(
            "client:set-payment-instructions", "POST", "/v1/client/payment-instructions", "Set the client's payment instructions", EDIT, QUEUED, "client",
            PAYMENT, Edit(), example={"body": "do this payment thing"},
        ),
        Action(
            "client:history", "GET", "/v1/client/history", "List the client account's events", VIEW, LIST, "client-event",
            fields={"id": "id", "action": "action", "scope": "resource.metadata.scope", "user_id": "user.id"},
            sorts=("recent", "id", "event_date", "action", "scope", "user_id"),
        ),
        Action("client:hud", "GET", "/v1/client/hud", "List heads-up notifications", ANY_KEY, LIST, "hud-notification", sorts=("id",)),
        Action("client:feedback-sso", "GET", "/v1/client/feedback-sso", "Sign on to customer feedback", EDIT, IMMEDIATE, returns=FEEDBACK_SSO),
        Action(
            "client:register", "POST", "/v1/register", "Register a new client and user", PUBLIC, CREATED, "registration", REGISTER, Create(),
            statuses=(201, 413, 415, 422),
            behaviour="records the registration, its email unverified (no account or login is made)",
            example={"email": "new-user@example.com", "password": "correct horse battery staple", "agree_to_terms": True},
        ),
    ),
)
