"""Failure and rejected outcomes, straight through the domain (scenario
files script them over HTTP; these pin down what the domain does)."""

from __future__ import annotations

from portal_mock.domain.accounts import Registry
from portal_mock.domain.clock import ClockSpec
from portal_mock.domain.tasks import TaskPlan

INPUT = {"department": "support", "subject": "Down"}


def account_and_user():
    registry = Registry(seed=3, clock=ClockSpec("manual"))
    account = registry.create_account("a")
    return account, account.primary_user


def test_failure_changes_nothing_and_reports_errors():
    account, user = account_and_user()
    task = account.queue("ticket:add", INPUT, user, TaskPlan(delay=5, outcome="failure", errors={"message": "Disk full."}))
    account.clock.advance(5)
    account.settle()
    body = task.to_dict()
    assert body["status"] == "failure" and body["identity"] == "ticket:add (failure)"
    assert body["errors"] == {"message": "Disk full."}
    assert body["resource"] is None and body["resolved_date"] == int(task.created_at + 5)
    assert len(account.tickets) == 0


def test_rejected_gets_a_default_message():
    account, user = account_and_user()
    task = account.queue("ticket:add", INPUT, user, TaskPlan(delay=0, outcome="rejected"))
    account.settle()
    assert task.to_dict()["status"] == "rejected"
    assert task.to_dict()["errors"]["message"]
    assert len(account.tickets) == 0


def test_never_resolving_plan_stays_pending():
    account, user = account_and_user()
    task = account.queue("ticket:add", INPUT, user, TaskPlan(delay=None))
    account.clock.advance(10**6)
    account.settle()
    assert task.pending


def test_after_polls_resolves_on_that_poll():
    account, user = account_and_user()
    task = account.queue("ticket:add", INPUT, user, TaskPlan(after_polls=3))
    assert [account.poll(task.uuid).status for _ in range(3)] == ["pending", "pending", "success"]


def test_tasks_due_together_resolve_in_order_they_were_queued():
    account, user = account_and_user()
    first = account.queue("ticket:add", {**INPUT, "subject": "first"}, user, TaskPlan(delay=1))
    second = account.queue("ticket:add", {**INPUT, "subject": "second"}, user, TaskPlan(delay=1))
    account.clock.advance(1)
    account.settle()
    assert first.resource["id"] < second.resource["id"]
