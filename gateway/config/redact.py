"""Settings as they may be shown: a URL's password (``redis://:pw@host``, ``postgresql://u:pw@host/db``,
``?password=``) replaced by ``***`` wherever settings are printed or logged (``aigw config show``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

HIDDEN = "***"
SECRET_PARAMS = frozenset({"password", "pass", "passwd", "pwd", "secret", "token", "sslpassword"})


def redact_url(value: str) -> str:
    """``value`` with a URL's password and secret query parameters hidden; anything else as it is."""
    if "://" not in value:
        return value
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:  # not a URL we can take apart: shown as the scheme alone
        return value.split("://", 1)[0] + "://" + HIDDEN
    netloc = parts.netloc
    if password is not None:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{HIDDEN}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(name.lower() in SECRET_PARAMS for name, _ in pairs):
            query = urlencode([(n, HIDDEN if n.lower() in SECRET_PARAMS else v) for n, v in pairs], safe="*")
    # By hand: urlunsplit drops the empty host of unix:///path.
    return (
        f"{parts.scheme}://{netloc}{parts.path}"
        + (f"?{query}" if query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def redacted(value: Any) -> Any:
    """A JSON-like settings dump with every URL in it redacted."""
    if isinstance(value, str):
        return redact_url(value)
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redacted(item) for item in value]
    return value
