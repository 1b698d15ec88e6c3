"""Users (``user/self.md``): the people behind an account's keys.

Every account has its own user, and one more for each key minted as
someone else; tasks and posts name them by reference, so ``user:show``
(which the vendor does not document) answers each ``/v1/user/{id}``.
"""

from __future__ import annotations

from portal_mock.catalog.model import ANY_KEY, IMMEDIATE, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Fake, Flag, Format, Id, Metadata, Ref, Subject, When, schema_of

USER = Kind(
    "user",
    scope="user",
    uri="/v1/user/{id}",
    shape={
        "id": Id(),
        "identity": Format("{first_name} {last_name} - {email}"),
        "metadata": Metadata(),
        "first_name": Fake("first_name"),
        "last_name": Fake("last_name"),
        "activated": True,
        "beta_tester": False,
        "email": Fake("email"),
        "verified": True,
        "status": "active",
        "client": Ref("client"),
        "is_owner": Flag(1.0),
        "roles": [],
        "access": {"area": "extranet", "locked": False, "login_enable_date": When((-720, -30))},
    },
)

SELF = {
    "user": Subject(schema_of(USER.shape)),
    "password": {"expired": False, "expires_in": 7776000},
    "permissions": {"ACCOUNT": 7, "USERS": 7, "TICKETS": 7, "INVOICES": 7, "SERVICES": 7, "DNS": 7},
}

FAMILY = Family(
    "user",
    kinds=(USER,),
    actions=(
        Action("user:self", "GET", "/v1/user/self", "Show the key's own user", ANY_KEY, IMMEDIATE, "user", returns=SELF),
        Action("user:show", "GET", "/v1/user/{id}", "Show a user of the account", ANY_KEY, SHOW, "user", documented=False),
    ),
)
