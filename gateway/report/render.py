"""The evidence report as one self-contained HTML page, or as GitHub-flavoured Markdown.

Both write out the same sections (``sections``); only HTML draws the charts. Every string
from the data is escaped here, where it is written out: user names, excerpts and policy ids
can be attacker-controlled, and an auditor opens the page.
"""

from __future__ import annotations

import html
import json
import re

from gateway.report.model import EvidenceReport
from gateway.report.sections import Block, Cell, Chart, Code, Heading, Mark, Table, sections

# --- HTML -------------------------------------------------------------------------------------------------------

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 0.6em; white-space: pre-wrap; word-break: break-word; }
figure { margin: 1em 0; } svg.chart { max-width: 100%; height: auto; }
.flag { padding: 0 0.3em; border-radius: 3px; } .ok { background: #d9f2d9; color: #1a5e1a; }
.warn { background: #fff0c2; color: #7a5200; } .bad { background: #fbd5d5; color: #8b0000; }
#chain .flag { font-size: 1.3em; }
@media print { section { break-inside: avoid-page; } nav { display: none; } }
"""


def _h(value: object) -> str:
    return html.escape(str(value))


def _html_inline(part: str | Mark) -> str:
    return f'<strong class="flag {_h(part.tone)}">{_h(part.text)}</strong>' if isinstance(part, Mark) else _h(part)


def _html_cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        return "<td>" + "<br>".join(_h(line) for line in cell) + "</td>"
    if isinstance(cell, Mark):
        return f"<td>{_html_inline(cell)}</td>"
    return f'<td class="num">{cell}</td>' if isinstance(cell, int) else f"<td>{_h(cell)}</td>"


def _html_block(block: Block) -> str:
    if isinstance(block, Table):
        head = "".join(f"<th>{_h(header)}</th>" for header in block.headers)
        body = "".join("<tr>" + "".join(map(_html_cell, row)) + "</tr>\n" for row in block.rows)
        return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"
    if isinstance(block, Chart):
        return f"<figure>{block.svg}</figure>"
    if isinstance(block, Heading):
        return f"<h{block.level}>{_h(block.text)}</h{block.level}>"
    if isinstance(block, Code):
        return f"<pre><code>{_h(block.text)}</code></pre>"
    return "<p>" + "".join(map(_html_inline, block.parts)) + "</p>"


def render_html(report: EvidenceReport) -> str:
    """One self-contained HTML5 page: inline CSS and SVG, no script and nothing fetched, to archive as evidence."""
    meta = report["report"]
    parts = sections(report)
    nav = "".join(f'<li><a href="#{sid}">{_h(heading)}</a></li>' for sid, heading, _ in parts)
    body = "\n".join(
        f'<section id="{sid}">\n<h2>{_h(heading)}</h2>\n' + "\n".join(map(_html_block, blocks)) + "\n</section>"
        for sid, heading, blocks in parts
    )
    # The policy forbids every fetch and script, so even markup that slipped through escaping could do nothing.
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(meta['title'])}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_h(meta['title'])}</h1>\n<p>{_h(meta['since'])} to {_h(meta['until'])}, "
        f"generated at {_h(meta['generated_at'])}</p></header>\n<nav><ol>{nav}</ol></nav>\n"
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


# --- Markdown ---------------------------------------------------------------------------------------------------

# Characters that would start emphasis, code, links, images or a table cell; "@" would make an email a
# link. "<", ">" and "&" become entities instead: GitHub strips raw HTML, but other Markdown viewers run it.
_MD_SPECIAL = re.compile(r"([\\`*_~\[\]|@])")
# A bare URL is a link in GitHub's Markdown (extended autolinks): an escaped ":" or "." is not.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![a-z0-9])(www)(\.)")
# What starts a block at the beginning of a line: heading, list, quote, setext underline, ordered list.
_BLOCK_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _md(value: object) -> str:
    """A data string as inert Markdown text: it renders as itself, never as markup, HTML or a link."""
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))
    text = _AUTOLINK.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)
    return _NEWLINES.sub("<br>", text)  # a newline would end the table row


def _md_line(value: object) -> str:
    """``_md`` for a string that begins a line, where "# ", "- " or "1." would start a block."""
    text = _md(value)
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    if match[2][0].isdigit():  # "1." or "1)": the punctuation after the number is what makes a list
        return text[: match.end()] + "\\" + text[match.end() :]
    return text[: match.start(2)] + "\\" + text[match.start(2) :]


def _md_inline(part: str | Mark) -> str:
    return f"**{_md(part.text)}**" if isinstance(part, Mark) else _md(part)


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        return "<br>".join(map(_md, cell))
    return _md_inline(cell) if isinstance(cell, Mark) else _md(cell)


def _md_block(block: Block) -> str:
    if isinstance(block, Table):
        lines = ["| " + " | ".join(map(_md, block.headers)) + " |", "|" + " --- |" * len(block.headers)]
        lines += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
        return "\n".join(lines)
    if isinstance(block, Chart):
        return _md_block(block.fallback) if block.fallback and block.fallback.rows else ""
    if isinstance(block, Heading):
        return f"{'#' * block.level} {_md(block.text)}"
    if isinstance(block, Code):
        # A quoted line of escaped text, not a verbatim code block: viewers that ignore fences
        # (or an excerpt that closes one) would otherwise render the excerpt's HTML and links.
        return "> " + _md_line(block.text)
    return "".join(map(_md_inline, block.parts))


def render_markdown(report: EvidenceReport) -> str:
    """The same sections as GitHub-flavoured Markdown: headings and tables, per-day tables instead of charts."""
    meta = report["report"]
    parts = [
        f"# {_md(meta['title'])}",
        f"{_md_line(meta['since'])} to {_md(meta['until'])}, generated at {_md(meta['generated_at'])}",
    ]
    for _, heading, blocks in sections(report):
        parts.append(f"## {_md(heading)}")
        parts += [text for text in map(_md_block, blocks) if text]
    return "\n\n".join(parts) + "\n"


FORMATS = ("html", "json", "md")


def render(report: EvidenceReport, fmt: str) -> str:
    """The report in one of ``FORMATS`` (``aigw report --format``, the admin API's ``?format=``)."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    return render_markdown(report) if fmt == "md" else render_html(report)
