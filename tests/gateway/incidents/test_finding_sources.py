"""An incident records where its findings were made (issue 16 item 3): per entity type, the parts
of the request (role/kind), kept through aggregation, the spool and the exports; never text."""

from __future__ import annotations

import csv
import dataclasses
import io

from gateway.incidents import spool
from gateway.incidents.export import render
from gateway.incidents.model import repeated_state
from gateway.incidents.store import IncidentStore
from gateway.policy.violations import Severity, Violation
from gateway.promptlog.store import PromptStore, now_us
from tests.gateway.incidents.test_incident_store import same, seen

TOOL = {"INJECTION_INDIRECT": ["tool/tool_result"]}


def injection(sources: dict[str, list[str]], at_us: int | None = None):  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        seen(violation=Violation.PROMPT_INJECTION_ATTEMPT, at_us=at_us),
        entity_types={name: 1 for name in sources},
        finding_sources=sources,
    )


def test_an_opened_incident_holds_its_sources_and_repeats_add_theirs() -> None:
    state = injection(TOOL).opened_state("inc_1")
    assert state["finding_sources"] == TOOL
    later = injection({"INJECTION_INDIRECT": ["user/document"], "INJECTION_ROLE_PLAY": ["user/text"]})
    repeated_state(state, later, Severity.MEDIUM, ("default",))
    assert state["finding_sources"] == {
        "INJECTION_INDIRECT": ["tool/tool_result", "user/document"],
        "INJECTION_ROLE_PLAY": ["user/text"],
    }


def test_an_incident_from_before_sources_gets_them_on_a_repeat() -> None:
    state = injection(TOOL).opened_state("inc_1")
    del state["finding_sources"]
    repeated_state(state, injection(TOOL), Severity.MEDIUM, ("default",))
    assert state["finding_sources"] == TOOL


def test_the_spool_and_the_csv_keep_the_sources() -> None:
    candidate = injection(TOOL)
    assert spool.from_json(spool.to_json(candidate)).finding_sources == TOOL
    old_line = spool.to_json(candidate)
    del old_line["finding_sources"]  # spooled by a gateway from before sources
    assert spool.from_json(old_line).finding_sources == {}
    [row] = list(csv.DictReader(io.StringIO(render([candidate.opened_state("inc_1")], "csv"))))
    assert row["finding_sources"] == "INJECTION_INDIRECT=tool/tool_result"


async def test_stored_and_aggregated_with_sources(store: PromptStore) -> None:
    incidents = IncidentStore(store)
    t0 = now_us()
    first = await incidents.record(injection(TOOL, t0), 300, same)
    await incidents.record(injection({"INJECTION_INDIRECT": ["function/tool_result"]}, t0 + 1), 300, same)
    stored = await incidents.get(first.state["id"])
    assert stored is not None
    assert stored["occurrences"] == 2  # the same entity types: one incident, whatever the parts
    assert stored["finding_sources"] == {"INJECTION_INDIRECT": ["function/tool_result", "tool/tool_result"]}
