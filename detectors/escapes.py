"""An unescaped view of a text for the secrets and PII detectors: the escapes a model
reads through, resolved, with a map back to the escaped characters.

Tool-call arguments are JSON text, so an SSN sent as ``"\\u0035\\u0033\\u0036-22-8741"``
reaches the provider as characters no regular expression of ours reads as digits; the
same goes for HTML and XML character references (``&#53;``, ``&#x35;``, ``alice&#64;``,
``&commat;``, ``&period;``) and Markdown backslash escapes (``536\\-22\\-8741``,
``alice\\@acme\\.com``). In the view:

- a JSON ``\\uXXXX`` escape (a surrogate pair as one character) becomes its character;
- an HTML numeric reference (decimal or hex, ``;`` optional as browsers allow) and a
  named reference *with* its ``;`` become their characters (Python's ``html.unescape``
  decides what a name means; without the ``;``, ``&copy=1`` in a URL stays as it is);
- a backslash before ASCII punctuation (Markdown, and JSON's ``\\"``, ``\\/``, ``\\\\``)
  is dropped.

Each view character maps back to the whole escape it came from, so redaction replaces
the escaped characters actually sent. Text with neither ``\\`` nor ``&`` (most prompts)
costs two substring tests.
"""

from __future__ import annotations

import html
import re

from detectors.normalize import View

# One expression, scanned left to right, so "\\\\u0035" is an escaped backslash and then
# the letters "u0035", as a JSON or Markdown reader sees it.
_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # surrogate pair
    r"|\\u[0-9a-fA-F]{4}"
    r"|\\[!-/:-@\[-`{-~]"  # backslash before ASCII punctuation
    r"|&#[0-9]{1,7};?|&#[xX][0-9a-fA-F]{1,6};?"
    r"|&[A-Za-z][A-Za-z0-9]{1,31};"
)


def unescaped_view(text: str) -> View | None:
    """``text`` with its escapes resolved, or None if it holds none."""
    if "\\" not in text and "&" not in text:
        return None
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for match in _ESCAPE.finditer(text):
        plain = _resolve(match.group())
        if plain is None:
            continue
        start, end = match.span()
        chars.append(text[at:start])
        starts.extend(range(at, start))
        ends.extend(range(at + 1, start + 1))
        chars.append(plain)
        starts.extend([start] * len(plain))
        ends.extend([end] * len(plain))
        at = end
    if not chars:
        return None
    chars.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    return View("".join(chars), tuple(starts), tuple(ends))


def _resolve(escape: str) -> str | None:
    """The character(s) an escape stands for; None when it stands for nothing (an
    unknown entity name)."""
    if escape[0] == "\\":
        if escape[1] != "u":
            return escape[1]
        if len(escape) == 12:  # a surrogate pair
            high, low = int(escape[2:6], 16), int(escape[8:12], 16)
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        code = int(escape[2:6], 16)
        return None if 0xD800 <= code <= 0xDFFF else chr(code)  # a lone surrogate: no text
    plain = html.unescape(escape)
    return None if plain == escape else plain
