"""Tasks (``.admin/task/show.md``): what a queued action's ``Location`` names."""

from __future__ import annotations

from portal_mock.catalog.model import ANY_KEY, IMMEDIATE, Action, Family

FAMILY = Family(
    "task",
    actions=(
        Action("task:show", "GET", "/v1/task/{uuid}", "Show a task", ANY_KEY, IMMEDIATE, statuses=(200, 401, 404), behaviour="the task; resolves it when due"),
    ),
)
