"""Effects on the generic store, below HTTP: what a succeeded task does to
the records it names."""

from __future__ import annotations

from portal_mock.domain.clock import ManualClock
from portal_mock.domain.resources import Kind, Transition, World, perform
from portal_mock.domain.shapes import Format, Id

BOX = Kind("box", scope="box", uri="/v1/box/{id}", shape={"id": Id(), "identity": Format("box {state.name}"), "state": {"name": "open"}})


def test_a_transition_gives_each_record_its_own_value_and_rederives_the_rest():
    world = World({"box": BOX}, 0, "effects", ManualClock(), lambda: None)
    one, other = world.records("box").make({}, 0), world.records("box").make({}, 0)
    shut = Transition("state", {"name": "shut"})
    perform(shut, world, "box", one["id"], {}, 0)
    perform(shut, world, "box", other["id"], {}, 0)
    assert one["identity"] == "box shut", "a field built from the one set follows it"
    one["state"]["name"] = "broken"  # as a later edit changes a record in place
    assert other["state"] == {"name": "shut"} and shut.to == {"name": "shut"}
