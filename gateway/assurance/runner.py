"""One assurance run: every probe against a running gateway, then the evidence they must leave.

Probes run one after another (each is one small request): the run is a test of the
gateway, not a load on it, and one probe's refusal can never mask another's outcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import aiohttp

from gateway.assurance import canaries as canary_values
from gateway.assurance import checks, data_rules, tool_rules
from gateway.assurance.credentials import RunCredentials
from gateway.assurance.plan import (
    ANSWER_TARGET,
    ASSURANCE_GROUP,
    DATA_TARGETS,
    JAILBREAK_TARGET,
    STREAM_TARGET,
    expectation,
    pick_models,
)
from gateway.assurance.probes import Result, answer_probe, data_probe, revoked_key_probe, unapproved_probe
from gateway.config.settings import Settings
from gateway.policy.policy import Policy

SETUP_CONTROL = "assurance_setup"
DEFAULT_WAIT_S = 15.0
REQUEST_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Target:
    url: str  # the API listener
    admin_url: str
    key: str  # the assurance identity's gateway key
    admin_token: str
    revoked_key: str | None = None  # a key of the assurance identity revoked before the run, when one could be made


async def run(
    settings: Settings,
    policy: Policy,
    target: Target,
    wait_s: float = DEFAULT_WAIT_S,
    *,
    credentials: RunCredentials | None = None,  # to make keys of other groups (approved-tool rules)
) -> list[Result]:
    planted = canary_values.fresh()
    group_keys = await tool_rules.make_keys(settings, policy, credentials)
    models = pick_models(settings, policy, (ASSURANCE_GROUP,))
    since_us = time.time_ns() // 1000
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        url, key = target.url.rstrip("/"), target.key
        probes = [await unapproved_probe(session, url, key, models.unapproved, models.unapproved_provider)]
        probes.append(await revoked_key_probe(session, url, target.revoked_key, models.echo))
        for data in DATA_TARGETS:
            probes.append(await data_probe(session, url, key, models.echo, planted, data, expectation(policy, data)))
        expect = expectation(policy, STREAM_TARGET)
        probes.append(await data_probe(session, url, key, models.echo, planted, STREAM_TARGET, expect, stream=True))
        expect = expectation(policy, ANSWER_TARGET)
        probes.append(await answer_probe(session, url, key, models.echo, planted, ANSWER_TARGET, expect))
        expect = expectation(policy, JAILBREAK_TARGET)
        probes.append(await data_probe(session, url, key, models.echo, planted, JAILBREAK_TARGET, expect))
        probes.append(await tool_rules.probe(session, url, policy, group_keys, planted))
        admin = checks.AdminClient(session, target.admin_url.rstrip("/"), target.admin_token, wait_s)
        probes.append(await data_rules.probe(session, url, key, models.echo, policy, planted, admin))
        if models.echo is None:  # every planted value goes to echo: without one, the data controls go unproven
            probes.insert(0, no_echo_model())
        evidence = await checks.prompt_log(admin, probes, planted.values)
        evidence += await checks.incidents(admin, probes, since_us, planted.values)
        evidence.append(await checks.chain(admin))
    return probes + evidence


def no_echo_model() -> Result:
    """The data probes skip without an approved echo model; a skip is not a pass, and a deployment whose
    data controls can never be proven must not look proven: the setup fails, once."""
    expected = "an echo model approved for the assurance identity (every planted value goes only there)"
    return Result(SETUP_CONTROL, "fail", expected, "none in the settings' routes: no data control could be probed")


def failed(results: list[Result]) -> bool:
    return any(r.status == "fail" for r in results)
