"""Services (``service/*.md``): what a client pays for; cloud servers and
sites each belong to one.  Add-ons are set on and removed from a service's
``addons``, and a resize moves it to another package."""

from __future__ import annotations

from typing import Any

from portal_mock.catalog.model import ID, LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Attach, Detach, Edit, Kind
from portal_mock.domain.shapes import Fake, Format, Id, Metadata, Number, Pick, Ref, Refs, When


def billing_info(amount: Number, term: int | None = None) -> dict[str, Any]:
    """How a service (or a cluster, which is one) is billed: monthly, on a
    drawn day, renewing."""
    return {
        "type": "monthly",
        **({"term": term} if term is not None else {}),
        "amount": amount,
        "is_overdue": False,
        "last_bill_date": When((-30, -1)),
        "next_bill_date": When((1, 30)),
        "bill_day": Pick(tuple(str(day) for day in range(1, 29))),
        "auto_renew": "yes",
    }


SERVICE = Kind(
    "service",
    scope="service",
    uri="/v1/service/{id}",
    shape={
        "id": Id(),
        "identity": Format("{package.identity} - {nickname}"),
        "status": "enabled",
        "addons": Refs("package-addon", (0, 0)),
        "billing_info": billing_info(Number(1000, 20000, places=2)),
        "cancellation_info": {"can_cancel": True},
        "client": Ref("client"),
        "contract": None,
        "discount": None,
        "external_key": "",
        "metadata": Metadata(),
        "nickname": Fake("domain_word", input="nickname"),
        "package": Ref("package", input="package_id"),
        "parent": None,
        "paypal_subscription_info": {"can_subscribe": False},
        "start_date": When((-700, -30)),
        "state": "stable",
        "type": "virt-guest",
    },
)

FIELDS = {
    "id": "id",
    "parent_id": "parent.id",
    "status": "status",
    "state": "state",
    "type": "type",
    "nickname": "nickname",
    "external_key": "external_key",
    "start_date": "start_date",
    "last_bill_date": "billing_info.last_bill_date",
    "next_bill_date": "billing_info.next_bill_date",
}
"""The vendor's filters, and the sort fields it names beside them."""

ADDON = {"type": "object", "required": ["addon_id"], "properties": {"addon_id": ID}}

FAMILY = Family(
    "service",
    kinds=(SERVICE,),
    actions=(
        Action(
            "service:list", "GET", "/v1/service", "List services", "service view", LIST, "service", fields=FIELDS,
            sorts=("id", "parent_id", "start_date", "status", "state", "type", "nickname", "external_key", "last_bill_date", "next_bill_date"),
        ),
        Action("service:show", "GET", "/v1/service/{id}", "Show a service", "service view", SHOW, "service"),
        Action(
            "service:set-addon", "POST", "/v1/service/{id}/addon", "Add an add-on to a service", "service edit", QUEUED, "service", ADDON,
            Attach("addons", "addon_id", "package-addon"), example={"addon_id": "<package-addon>"},
        ),
        Action(
            "service:remove-addon", "DELETE", "/v1/service/{id}/addon", "Remove an add-on from a service", "service edit", QUEUED, "service", ADDON,
            Detach("addons", "addon_id"), example={"addon_id": "<package-addon>"},
        ),
        Action(
            "service:resize", "POST", "/v1/service/{id}/resize", "Move a service to another package", "service edit", QUEUED, "service",
            {"type": "object", "required": ["package_id"], "properties": {"package_id": ID}}, Edit(), example={"package_id": "<package>"},
            behaviour="moves it to the package",
        ),
    ),
)
