"""What the gateway observes, made into candidate incidents: violation type, severity from the
mapping and the policy, controls, evidence. Nothing here queues or stores (``recorder`` does)."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from detectors.base import Category
from gateway.compliance.catalog import Compliance
from gateway.exchange import MAX_LOGGED_MODEL_LENGTH, AccessDecision, Exchange, Rerouted
from gateway.incidents.evidence import ScannedText, gather
from gateway.incidents.model import Candidate
from gateway.incidents.severity import Facts, assess
from gateway.policy.data_rules import Action, RuledDecision, finding_sources
from gateway.policy.policy import Policy
from gateway.policy.register import Standing
from gateway.policy.violations import Violation
from gateway.promptlog.crypto import LogKeyring
from gateway.promptlog.store import now_us
from gateway.screening.screen import Screening
from gateway.usage.limiter import LimitHit

PROMPT_VIOLATIONS: Mapping[Category, Violation] = MappingProxyType(
    {
        Category.PII: Violation.PII_IN_PROMPT,
        Category.CONFIDENTIAL: Violation.CONFIDENTIAL_DATA_IN_PROMPT,
        Category.SECRET: Violation.SECRET_OR_CREDENTIAL_IN_PROMPT,
        Category.INJECTION: Violation.PROMPT_INJECTION_ATTEMPT,
    }
)
CARRIED_CLASSES = frozenset({Category.PII, Category.CONFIDENTIAL, Category.SECRET})
_REROUTED = frozenset({"rerouted"})


class Candidates:
    """Builds candidates under the policy in force (or the one an exchange was decided under)."""

    def __init__(
        self, compliance: Compliance, policy: Callable[[], Policy], keyring: Callable[[], LogKeyring | None]
    ) -> None:
        self.compliance, self._policy, self._keyring = compliance, policy, keyring

    def for_exchange(self, exchange: Exchange, policy: Policy) -> Iterator[Candidate]:
        """The incidents of one finished exchange, one at a time (the caller queues each as it comes)."""
        screening, answer = exchange.screening, exchange.response_screening
        denied = exchange.decision in (AccessDecision.DENY, AccessDecision.MONITOR_DENY)
        if exchange.limit_hit is not None:
            yield self._limit(exchange, policy, exchange.limit_hit)
        if not denied and not (screening and screening.decisions) and not (answer and answer.decisions):
            return  # most exchanges: nothing found, nothing refused (the request path's common case, kept cheap)
        if denied:
            yield self._unapproved(exchange, policy)
        if exchange.rerouted is not None:
            yield self._rerouted(exchange, policy, exchange.rerouted)
        by_category: defaultdict[Category, list[RuledDecision]] = defaultdict(list)
        # Data rerouted to a self-hosted tool approved for it went where the policy sends it: its record is
        # the SENSITIVE_DATA_REROUTED audit incident, not a finding let through to the tool asked for.
        moved = frozenset(exchange.rerouted.classes) if exchange.rerouted is not None else frozenset()
        for decision in screening.decisions if screening else ():
            if decision.finding.category.value in moved and decision.action in (Action.ALLOW, Action.AUDIT):
                continue
            if _flagged(decision):
                by_category[decision.finding.category].append(decision)
        for category, decisions in by_category.items():
            yield self._findings(PROMPT_VIOLATIONS[category], exchange, policy, decisions, screening)
        # PII_IN_OUTPUT is "model output contains PII (or data the requester may not see)": a response
        # rule that acts on a credential or a marked document in an answer says the caller may not see it.
        output = [
            d for d in (answer.decisions if answer else ()) if d.finding.category in CARRIED_CLASSES and _flagged(d)
        ]
        if output:
            yield self._findings(Violation.PII_IN_OUTPUT, exchange, policy, output, answer)

    def _unapproved(self, exchange: Exchange, policy: Policy) -> Candidate:
        """Blocked, or (monitor mode) let through -- then with whatever sensitive data went along unchanged."""
        let_through = exchange.decision is AccessDecision.MONITOR_DENY
        carried: list[RuledDecision] = []
        if let_through and exchange.screening is not None:
            carried = [
                d
                for d in exchange.screening.decisions
                if d.finding.category in CARRIED_CLASSES and d.action in (Action.ALLOW, Action.AUDIT)
            ]
        violation, flags = Violation.UNAPPROVED_AI_PROVIDER_OR_MODEL, frozenset[str]()
        verdict = exchange.register
        if verdict is not None and verdict.standing is Standing.REVIEW_LAPSED:  # approved, but its review lapsed
            violation, flags = Violation.SUPPLIER_REVIEW_LAPSED, frozenset({"review_lapsed"})
        elif verdict is not None and verdict.standing.refused:  # suspended or retired: approval withdrawn
            flags = frozenset({verdict.standing.value})
        screening = exchange.screening
        return self._from_exchange(
            violation, exchange, policy, carried, let_through, not let_through, screening, flags=flags
        )

    def _rerouted(self, exchange: Exchange, policy: Policy, rerouted: Rerouted) -> Candidate:
        """An audit record: the prompt's data went to a company-hosted tool instead of the one asked for."""
        screening = exchange.screening
        moved = [
            d
            for d in (screening.decisions if screening else ())
            if d.finding.category.value in rerouted.classes and d.action in (Action.ALLOW, Action.AUDIT)
        ]
        candidate = self._from_exchange(
            Violation.SENSITIVE_DATA_REROUTED, exchange, policy, moved, False, True, screening, flags=_REROUTED
        )
        details = {"asked_for": rerouted.original, "sent_to": rerouted.target, "classes": list(rerouted.classes)}
        return dataclasses.replace(candidate, details=details)

    def _limit(self, exchange: Exchange, policy: Policy, hit: LimitHit) -> Candidate:
        """A rate limit or budget reached: one incident per actor, limit and model scope, repeats
        within the aggregation window folded into it (escalated when sustained, or for a spend budget)."""
        identity = exchange.identity
        groups = policy.effective_groups(identity.groups, identity.group_source) if identity else ()
        flags = frozenset({"spend_budget"} if hit.metric.kind == "spend" else ())
        facts = Facts(enforced=not policy.monitor, let_through=policy.monitor, groups=tuple(groups), flags=flags)
        actor = _actor(exchange, groups)
        details = {"limit": hit.metric.value, "rule": hit.rule, "value": hit.limit, "scope": hit.scope}
        destination = {"provider": exchange.provider, "endpoint": exchange.endpoint}
        return self.build(
            Violation.RATE_OR_BUDGET_EXCEEDED,
            facts,
            actor,
            destination=destination,
            request_id=exchange.request_id,
            policy_version=exchange.policy_version,
            policy=policy,
            details=details,
            assurance=_assurance(exchange),
        )

    def _findings(
        self,
        violation: Violation,
        exchange: Exchange,
        policy: Policy,
        decisions: Sequence[RuledDecision],
        screening: Screening | None,
    ) -> Candidate:
        let_through = any(d.action is Action.AUDIT for d in decisions)
        enforced = all(d.monitored is None for d in decisions)
        return self._from_exchange(violation, exchange, policy, decisions, let_through, enforced, screening)

    def _from_exchange(
        self,
        violation: Violation,
        exchange: Exchange,
        policy: Policy,
        decisions: Sequence[RuledDecision],
        let_through: bool,
        enforced: bool,
        screening: Screening | None,
        flags: frozenset[str] = frozenset(),
    ) -> Candidate:
        identity = exchange.identity
        # The policy's groups (what privileged_groups and overrides name), not the key's or SSO's own.
        groups = policy.effective_groups(identity.groups, identity.group_source) if identity else ()
        entity_types = Counter(d.finding.entity_type for d in decisions)
        facts = Facts(
            let_through=let_through,
            enforced=enforced,
            groups=tuple(groups),
            data_classes=frozenset(d.finding.category.value for d in decisions),
            entity_types=frozenset(entity_types),
            count=max(1, len(decisions)),
            privileged=bool(set(groups).intersection(policy.document.incidents.privileged_groups)),
            flags=flags,
        )
        actor = _actor(exchange, groups)
        model = exchange.model[:MAX_LOGGED_MODEL_LENGTH] if exchange.model else None  # caller-supplied: clipped
        destination = {"provider": exchange.provider, "model": model, "endpoint": exchange.endpoint}
        texts: Sequence[ScannedText] = screening.scanned if screening is not None else ()
        evidence = gather(texts, decisions, self._keyring(), policy.document.incidents.excerpt_chars)
        return self.build(
            violation,
            facts,
            actor,
            destination=destination,
            request_id=exchange.request_id,
            entity_types=dict(entity_types),
            detectors=tuple(sorted({d.finding.detector for d in decisions})),
            finding_sources=finding_sources(decisions),
            policy_version=exchange.policy_version,
            policy=policy,
            window=evidence.window,
            evidence=evidence.to_json(),
            assurance=_assurance(exchange),
            **_register_details(exchange),
        )

    def build(
        self,
        violation: Violation,
        facts: Facts,
        actor: dict[str, Any],
        *,
        policy: Policy | None = None,
        count: int | None = None,
        **fields: Any,
    ) -> Candidate:
        """A candidate incident: its severity judged under ``policy`` (default: the one in force)."""
        policy = policy or self._policy()
        spec = self.compliance.violations[violation]
        overrides = policy.document.incidents.severity_overrides
        judged = assess(violation, spec.severity, facts, overrides)
        fields.setdefault("policy_version", policy.version)
        return Candidate(
            violation=violation,
            severity=judged.severity,
            severity_reasons=judged.reasons,
            controls=self.compliance.refs(violation),
            catalogue_version=self.compliance.catalogue_version,
            at_us=now_us(),
            actor=actor,
            count=count or facts.count,
            enforced=facts.enforced,
            let_through=facts.let_through,
            policy_id=policy.id,
            facts=facts,
            **fields,
        )


