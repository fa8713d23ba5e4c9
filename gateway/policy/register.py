"""The AI tool register: each approved AI tool as a reviewed supplier (ISO/IEC 27001 A.5.19-A.5.23,
ISO/IEC 42001 A.10.3).

An entry names a provider, or a provider and model globs, and says who supplies it, under which
contract, where it is hosted, what the vendor does with prompts, which data classes it is approved
for, who owns it, when it was assessed and when it must be reviewed again. The gateway enforces two
things from it: a tool whose status is ``suspended`` or ``retired``, or whose review date has
passed, is refused like an unapproved tool (or, with ``tool_register.enforcement: monitor``, served and
recorded); and a tool whose review falls due within ``tool_register.warn_days`` is flagged (metric, log,
a low-severity incident). Approval itself stays with the groups' ``approved_tools``: the register
can take a tool out of service, never put one in.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detectors.base import Category
from gateway.config.yamlconfig import LocatedError
from gateway.model_names import glob_problem, glob_regex

ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
PROVIDER = re.compile(r"^[a-z0-9_-]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Status(enum.StrEnum):
    APPROVED = "approved"
    CONDITIONAL = "conditional"  # in service, with conditions in the notes
    SUSPENDED = "suspended"  # out of service until reviewed again
    RETIRED = "retired"  # out of service for good

    @property
    def in_service(self) -> bool:
        return self in (Status.APPROVED, Status.CONDITIONAL)


class Hosting(_Strict):
    type: Literal["self_hosted", "cloud"]
    region: str = ""  # where a cloud tool processes prompts: "eu-west-1", "US"


class DataTerms(_Strict):
    """What the vendor does with prompts, as the contract says (not what the gateway does)."""

    retains_prompts: bool
    retention_days: int | None = Field(default=None, ge=0)
    trains_on_prompts: bool = False
    zero_data_retention: bool = False

    @model_validator(mode="after")
    def _check(self) -> DataTerms:
        if self.zero_data_retention and self.retains_prompts:
            raise LocatedError("zero_data_retention contradicts retains_prompts: true", "zero_data_retention")
        if self.retention_days is not None and not self.retains_prompts:
            raise LocatedError("retention_days is set but retains_prompts is false", "retention_days")
        return self


class RegisterEntry(_Strict):
    id: str
    provider: str
    models: tuple[str, ...] = ("*",)
    vendor: str = Field(min_length=1)
    service: str = ""
    contract: str = ""  # contract, licence or order reference
    hosting: Hosting
    data_terms: DataTerms
    # The data classes the supplier agreement covers: the tool receives only these (and only what its grant in
    # approved_tools allows too). None: not stated here; the grant decides.
    data_classes: tuple[Category, ...] | None = None
    owner: str = Field(min_length=1)
    risk_assessed: dt.date
    review_by: dt.date
    status: Status
    notes: str = ""

    @model_validator(mode="after")
    def _check(self) -> RegisterEntry:
        if not self.models:
            raise LocatedError('an entry covers at least one model glob ("*": every model)', "models")
        for index, glob in enumerate(self.models):
            problem = glob_problem(glob)
            if problem:
                raise LocatedError(f"model glob {glob!r} {problem}", "models", index)
        if not ENTRY_ID.match(self.id):
            raise LocatedError("an entry id is lower-case letters, digits, '.', '_' and '-'", "id")
        if not PROVIDER.match(self.provider):
            raise LocatedError("a provider name is lower-case letters, digits, '-' and '_'", "provider")
        if self.review_by <= self.risk_assessed:
            raise LocatedError(
                f"review_by ({self.review_by}) must come after risk_assessed ({self.risk_assessed})", "review_by"
            )
        return self


class RegisterPolicy(_Strict):
    enforcement: Literal["enforce", "monitor"] = "enforce"  # monitor: a lapsed or suspended tool is served, recorded
    warn_days: int = Field(default=30, ge=0, le=365)  # flag a review falling due this many days ahead
    # Review and approval before use: an approved tool no entry covers is refused like an unapproved one.
    require_entry: bool = False
    entries: tuple[RegisterEntry, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> RegisterPolicy:
        seen: dict[str, int] = {}
        for index, entry in enumerate(self.entries):
            if entry.id in seen:
                related = [("entries", seen[entry.id], "id")]
                message = f"register entry id {entry.id!r} is used twice"
                raise LocatedError(message, "entries", index, "id", related=related)
            seen[entry.id] = index
        return self


class Standing(enum.StrEnum):
    """Where a tool stands in the register on a given day."""

    IN_SERVICE = "in_service"
    REVIEW_DUE = "review_due"  # in service; the review falls due within warn_days
    REVIEW_LAPSED = "review_lapsed"
    SUSPENDED = "suspended"
    RETIRED = "retired"

    @property
    def refused(self) -> bool:
        return self in (Standing.REVIEW_LAPSED, Standing.SUSPENDED, Standing.RETIRED)


_SEVERITY = {
    Standing.IN_SERVICE: 0,
    Standing.REVIEW_DUE: 1,
    Standing.REVIEW_LAPSED: 2,
    Standing.SUSPENDED: 3,
    Standing.RETIRED: 4,
}


@dataclass(frozen=True)
class Verdict:
    entry: RegisterEntry
    standing: Standing
    days_to_review: int  # negative once lapsed

    def message(self) -> str:
        """What a refused caller reads: the entry, why, and whom to ask. Never the caller's data."""
        entry = self.entry
        why = {
            Standing.REVIEW_LAPSED: f"its supplier review lapsed on {entry.review_by.isoformat()}",
            Standing.SUSPENDED: "it is suspended",
            Standing.RETIRED: "it is retired",
        }.get(self.standing, self.standing.value)
        return (
            f"The AI tool register entry '{entry.id}' ({entry.vendor}) covering this model is out of service: "
            f"{why}. Ask its owner, {entry.owner}, about its review or an alternative."
        )


class Register:
    """The policy's register, ready to answer "which entry covers this provider and model"."""

    def __init__(self, policy: RegisterPolicy) -> None:
        self.policy = policy
        # Case-insensitive: the register takes tools out of service, so matching more only refuses more.
        self._entries = [
            (e, [re.compile(glob_regex(g).pattern, re.IGNORECASE) for g in e.models]) for e in policy.entries
        ]

    def entries_for(self, provider: str, model: str) -> list[RegisterEntry]:
        """Every entry covering the tool (``provider/model`` or the bare model name), in file order."""
        bare = model.removeprefix(f"{provider}/")
        return [e for e, patterns in self._entries if e.provider == provider and any(p.match(bare) for p in patterns)]

    def verdict(self, provider: str, model: str, today: dt.date) -> Verdict | None:
        """Where the tool stands: of the entries covering it, the one that stands worst decides -- any
        entry that takes it out of service refuses it, whatever the order of the entries in the file."""
        verdicts = [standing(e, today, self.policy.warn_days) for e in self.entries_for(provider, model)]
        return max(verdicts, key=lambda v: _SEVERITY[v.standing], default=None)


def standing(entry: RegisterEntry, today: dt.date, warn_days: int) -> Verdict:
    days = (entry.review_by - today).days
    if entry.status is Status.SUSPENDED:
        return Verdict(entry, Standing.SUSPENDED, days)
    if entry.status is Status.RETIRED:
        return Verdict(entry, Standing.RETIRED, days)
    if days < 0:
        return Verdict(entry, Standing.REVIEW_LAPSED, days)
    return Verdict(entry, Standing.REVIEW_DUE if days <= warn_days else Standing.IN_SERVICE, days)
