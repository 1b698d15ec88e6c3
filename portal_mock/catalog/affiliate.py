"""The affiliate programme (``affiliate/*.md``): the client's standing as
an affiliate and its payout type, the credits it earned, the programme's
links with their click statistics, and the clients it referred."""

from __future__ import annotations

from portal_mock.catalog.model import LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Edit, Kind
from portal_mock.domain.shapes import STRING, Const, Copy, Fake, Id, Many, Metadata, Number, Part, Pick, Ref, Series, When

PAYOUT_TYPES = ("cash", "check", "credit", "paypal", "wire", "other")
LINKS = {
    "Magento Hosting": "http://www.nexcess.net/magento-hosting",
    "WordPress Hosting": "http://www.nexcess.net/wordpress-hosting",
    "WooCommerce Hosting": "http://www.nexcess.net/woocommerce-hosting",
    "Cloud Hosting": "http://www.nexcess.net/cloud-hosting",
}
"""The programme's links, by name: the same for every affiliate."""

AFFILIATE = Kind(
    "affiliate",
    scope="client",
    uri=None,
    stock=1,
    shape={
        "id": Part("client", "id"),
        "identity": Part("client", "identity"),
        "is_affiliate": True,
        "metadata": Metadata(),
        "payout_type": Const("credit", input="payout_type"),
    },
)
"""The account's own client as the programme sees it: one per account."""

AFFILIATE_CREDIT = Kind(
    "affiliate-credit",
    scope="affiliate-credit",
    uri=None,
    shape={
        "id": Id(),
        "name": Part("client", "identity"),
        "status": "active",
        "level": {"id": Number(1000, 9999), "identity": Pick(("AH-Dedicated-UK-25", "AH-Cloud-US-20", "AH-Shared-US-15"))},
        "payout_type": Pick(PAYOUT_TYPES),
        "address": Fake("street_address"),
        "credit_amount": Number(1000, 10000000, places=2),
        "is_suspended": False,
        "credit_date": When((-365, 0)),
    },
)

AFFILIATE_LINK = Kind(
    "affiliate-link",
    scope="affiliate-link",
    uri="/v1/affiliate-link/{id}/stats",
    stock=3,
    shape={
        "id": Id(),
        "identity": Copy("name", STRING),
        "metadata": Metadata(),
        "name": Series(tuple(LINKS)),
        "target_url": Copy("name", STRING, LINKS),
        "status": "active",
    },
)

AFFILIATE_LINK_STAT = Kind(
    "affiliate-link-stat",
    scope="affiliate-link-stat",
    uri=None,
    parent="link",
    shape={
        "link": Ref("affiliate-link"),
        "id": Id(),
        "name": Copy("link.identity", STRING),
        "target_url": Copy("link.identity", STRING, LINKS),
        "status": "active",
        "metadata": {
            "creation_date": When((-180, 0)),
            "ip": Fake("ipv4_public"),
            "referrer": Fake("url"),
            "query_string": Fake("uri_extension"),
            "order": Number(1, 99999),
            "commission": Pick((0.25, 0.5, 1.0)),
        },
    },
)
"""One visit through a link, with the order it led to."""

AFFILIATE_REFERRAL = Kind(
    "affiliate-referral",
    scope="client",
    uri=None,
    shape={
        "id": Id(),
        "identity": Fake("company"),
        "metadata": Metadata(),
        "status": "active",
        "referred_date": When((-1500, -1)),
        "services": Many(
            {
                "id": Number(10000, 99999),
                "identity": Fake("domain_name"),
                "metadata": {"scope": "service", "uri": None},
                "status": "enabled",
                "state": "stable",
                "type": "shared",
            },
            count=(0, 2),
        ),
    },
)
"""A client the affiliate referred; another customer's, so its services
are named with a ``null`` uri, as the referral itself is."""

PAYOUT_TYPE = {"type": "object", "required": ["payout_type"], "properties": {"payout_type": {"type": "string", "enum": list(PAYOUT_TYPES)}}}

FAMILY = Family(
    "affiliate",
    kinds=(AFFILIATE, AFFILIATE_CREDIT, AFFILIATE_LINK, AFFILIATE_LINK_STAT, AFFILIATE_REFERRAL),
    actions=(
        Action(
            "affiliate:show", "GET", "/v1/affiliate", "Show the client's affiliate standing", "affiliate view", SHOW, "affiliate",
            behaviour="the key's own client, with its payout type",
        ),
        Action(
            "affiliate:payout-type-edit", "POST", "/v1/affiliate/payout-type", "Set the affiliate payout type", "affiliate payout type edit", QUEUED,
            "affiliate", PAYOUT_TYPE, Edit(), example={"payout_type": "credit"},
        ),
        Action(
            "affiliate:list-credits", "GET", "/v1/affiliate/credit", "List affiliate credits", "affiliate view", LIST, "affiliate-credit",
            fields={"id": "id", "status": "status", "credit_date": "credit_date"},
        ),
        Action(
            "affiliate:list-links", "GET", "/v1/affiliate/link", "List affiliate links", "affiliate links view", LIST, "affiliate-link",
            fields={"id": "id", "name": "name", "target_url": "target_url", "status": "status"},
        ),
        Action(
            "affiliate:show-link", "GET", "/v1/affiliate-link/{link_id}/stats", "Show an affiliate link's statistics", "affiliate referral link view",
            LIST, "affiliate-link-stat", sorts=("id",), params={"link_id": "affiliate-link"}, behaviour="pages the link's visits",
        ),
        Action(
            "affiliate:list-referrals", "GET", "/v1/affiliate/referral", "List affiliate referrals", "affiliate referral view", LIST,
            "affiliate-referral", fields={"id": "id", "name": "identity", "status": "status"},
        ),
        Action(
            "affiliate:show-referral", "GET", "/v1/affiliate/referral/{id}", "Show an affiliate referral", "affiliate referral view", SHOW,
            "affiliate-referral",
        ),
    ),
)
