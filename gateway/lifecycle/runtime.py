"""The policy in force and the detection pool built for it, as one swappable unit."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.policy.policy import Policy
from gateway.screening.pool import DetectionPool


@dataclass(eq=False)
class PolicyRuntime:
    """A policy and the detection pool built for it, swapped as one on reload: a request
    leases the runtime in force when it starts and keeps it to the end, so it never sees
    half of one policy and half of another. A replaced runtime's pool (when the new policy
    needed a new one) closes when its last request is done."""

    policy: Policy
    pool: DetectionPool | None
    leases: int = 0
    retired: bool = False
