"""Services (``service/*.md``): what a client pays for; cloud servers and
sites each belong to one."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, SHOW, Action, Family
from portal_mock.domain.resources import Kind
from portal_mock.domain.shapes import Fake, Format, Id, Metadata, Number, Ref, When

SERVICE = Kind(
    "service",
    scope="service",
    uri="/v1/service/{id}",
    shape={
        "id": Id(),
        "identity": Format("{package.identity} - {nickname}"),
        "status": "enabled",
        "addons": [],
        "billing_info": {
            "type": "monthly",
            "amount": Number(1000, 20000, places=2),
            "is_overdue": False,
            "last_bill_date": When((-30, -1)),
            "next_bill_date": When((1, 30)),
            "auto_renew": "yes",
        },
        "cancellation_info": {"can_cancel": True},
        "client": Ref("client"),
        "metadata": Metadata(),
        "nickname": Fake("domain_word", input="nickname"),
        "package": Ref("package", input="package_id"),
        "start_date": When((-700, -30)),
    },
)

FAMILY = Family(
    "service",
    kinds=(SERVICE,),
    actions=(
        Action("service:list", "GET", "/v1/service", "List services", "service view", LIST, "service", fields={"id": "id", "status": "status"}),
        Action("service:show", "GET", "/v1/service/{id}", "Show a service", "service view", SHOW, "service"),
    ),
)
