"""Sites (``site/*.md``): a hosted app on a domain, belonging to a
service.  A site is added to a service the account has, or ordered with a
new service (``service[site]:add``); its PHP version, nickname and app
update settings change through queued actions, and its reports (SSO
links, autoscale usage, update settings) are read from it at once.  Its
stencils, log files and container groups are kinds of their own
(``site_stencil``, ``site_log``, ``site_container``)."""

from __future__ import annotations

from portal_mock.catalog.app import APPS
from portal_mock.catalog.model import ID, IMMEDIATE, LIST, PUBLIC, QUEUED, SHOW, Action, Family
from portal_mock.domain.resources import Create, Edit, Kind
from portal_mock.domain.shapes import (
    STRING,
    Copy,
    Fake,
    Format,
    Id,
    Metadata,
    Number,
    Of,
    Pick,
    Ref,
    Switch,
    Unlinked,
    When,
)
from portal_mock.domain.validation import nullable

PHP_VERSIONS = ("7.2", "7.3", "7.4", "8.0", "8.1")
"""The PHP versions a site may run (the vendor's examples name 7.2 and 7.4)."""

BOOLEAN_INPUT = {"type": ["string", "boolean"], "enum": [True, False, "true", "false"]}
"""A boolean input, also as the string the vendor's own examples send."""
OPTIONAL_BOOLEAN_INPUT = {"type": ["string", "boolean", "null"], "enum": [True, False, "true", "false", None]}

DOMAIN = {"type": "string", "pattern": r"^[^\s/]+$"}
"""A host name: one word, no spaces or slashes (the pages give no rule)."""
INTEGER = {"type": "integer"}
INTEGER_OR_NULL = {"type": ["integer", "null"]}
_PHP = "environment.software.php.version"
_CORE = "environment.software.app.updates.core"


def _php(suffix: str) -> dict[str, str]:
    return {version: f"/opt/remi/php{version.replace('.', '')}{suffix}" for version in PHP_VERSIONS}


_APP = {f"{name} {version}": (kind, version) for name, kind, version, *_ in APPS}
_UPDATES = {"enabled": False, "minor_only": False, "updated_date": None, "disabled_date": When((-90, -1))}

SITE = Kind(
    "site",
    scope="virt-guest-cloudaccount",
    uri="/v1/site/{id}",
    parent="service",
    shape={
        "id": Id(),
        "identity": Copy("domain", STRING),
        "metadata": Metadata(),
        "app": Ref("app", input="app_id"),
        "can_modify_domain": True,
        "client_domain": "",
        "cloud": Ref("cloud", input="cloud_id"),
        "cloudhost": Unlinked(),
        "deploy_complete_date": When((-300, -200)),
        "deploy_date": When((-400, -300)),
        "dev_account_count": 0,
        "domain": Fake("domain_name", input="domain"),
        "environment": {
            "software": {
                "php": {
                    "version": Pick(PHP_VERSIONS, input="php_version"),
                    "path": Copy(_PHP, STRING, _php("")),
                    "cli": Copy(_PHP, STRING, _php("/root/usr/bin/php")),
                },
                "redis": {
                    "host": Fake("ipv4_private"),
                    "port": Number(30000, 40000),
                    "socket": Format("/var/run/redis-multi-{unix_username}.redis/redis.sock"),
                    "version": "6",
                },
                "app": {
                    "type": Copy("app.identity", STRING, {identity: kind for identity, (kind, _) in _APP.items()}),
                    "version": Copy("app.identity", STRING, {identity: version for identity, (_, version) in _APP.items()}),
                    "admin": {"url": None, "username": "admin"},
                    "updates": {
                        "core": {
                            "enabled": Switch(0.5, input="enable"),
                            "minor_only": Switch(0.0, input="minor_updates_only"),
                            "updated_date": When((-30, -1), nullable=True),
                            "disabled_date": When((-90, -31), nullable=True),
                        },
                        "plugin": _UPDATES,
                    },
                    "upgrades": {"core": {"updated_date": When((-60, -1))}},
                },
            },
            "options": {
                "nxcache_nocache": False,
                "nxcache_varnish": False,
                "nxcache_varnish_static": False,
                "nxcache_varnish_ttl": 120,
                "autoscale_enabled": True,
                "letsencrypt": {"enabled": True},
            },
            "access": {"url": Format("https://{domain}/wp-admin/"), "username": "admin"},
        },
        "ip": Fake("ipv4_public"),
        "is_dev_account": False,
        "is_domain_agnostic": True,
        "is_staging_account": False,
        "nickname": Fake("domain_word", input="nickname"),
        "package": Ref("package"),
        "parent_account": Unlinked(),
        "project": {"id": Number(100, 9999), "identity": Copy("domain", STRING), "metadata": {"scope": "app-project", "uri": None}},
        "reference_account": Unlinked(),
        "screenshot_url": Format("https://objects.liquidweb.services/mirador/site/virt-guest-cloudaccount-{id}/{unix_username}.png"),
        "service": Ref("service", input="service_id"),
        "ssl_cert": Unlinked(),
        "staging_account_count": 0,
        "state": "stable",
        "temp_domain": Copy("domain", STRING),
        "unix_username": Fake("user_name"),
    },
)

