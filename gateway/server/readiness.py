"""What ``/readyz`` checks: can this replica do its job right now?

A load balancer takes a replica out when any check fails, so each check is about this
process, and each failing one is named in the answer. ``readiness`` is cheap (attribute
reads only): probes hit it every few seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.lifecycle.state import GatewayState


def readiness(state: GatewayState | None) -> dict[str, bool]:
    """Each check by name: True when it passes."""
    if state is None:
        return {"started": False}
    pool = state.runtime.pool
    return {
        "started": True,
        "accepting": not state.draining,
        "key_store": state.authenticator.healthy,
        # the writer is running and the store takes records (spool mode: the spool file does)
        "prompt_log": state.prompt_log.ready,
        "incident_log": state.incidents.ready,
        # no pool: the policy turns detection off
        "detection": pool is None or pool.ready,
        # the policy file on disk is the policy in force (not after a rejected or failed reload)
        # (an operator may keep a replica ready while it rejects an invalid file: policy_reload settings)
        "policy": state.policy_file_current
        or (state.policy_reload_failure == "rejected" and state.settings.policy_reload.ready_while_rejected),
    }


__all__ = ["readiness"]
