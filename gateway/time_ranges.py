"""The times a query names, for the CLI (``--since``/``--until``) and the admin API (``?since=&until=``).

An ISO time (UTC unless it says otherwise) or a span ago ("30m", "24h", "7d"), and a
report's period (the last 30 days by default). Bad input raises ``ValueError``: each
caller says it in its own way (an argparse usage error, a 400 from the admin API).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

RELATIVE = re.compile(r"^(\d+)([mhd])$")
UNIT_S = {"m": 60, "h": 3600, "d": 86_400}
# Times a query may name: the Unix epoch to the end of year 9999 (microseconds). Outside it,
# "99999999999d" or a year-1 date would overflow the stores' 64-bit integers and the report's dates.
LATEST_US = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()) * 1_000_000
DEFAULT_DAYS = 30  # a report's period when it names no start
INVENTORY_DAYS = 90  # the AI inventory's (aigw inventory, /admin/inventory): a quarter


def parse_time(text: str) -> int:
    """Microseconds since the epoch, from an ISO time (UTC unless it says otherwise) or "24h" ago."""
    relative = RELATIVE.match(text.strip())
    if relative:
        now_us = time.time_ns() // 1000
        moment_us = now_us - int(relative[1]) * UNIT_S[relative[2]] * 1_000_000  # integers: no float overflow
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text[:40]!r} is neither an ISO time nor like 30m, 24h, 7d") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment_us = int(moment.timestamp() * 1_000_000)
    if not 0 <= moment_us <= LATEST_US:
        raise ValueError(f"{text[:40]!r} is outside 1970-01-01 to 9999-12-31")
    return moment_us


def period(since_us: int | None, until_us: int | None, days: int = DEFAULT_DAYS) -> tuple[int, int]:
    """A report's period: up to now and over the last ``days`` days unless given."""
    until = until_us if until_us is not None else time.time_ns() // 1000
    since = since_us if since_us is not None else until - days * 86_400 * 1_000_000
    if since >= until:
        raise ValueError("--since must be before --until")
    return since, until