def _assurance(exchange: Exchange) -> bool:
    """A control-assurance probe's exchange (``Identity.assurance``): its incident is the probe's evidence."""
    return exchange.identity is not None and exchange.identity.assurance


def _actor(exchange: Exchange, groups: Sequence[str]) -> dict[str, Any]:
    """Who: the user and the policy's groups; a control-assurance probe's actor says so too, which keeps
    its incidents apart from a person's (the actor is part of the aggregation key): a probe's violation
    never folds into an open incident of an SSO identity that happens to carry the same user name."""
    identity = exchange.identity
    if identity is None:
        return {}
    actor: dict[str, Any] = {"user": identity.user, "groups": list(groups)}
    if identity.assurance:
        actor["assurance"] = True
    return actor


def _flagged(decision: RuledDecision) -> bool:
    """A finding the policy acted on (or would have, in monitor mode): allowed ones are no violation."""
    return decision.action is not Action.ALLOW or decision.monitored is not None


def _register_details(exchange: Exchange) -> dict[str, Any]:
    """The register entry that refused the tool, for the incident: whom to ask, what lapsed when."""
    verdict = exchange.register
    if verdict is None or not verdict.standing.refused:
        return {}
    entry = verdict.entry
    return {
        "details": {
            "register_entry": entry.id,
            "vendor": entry.vendor,
            "owner": entry.owner,
            "status": entry.status.value,
            "review_by": entry.review_by.isoformat(),
        }
    }
