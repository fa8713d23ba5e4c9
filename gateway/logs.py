"""Structured logging: JSON in production, readable on a terminal.

Events carry metadata only; tracebacks are rendered without local variables.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Literal, TextIO

import structlog

from gateway.config.settings import LogSettings


class _Current:
    """sys.stdout or sys.stderr as it is when an event is written (not when logging was set up),
    so that a replaced stream (a test's capture, a redirect) is honoured."""

    def __init__(self, name: Literal["stdout", "stderr"]) -> None:
        self._name = name

    def _stream(self) -> TextIO:
        stream: TextIO = getattr(sys, self._name)
        return stream

    def write(self, text: str) -> int:
        return self._stream().write(text)

    def flush(self) -> None:
        self._stream().flush()

    def isatty(self) -> bool:
        return self._stream().isatty()


def configure_logging(
    settings: LogSettings, stream: Literal["stdout", "stderr"] = "stdout", *, cache_loggers: bool = True
) -> None:
    """Set up structlog for this process. ``cache_loggers`` pins each logger to this set-up on
    first use (fast, for the long-running server); a short-lived command passes False so that a
    later set-up in the same process (a test calling several commands) still takes effect."""
    out = _Current(stream)
    as_json = settings.format == "json" or (settings.format == "auto" and not out.isatty())
    renderer: structlog.typing.Processor
    if as_json:
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,  # e.g. the worker index under `aigw serve --workers N`
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if as_json:
        processors.append(structlog.processors.format_exc_info)
    processors.append(renderer)
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, settings.level.upper())),
        # One write() per event, line and newline together: with `--workers N` several processes
        # share one stdout, and print()'s two writes (text, then "\n") interleave when the stream is
        # unbuffered (PYTHONUNBUFFERED), gluing two events onto one line a log shipper cannot parse.
        logger_factory=structlog.WriteLoggerFactory(out),  # type: ignore[arg-type]
        cache_logger_on_first_use=cache_loggers,
    )


def code_location(exc: BaseException) -> str:
    """Where an exception was raised ("file:line"), for logs that must not carry what it said:
    an exception's message may quote request data, answers, keys or policy files."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    return f"{frame.filename}:{frame.lineno}" if frame else "unknown"
