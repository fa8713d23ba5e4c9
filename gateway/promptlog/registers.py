"""The AI tool register of each policy version the gateway has run, kept in the audit database.

A hot reload records what it changed in the register as it happens; a policy changed by a restart
(a new ConfigMap, a deploy) is noticed here instead: at start the register in force is compared
with the one last recorded, and the difference goes into the register's change history like a
reload's (``gateway.lifecycle.state``). Each version is stored once (several workers starting
together store it once).
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.policy.register import RegisterPolicy
from gateway.promptlog.store import PromptStore, now_us


@dataclass(frozen=True)
class RecordedRegister:
    version: str
    register: RegisterPolicy


async def last_register(store: PromptStore) -> RecordedRegister | None:
    rows = await store.fetch("SELECT version, register FROM policy_registers ORDER BY seen_us DESC LIMIT 1")
    if not rows:
        return None
    return RecordedRegister(str(rows[0]["version"]), RegisterPolicy.model_validate_json(str(rows[0]["register"])))


async def remember_register(store: PromptStore, version: str, register: RegisterPolicy) -> None:
    sql = "INSERT INTO policy_registers (version, seen_us, register) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING"
    await store.execute(store.dialect.sql(sql), [version, now_us(), register.model_dump_json()])
