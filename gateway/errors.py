"""Every error the gateway answers with, defined once and rendered once.

Handlers and providers raise a ``GatewayError``; the error middleware renders it in
the caller's API shape (OpenAI or Anthropic). Messages are written by us and never
carry prompt text, keys or other request content.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping

from aiohttp import web


class ApiFormat(enum.Enum):
    OPENAI = "openai"
    ANTHROPIC = "anthropic"


class GatewayError(Exception):
    """Base class: an HTTP status plus the type/code each API uses for it."""

    status: int = 500
    openai_type: str = "api_error"
    anthropic_type: str = "api_error"
    code: str | None = None
    close_connection = False  # the connection cannot carry another request (its body is unreadable)

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.param = param
        self.headers: dict[str, str] = dict(headers or {})


class InvalidRequest(GatewayError):
    status = 400
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"


class AuthenticationFailed(GatewayError):
    status = 401
    openai_type = "invalid_request_error"
    anthropic_type = "authentication_error"
    code = "invalid_api_key"


class RevokedKeyPresented(AuthenticationFailed):
    """A revoked key, with its right secret: the caller sees the usual 401; the incident log
    records who the key belonged to (a former employee's, or a leaked, key in use)."""

    def __init__(self, message: str, *, owner: str) -> None:
        super().__init__(message)
        self.owner = owner


class PolicyDenied(GatewayError):
    status = 403
    openai_type = "permission_error"
    anthropic_type = "permission_error"
    code = "policy_violation"


class SensitiveDataBlocked(PolicyDenied):
    """The policy blocks data found in the request; the message names types, never values."""

    code = "sensitive_data_blocked"


class AssuranceConfined(PolicyDenied):
    """A control-assurance key asked for a model a real provider serves: its traffic never leaves the host."""

    code = "assurance_echo_only"


class NotFound(GatewayError):
    status = 404
    openai_type = "invalid_request_error"
    anthropic_type = "not_found_error"
    code = "not_found"


class MethodNotAllowed(GatewayError):
    status = 405
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"
    code = "method_not_allowed"


class Conflict(GatewayError):
    """The request is valid but the thing it acts on is in the wrong state (e.g. a closed incident)."""

    status = 409
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"
    code = "conflict"


class RequestTimeout(GatewayError):
    """The caller was too slow sending its request (a stalled or trickling body)."""

    status = 408
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"
    code = "request_timeout"


class UnsupportedMediaType(GatewayError):
    status = 415
    openai_type = "invalid_request_error"
    anthropic_type = "invalid_request_error"
    code = "unsupported_media_type"


class PayloadTooLarge(GatewayError):
    status = 413
    openai_type = "invalid_request_error"
    anthropic_type = "request_too_large"
    code = "request_too_large"


class RateLimited(GatewayError):
    """A rate limit or budget of the policy is reached (``gateway.usage.limiter``): OpenAI's 429 shape
    (type ``requests``/``tokens``, or ``insufficient_quota`` for a spend budget), Anthropic's
    ``rate_limit_error``; ``retry-after`` and the x-ratelimit headers say when to try again."""

    status = 429
    openai_type = "requests"
    anthropic_type = "rate_limit_error"
    code = "rate_limit_exceeded"

    def __init__(self, message: str, *, kind: str, headers: Mapping[str, str]) -> None:
        super().__init__(message, headers=headers)
        if kind == "spend":
            self.openai_type = self.code = "insufficient_quota"
        else:
            self.openai_type = kind


class InternalError(GatewayError):
    status = 500
    code = "internal_error"


class UpstreamUnavailable(GatewayError):
    status = 502
    code = "upstream_unavailable"


class UpstreamUnreachable(UpstreamUnavailable):
    """No connection to the provider could be made: nothing was sent, so nothing was billed (limits refund)."""


class UnreadableBody(InvalidRequest):
    """The body cannot be decoded as sent (a Content-Encoding that does not match it)."""

    code = "invalid_body"
    close_connection = True


class UpstreamInvalid(UpstreamUnavailable):
    """The provider answered with something the gateway cannot read or screen: withheld, never relayed unscreened."""

    code = "upstream_invalid_response"


class ServiceUnavailable(GatewayError):
    status = 503
    anthropic_type = "overloaded_error"
    code = "service_unavailable"


class PromptLogUnavailable(ServiceUnavailable):
    """The exchange could not be recorded and the policy forbids unlogged use (fail closed)."""

    code = "prompt_log_unavailable"

    def __init__(self, retry_after_s: int = 5) -> None:
        super().__init__(
            "The gateway cannot record this exchange in the prompt log right now, and the AI policy does not "
            "allow unlogged use. Try again shortly.",
            headers={"retry-after": str(retry_after_s)},
        )


class LimitStoreUnavailable(ServiceUnavailable):
    """The shared counter store (Redis) is down and the policy's limits fail closed."""

    code = "limit_store_unavailable"

    def __init__(self, retry_after_s: int = 5) -> None:
        super().__init__(
            "The gateway cannot check your usage limits right now, and the AI policy does not allow "
            "unmetered use. Try again shortly.",
            headers={"retry-after": str(retry_after_s)},
        )


class UpstreamTimeout(GatewayError):
    status = 504
    openai_type = "timeout_error"
    anthropic_type = "timeout_error"
    code = "upstream_timeout"


class UpstreamConnectTimeout(UpstreamTimeout):
    """No connection to the provider within the connect timeout: nothing was sent (limits refund)."""


def error_payload(err: GatewayError, fmt: ApiFormat, request_id: str) -> dict[str, object]:
    """The JSON body for ``err`` in the shape the caller's SDK parses."""
    if fmt is ApiFormat.ANTHROPIC:
        return {
            "type": "error",
            "error": {"type": err.anthropic_type, "message": err.message},
            "request_id": request_id,
        }
    return {
        "error": {
            "message": err.message,
            "type": err.openai_type,
            "param": err.param,
            "code": err.code,
        }
    }


def from_http_exception(method: str, path: str, exc: web.HTTPException) -> GatewayError:
    """aiohttp's own refusals (no such route, wrong method, body too large) as the gateway's errors,
    so the API and the admin API answer them in the same shape as every other error."""
    if exc.status == 404:
        return NotFound(f"Unknown route: {method} {path[:200]}", code="unknown_route")
    if exc.status == 405:
        return MethodNotAllowed(f"Method {method} is not allowed on {path[:200]}.")
    if exc.status == 413:
        return PayloadTooLarge("Request body is larger than this gateway accepts.")
    if exc.status < 500:
        err = InvalidRequest(exc.reason or "Bad request.", code=f"http_{exc.status}")
        err.status = exc.status
        return err
    return InternalError("The gateway hit an internal error; the request was not completed.")


def render_error(err: GatewayError, fmt: ApiFormat, request_id: str) -> web.Response:
    headers = {**err.headers, "x-request-id": request_id}
    return web.json_response(error_payload(err, fmt, request_id), status=err.status, headers=headers)


def render_stream_error(err: GatewayError, fmt: ApiFormat, request_id: str) -> bytes:
    """An SSE error event, for failures after a stream's headers were sent.

    Both SDKs raise on it: OpenAI's on a ``data:`` object with an ``error`` key,
    Anthropic's on an ``event: error``.
    """
    data = json.dumps(error_payload(err, fmt, request_id), separators=(",", ":"))
    if fmt is ApiFormat.ANTHROPIC:
        return f"event: error\ndata: {data}\n\n".encode()
    return f"data: {data}\n\n".encode()


class ConfigProblem:
    """One thing wrong with a settings or policy file, located as precisely as we can."""

    __slots__ = ("column", "line", "message", "path", "source")

    def __init__(
        self, source: str, path: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.source = source
        self.path = path
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class ConfigError(Exception):
    """A settings or policy file (or environment override) that cannot be used."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
