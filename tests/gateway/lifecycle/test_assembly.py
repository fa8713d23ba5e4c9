"""The gateway's collaborators are passed to each other at construction, in one place
(``lifecycle.state``): the prompt log's writer reports to the incident log from its first act."""

from __future__ import annotations

from pathlib import Path

from gateway.incidents.store import IncidentQuery
from gateway.lifecycle.state import STATE
from tests.conftest import StartGateway


def test_a_spool_line_quarantined_while_the_gateway_starts_is_a_logging_failure_incident(
    start_gateway: StartGateway, tmp_path: Path
) -> None:
    spool = tmp_path / "prompt-log.spool"  # where the test settings keep it
    spool.write_text("not a record: torn by a crash\n")
    gateway = start_gateway()  # replays the spool before the incident log's own task runs
    state = gateway.server.app[STATE]

    async def stored() -> list[dict[str, object]]:
        await state.incidents.flush()
        return await state.incidents.store.search(IncidentQuery())

    found = gateway.run(stored())
    assert [(i["type"], i["actor"], i["details"]) for i in found] == [
        ("LOGGING_OR_RETENTION_FAILURE", {"source": "prompt_log"}, {"reason": "record_quarantined"})
    ]
    assert spool.read_text() == ""
    assert "torn by a crash" in state.prompt_log.writer.quarantine_path.read_text()
