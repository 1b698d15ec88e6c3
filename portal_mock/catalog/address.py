"""Addresses (``address/*.md``): the client's postal contacts (billing,
technical, abuse…), and the phone-number lookup the Portal offers beside them."""

from __future__ import annotations

from typing import Any

from portal_mock.catalog.model import EMAIL, IMMEDIATE, LIST, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Create, Delete, Edit, Kind
from portal_mock.domain.shapes import Const, Fake, Format, Id, Metadata, Phone

STATES = tuple(
    "OT AL AK AB AZ AR BC CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MB MD MA MI MN MS MO MT NE NV NL NB NH NJ NM NY NT NC ND NS NU OH "
    "OK ON OR PA PE QC RI SK SC SD TN TX UT VT VA WA WV WI WY YT".split()
)
"""The ``state`` values the pages allow: US states, Canadian provinces and ``OT`` (other)."""
COUNTRIES = tuple(
    "TW AF AL DZ AS AD AO AI AQ AG AR AM AW AU AT AZ BS BH BD BB BY BE BZ BJ BM BT BO BQ BA BW BV BR IO VG BN BG BF BI CV KH CM CA KY CF TD "
    "CL CN HK MO CX CC CO KM CG CK CR HR CU CW CY CZ CI KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FK FO FJ FI FR GF PF TF GA GM GE DE GH GI "
    "GR GL GD GP GU GT GG GN GW GY HT HM VA HN HU IS IN ID IR IQ IE IM IL IT JM JP JE JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MG MW MY "
    "MV ML MT MH MQ MR MU YT MX FM MC MN ME MS MA MZ MM NA NR NP NL NC NZ NI NE NG NU NF MP NO OM PK PW PA PG PY PE PH PN PL PT PR QA KR MD "
    "RO RU RW RE BL SH KN LC MF PM VC WS SM ST XX SA SN RS SC SL SG SX SK SI SB SO ZA GS SS ES LK PS SD SR SJ SE CH SY TJ TH MK TL TG TK TO "
    "TT TN TR TM TC TV UG UA AE GB TZ UM VI US UY UZ VU VE VN WF EH YE ZM ZW AX".split()
)
"""The ``country`` values the pages allow (ISO 3166 codes, and ``XX`` for unknown)."""
TYPES = ("affiliate", "billing", "technical", "rwhois", "abuse", "other")

ADDRESS = Kind(
    "address",
    scope="address",
    uri="/v1/address/{id}",
    shape={
        "id": Id(),
        "identity": Format("{first_name} {last_name}"),
        "address1": Fake("street_address", input="address1"),
        "address2": Const("", input="address2"),
        "cell": Const("", input="cell"),
        "city": Fake("city", input="city"),
        "company": Const("", input="company"),
        "country": Const("US", input="country"),
        "email": Fake("email", input="email"),
        "fax": Const("", input="fax"),
        "first_name": Fake("first_name", input="first_name"),
        "is_residence": False,
        "last_name": Fake("last_name", input="last_name"),
        "metadata": Metadata(),
        "phone": Fake("phone_number", input="phone"),
        "state": Const("MI", input="state"),
        "type": Const("default", input="type"),
        "zip": Fake("postcode", input="zip"),
    },
)

LINE = {"type": "string", "pattern": r"^[^\r\n]*\S[^\r\n]*$"}
"""A single line of text, not blank."""
OPTIONAL_LINE = {"type": "string", "pattern": r"^[^\r\n]*$"}
"""A single line of text, which may be empty."""
PHONE = {"type": "string"}
"""A phone number: E.164 is preferred, not required."""

FIELDS: dict[str, dict[str, Any]] = {
    "address1": LINE,
    "address2": OPTIONAL_LINE,
    "city": LINE,
    "state": {"type": "string", "enum": list(STATES)},
    "country": {"type": "string", "enum": list(COUNTRIES)},
    "zip": LINE,
    "type": {"type": "string", "enum": list(TYPES)},
    "company": OPTIONAL_LINE,
    "first_name": LINE,
    "last_name": LINE,
    "email": EMAIL,
    "phone": PHONE,
    "cell": PHONE,
    "fax": PHONE,
}
ADD = {"type": "object", "required": ["address1", "city", "state", "country", "zip", "first_name", "last_name", "email"], "properties": FIELDS}
EDIT = {"type": "object", "properties": FIELDS}
EXAMPLE = {
    "address1": "21700 Melrose Ave",
    "country": "US",
    "state": "MI",
    "zip": "48075",
    "type": "billing",
    "city": "Southfield",
    "first_name": "William",
    "last_name": "Louis",
    "email": "support@nexcess.net",
}
"""The request of both address:add's and address:edit's pages."""

LOOKUP = {"type": "object", "required": ["number"], "properties": {"number": {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$"}}}
"""The path's phone number, in E.164 format as the page requires."""
LOOKED_UP = {"callerName": None, "countryCode": Phone("country"), "phoneNumber": Const("", input="number"), "nationalFormat": Phone("national")}

FAMILY = Family(
    "address",
    kinds=(ADDRESS,),
    actions=(
        Action("address:add", "POST", "/v1/address", "Add an address", "address edit", QUEUED, "address", ADD, Create(), example=EXAMPLE),
        Action("address:list", "GET", "/v1/address", "List addresses", "address view", LIST, "address", fields={"id": "id"}),
        Action("address:show", "GET", "/v1/address/{id}", "Show an address", "address view", SHOW, "address"),
        Action("address:edit", "POST", "/v1/address/{id}", "Edit an address", "address edit", QUEUED, "address", EDIT, Edit(), example=EXAMPLE),
        Action("address:delete", "DELETE", "/v1/address/{id}", "Delete an address", "address delete", QUEUED, "address", effect=Delete()),
        Action(
            "address:lookup-phone-number", "GET", "/v1/address/phone/{number}", "Look up a phone number", "address view", IMMEDIATE,
            body=LOOKUP, returns=LOOKED_UP, statuses=(200, 401, 403, 422), example={"number": "+18666392377"},
            behaviour="describes the number from its calling code; no caller name",
        ),
    ),
)
