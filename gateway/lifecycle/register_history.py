"""The AI tool register's change history across restarts: a policy changed by a restart (a new file
deployed, not a hot reload) is compared with the register last recorded, and the changes go into a
POLICY_CHANGE incident as a reload's do (the evidence report's inventory lists them). The history is
evidence, not a control: a store that cannot be reached is logged and the gateway starts anyway."""

from __future__ import annotations

import structlog

from gateway.incidents.recorder import IncidentLog
from gateway.policy.diff import Effect, register_diff
from gateway.policy.policy import Policy
from gateway.promptlog.registers import last_register, remember_register
from gateway.promptlog.store import PromptStore, RecordRejected, StoreUnavailable

log = structlog.get_logger("aigw")


async def record_register_at_start(store: PromptStore, policy: Policy, incidents: IncidentLog) -> None:
    try:
        previous = await last_register(store)
        if previous is not None and previous.version != policy.version:
            changes = list(register_diff(previous.register, policy.document.tool_register))
            if changes:
                loosened = sum(c.effect is Effect.LOOSENED for c in changes)
                tightened = sum(c.effect is Effect.TIGHTENED for c in changes)
                register_changes = [str(c) for c in changes]
                log.warning(
                    "tool_register_changed_at_start",
                    old_version=previous.version,
                    policy_version=policy.version,
                    changes=register_changes,
                )
                incidents.observe_policy_change(
                    previous.version, policy.version, loosened, tightened, register_changes=register_changes
                )
        await remember_register(store, policy.version, policy.document.tool_register)
    except (StoreUnavailable, RecordRejected, ValueError) as exc:  # ValueError: a snapshot no longer valid
        log.error("tool_register_history_unavailable", error=type(exc).__name__)


async def record_register(store: PromptStore, policy: Policy) -> None:
    """After a hot reload (whose changes the reload records itself): the register now in force."""
    try:
        await remember_register(store, policy.version, policy.document.tool_register)
    except (StoreUnavailable, RecordRejected) as exc:
        log.error("tool_register_history_unavailable", error=type(exc).__name__)