ADD = {
    "type": "object",
    "required": ["service_id", "domain"],
    "properties": {
        "service_id": ID,
        "domain": DOMAIN,
        "app_id": nullable(ID),
        "cloud_id": nullable(ID),
        "php_version": nullable({"type": "string", "enum": list(PHP_VERSIONS)}),
    },
}
PLAN = {
    "type": "object",
    "required": ["domain", "package_id"],
    "properties": {
        "app_id": nullable(ID),
        "cloud_id": nullable(ID),
        "domain": DOMAIN,
        "install_app": OPTIONAL_BOOLEAN_INPUT,
        "package_id": ID,
    },
}
"""The inputs of the page's example; only the package reaches the new
service (its first site is drawn, as every child a create makes is)."""
NICKNAME = {"type": "object", "required": ["nickname"], "properties": {"nickname": {"type": "string", "pattern": r"^[^\r\n]*$"}}}
PHP_VERSION = {
    "type": "object",
    "required": ["php_version"],
    "properties": {"php_version": {"type": "string", "enum": list(PHP_VERSIONS)}, "skip_compatibility_check": OPTIONAL_BOOLEAN_INPUT},
}
TOGGLE = {"type": "object", "required": ["enable"], "properties": {"enable": BOOLEAN_INPUT, "minor_updates_only": OPTIONAL_BOOLEAN_INPUT}}

SITE_REFERENCE = {"id": Of("id", INTEGER), "identity": Of("identity"), "metadata": Of("metadata", {"type": "object"})}
"""The addressed site, by reference, inside a report about it."""
UPDATE_SETTINGS = {
    "site": {"id": Of("id", INTEGER), "identity": Of("identity")},
    "disabled_date": Of(f"{_CORE}.disabled_date", INTEGER_OR_NULL),
    "enabled": Of(f"{_CORE}.enabled", {"type": "boolean"}),
    "last_updated_date": Of(f"{_CORE}.updated_date", INTEGER_OR_NULL),
    "minor_updates_only": Of(f"{_CORE}.minor_only", {"type": "boolean"}),
}
_SSO = "https://{ip}:2443/siteworx/index?action=sso&sid={secret}&uri="
SSO_URLS = {
    "siteworx_url": Of(template=_SSO + "L3NpdGV3b3J4L292ZXJ2aWV3"),
    "phpmyadmin_url": Of(template=_SSO + "L3NpdGV3b3J4L215c3FsL3BocG15YWRtaW4="),
    "awstats_url": Of(template=_SSO + "L3NpdGV3b3J4L3N0YXRzL2F3c3RhdHM="),
}
AUTOSCALE_USAGE = {
    "billable_cost": 0,
    "billable_used": 0,
    "site": SITE_REFERENCE,
    "minutes_grace": {"start": 1440, "end": 1440},
    "period": {"start": When((-15, -15)), "end": When((15, 15))},
    "used": Number(0, 600),
}
FREE_TRIALS = {
    "type": "object",
    "properties": {"customer_email": {"type": "string", "format": "email"}, "package_id": {"type": "string", "pattern": r"^[0-9]{1,18}$"}},
}
"""Read from the query string, where every value is text."""

