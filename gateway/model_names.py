"""Model names as callers send them, and the globs that routes and approved tools match.

A glob's ``*`` and ``?`` never match ``/``: with fnmatch's own rules, ``claude-sonnet-*``
approved ``claude-sonnet-5-5/../claude-opus-5-5``, a path a provider or proxy may resolve
to a model nobody approved. A name with a ``/`` (``meta-llama/Llama-3``) matches only a
glob that has the ``/`` itself. Names holding what no model name holds (``..``, spaces,
control characters, backslashes) are refused before routing.
"""

from __future__ import annotations

import re

from gateway.errors import InvalidRequest

# The characters of model names across providers: fine-tunes (ft:gpt-4o:org::id), Bedrock
# (anthropic.claude-v2:1), Hugging Face (org/name), Ollama (llama3:8b), Azure deployments.
_MODEL_NAME = re.compile(r"[A-Za-z0-9._:/@+\-]{1,256}")


def check_model_name(model: str) -> None:
    """InvalidRequest (400) when ``model`` cannot be a model name; the message quotes none of it."""
    if not _MODEL_NAME.fullmatch(model) or ".." in model or "//" in model or model.startswith("/"):
        raise InvalidRequest(
            "The model name holds characters or sequences no model name has (allowed: letters, digits "
            "and . _ : / @ + -, without '..' or empty path segments, at most 256 characters).",
            param="model",
            code="invalid_model",
        )


def glob_regex(glob: str) -> re.Pattern[str]:
    """fnmatch's ``*``, ``?``, ``[...]`` and ``[!...]``, except that none of them matches ``/``."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (end := glob.find("]", i + 2 if glob[i + 1 : i + 2] != "!" else i + 3)) > 0:
            body = glob[i + 1 : end]
            negated = body.startswith("!")
            members = re.escape(body[1:] if negated else body).replace("\\-", "-")  # keep ranges
            out.append(f"[^/{members}]" if negated else f"[{members}]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


__all__ = ["check_model_name", "glob_regex"]


# The characters of a model name, and a glob's own (* ? [ ] !): a policy's or register's model patterns.
MODEL_GLOB = re.compile(r"^[A-Za-z0-9._:/@+\-*?\[\]!]+$")


def glob_problem(glob: str) -> str | None:
    if not MODEL_GLOB.match(glob):
        return "has characters no model name holds (a glob uses * ? [...] and the name's own characters)"
    depth = 0
    for char in glob:
        depth += char == "["
        depth -= char == "]" and depth > 0
        if depth > 1:
            return "nests '[' (a character class is [abc] or [0-9])"
    if depth:
        return "opens '[' without closing it (a character class is [abc] or [0-9])"
    return None