FIELDS = {
    "id": "id",
    "state": "state",
    "domain": "domain",
    "ip": "ip",
    "app_name": "app.identity",
    "cloud": "cloud.identity",
    "cloudhost": "cloudhost.id",
    "package_id": "package.id",
    "is_dev_account": "is_dev_account",
    "is_staging_account": "is_staging_account",
    "service_id": "service.id",
    "parent_account_id": "parent_account.id",
    "reference_account_id": "reference_account.id",
    "nickname": "nickname",
    "deploy_date": "deploy_date",
}
SORTS = (
    "id", "state", "ip", "app", "cloud", "cloudhost", "package", "is_dev_account", "is_staging_account", "deploy_date",
    "deploy_complete_date", "parent_account", "reference_account", "client_domain", "temp_domain", "nickname",
)  # fmt: skip

FAMILY = Family(
    "site",
    kinds=(SITE,),
    actions=(
        Action("site:add", "POST", "/v1/site", "Add a site to a service", "service edit", QUEUED, "site", ADD, Create(children=(("site-log", 2),))),
        Action(
            "service[site]:add",
            "POST",
            "/v1/site/plan",
            "Order a site service and its first site",
            "service edit",
            QUEUED,
            "service",
            PLAN,
            Create(children=(("site", 1),)),
            example={"app_id": "<app>", "cloud_id": "<cloud>", "domain": "site.example.com", "install_app": True, "package_id": "<package>"},
        ),
        Action("site:list", "GET", "/v1/site", "List sites", "service view", LIST, "site", fields=FIELDS, sorts=SORTS),
        Action("site:show", "GET", "/v1/site/{id}", "Show a site", "service view", SHOW, "site"),
        Action(
            "site:set-nickname",
            "POST",
            "/v1/site/{id}/nickname",
            "Change a site's nickname",
            "service edit",
            QUEUED,
            "site",
            NICKNAME,
            Edit(),
            example={"nickname": "7.2"},
        ),
        Action(
            "site:change-php-version",
            "POST",
            "/v1/site/{id}/php-version",
            "Change a site's PHP version",
            "service edit",
            QUEUED,
            "site",
            PHP_VERSION,
            Edit(),
            example={"php_version": "7.2", "skip_compatibility_check": "false"},
        ),
        Action(
            "site:show-app-update-settings",
            "GET",
            "/v1/site/{id}/app/core-updates",
            "Show a site's app update settings",
            "service view",
            IMMEDIATE,
            "site",
            returns=UPDATE_SETTINGS,
        ),
        Action(
            "site:toggle-app-update-settings",
            "POST",
            "/v1/site/{id}/app/core-updates",
            "Turn a site's app updates on or off",
            "service edit",
            QUEUED,
            "site",
            TOGGLE,
            Edit(),
            example={"enable": True, "minor_updates_only": False},
        ),
        Action("site:sso-url", "GET", "/v1/site/{id}/sso-url", "Get a site's single sign-on links", "service view", IMMEDIATE, "site", returns=SSO_URLS),
        Action(
            "site:show-autoscale-usage-details",
            "GET",
            "/v1/site/{id}/autoscale-usage",
            "Show a site's autoscale usage",
            "service view",
            IMMEDIATE,
            "site",
            returns=AUTOSCALE_USAGE,
        ),
        Action(
            "site:free-trials",
            "GET",
            "/v1/site/free-trials",
            "Check free trial availability",
            PUBLIC,
            IMMEDIATE,
            body=FREE_TRIALS,
            returns={"free_trials_available": True, "reasons": []},
            example={"customer_email": "alice@example.com", "package_id": "789"},
        ),
    ),
)
