"""Names that the layout of a text gives away, where spaCy's small model sees none.

Chat exports and transcripts put the speaker at the start of each line ("Leif: ...",
"[10:42] Kwabena Yoon: ...", "D. Kamau  11:02 AM"); meeting notes, mail headers and
approvals list people after a label ("Attendees: A, B and C", "Cc: ..."); CSV, TSV and
Markdown tables name their columns ("first_name", "Name", "date_of_birth"). None of these
is a sentence, so NER does poorly on them; their structure says what the values are.
Each recognizer checks that a value is name-shaped (capitalised words, initials allowed,
no field labels, products or common words), so "Summary: ..." is no speaker and
"Accounts Payable" is no attendee.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import AnalysisExplanation, LocalRecognizer
from presidio_analyzer import RecognizerResult as Result
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.pii.cues import NAME_WORD
from detectors.pii.ner import FIELD_LABELS, NOT_NAME_WORDS, NOT_NAMES
from detectors.pii.recognizers import DobRecognizer

STRUCTURE_SCORE = 0.9  # like a greeting or a title: the layout says more than spaCy's guess
ID_KEY = Result.RECOGNIZER_IDENTIFIER_KEY

# One to three name words, initials allowed anywhere ("D. Kamau", "Hamza C. Şahin"), on one line.
NAME = rf"(?:[A-Z]\.[ \t]*)?{NAME_WORD}(?:[ \t]+(?:[A-Z]\.[ \t]+)?{NAME_WORD}){{0,2}}"
# A speaker at the start of a line: "Leif: ...", "[10:42] Ana Silva: ...", "- Ana (PM): ...".
SPEAKER = re.compile(
    rf"^[ \t>*-]*(?:\[[^\]\n]{{1,24}}\][ \t]*)?(?P<name>{NAME})[ \t]*(?:\([^()\n]{{1,30}}\))?:[ \t]+\S", re.MULTILINE
)
# A speaker line of a call transcript or chat export: the name, two spaces, a time.
TIMED_SPEAKER = re.compile(rf"^(?P<name>{NAME})(?:[ \t]{{2,}}|[ \t]+[-–|][ \t]+)\d{{1,2}}:\d{{2}}\b", re.MULTILINE)
# A label that introduces people, then a list on the rest of the line.
PEOPLE_LABEL = re.compile(
    r"\b(?:attendees|apologies|absent|present|participants|invitees|panel(?:ists)?|interviewers|reviewers?"
    r"|approv(?:ers?|ed(?:[ \t]+by)?)|signed[ \t]+by|cc|bcc|to|from|owners?|assignees?|speakers|guests"
    r"|co-?authored-by|authors?|contacts?|organi[sz]er|with)[ \t]*:[ \t]*(?P<list>[^\n]+)",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"[^,;/&\n]+")
PARENTHETICAL = re.compile(r"\s*[(<\[][^()<>\[\]]*[)>\]]")
# Table columns whose values are people or dates of birth.
NAME_COLUMN = re.compile(
    r"(?:(?:first|last|given|family|full|legal|display|employee|customer|contact|client|patient|member|candidate"
    r"|user|person|owner|assignee|requester|applicant)[ _-]?)?(?:name|surname|forename)s?"
    r"|employee|customer|contact|patient|candidate|assignee|owner|requester|applicant|person|member",
    re.IGNORECASE,
)
DOB_COLUMN = re.compile(r"dob|d\.o\.b\.?|birth[ _-]?date|date[ _-]?of[ _-]?birth|born|birthday", re.IGNORECASE)
DELIMITERS = (",", ";", "\t", "|")
# SQL: INSERT INTO t (col, ...) VALUES (...), (...): the column list names the values.
SQL_INSERT = re.compile(r"\binsert\s+into\s+[\w.\"`\[\]]+\s*\((?P<columns>[^()]*)\)\s*values\s*", re.IGNORECASE)
SQL_ROW = re.compile(r"\s*,?\s*\((?P<row>(?:'(?:[^']|'')*'|[^'()])*)\)")
SQL_VALUE = re.compile(r"'(?P<quoted>(?:[^']|'')*)'|[^,\s]+")


# Compiled once: ``is_name`` runs on every speaker, list item and table cell.
NAME_WORDS = re.compile(NAME_WORD)
WHOLE_NAME = re.compile(NAME)
# One set, not a union built per word (that union of three vocabularies was most of ``is_name``'s time).
NO_NAME_WORDS = FIELD_LABELS | NOT_NAMES | NOT_NAME_WORDS
# Every header that ``NAME_COLUMN`` or ``DOB_COLUMN`` accepts holds one of these: a line without any is
# no table header, so its cells are never split (splitting each line four ways was most of ``table_cells``).
HEADER_WORD = re.compile(
    r"name|employee|customer|contact|patient|candidate|assignee|owner|requester|applicant|person|member"
    r"|dob|d\.o\.b|birth|born",
    re.IGNORECASE,  # as NAME_COLUMN: there U+0131 and U+017F match "i" and "s" too
)


def is_name(value: str) -> bool:
    """Capitalised words (initials allowed) none of which is a field label, product or common word."""
    words = NAME_WORDS.findall(value)
    if not words or not WHOLE_NAME.fullmatch(value):
        return False
    full = [w for w in words if len(w) > 1]
    return bool(full) and all(w[0].isupper() and not w.isupper() and w.lower() not in NO_NAME_WORDS for w in full)


def _says(text: str, speaker: re.Match[str]) -> bool:
    """A chat line goes on with a message (lowercase words), a form field with a value ("Tenant: Ana Silva")."""
    line_end = text.find("\n", speaker.end())
    words = text[speaker.end() - 1 : line_end if line_end >= 0 else len(text)].split()
    return len(words) >= 3 and sum(w[0].islower() for w in words) >= 2


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\"'*`":
        start += 1
    while end > start and text[end - 1] in " \t\"'*`.":
        end -= 1
    if text[start:end].endswith(".") and not re.search(r"\b[A-Z]\.$", text[start:end]):
        end -= 1
    return start, end


class StructureRecognizer(LocalRecognizer):
    """PERSON (and DATE_OF_BIRTH in tables) from speaker lines, people lists and table columns."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON", "DATE_OF_BIRTH"], name="StructureRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Result]:
        found = [*self._speakers(text), *self._listed(text), *table_cells(text), *sql_values(text)]
        explanation = AnalysisExplanation("StructureRecognizer", STRUCTURE_SCORE, textual_explanation="layout")
        return [
            Result(kind, start, end, STRUCTURE_SCORE, explanation, {ID_KEY: self.id})
            for kind, start, end in found
            if kind in entities
        ]

    @staticmethod
    def _speakers(text: str) -> Iterator[tuple[str, int, int]]:
        timed = [m.span("name") for m in TIMED_SPEAKER.finditer(text) if is_name(m.group("name"))]
        labelled = [m.span("name") for m in SPEAKER.finditer(text) if is_name(m.group("name")) and _says(text, m)]
        # One "Word: text" line may be a heading; a transcript has several speaker lines.
        for start, end in timed + (labelled if len(labelled) >= 2 else []):
            yield "PERSON", start, end

    @staticmethod
    def _listed(text: str) -> Iterator[tuple[str, int, int]]:
        for m in PEOPLE_LABEL.finditer(text):
            items = re.split(r"\s+(?:and|&)\s+", m.group("list"))
            offset = m.start("list")
            for part in items:
                base = text.index(part, offset)
                offset = base + len(part)
                blanked = PARENTHETICAL.sub(lambda p: " " * len(p.group()), part)  # same offsets, no "(CFO)"
                for item in LIST_ITEM.finditer(blanked):
                    start, end = _trimmed(blanked, item.start(), item.end())
                    if end > start and is_name(blanked[start:end]):
                        yield "PERSON", base + start, base + end


def table_cells(text: str) -> Iterator[tuple[str, int, int]]:
    """Cells of name and date-of-birth columns in delimited tables with a header line."""
    lines = list(_lines(text))
    for i, (start, end) in enumerate(lines):
        line = text[start:end]
        if not HEADER_WORD.search(line.lower()):
            continue
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue  # one cell: no header
            header = [text[a:b].strip(" \t\"'*`").lower() for a, b in _cells(text, start, end, delimiter)]
            if len(header) < 2:
                continue
            kinds = {j: _column_kind(h) for j, h in enumerate(header)}
            if not any(kinds.values()):
                continue
            yield from _column_values(text, lines[i + 1 :], delimiter, len(header), kinds)
            break


def _column_kind(header: str) -> str | None:
    if DOB_COLUMN.fullmatch(header):
        return "DATE_OF_BIRTH"
    return "PERSON" if NAME_COLUMN.fullmatch(header) else None


def _column_values(
    text: str, rows: list[tuple[int, int]], delimiter: str, width: int, kinds: dict[int, str | None]
) -> Iterator[tuple[str, int, int]]:
    for start, end in rows:
        cells = _cells(text, start, end, delimiter)
        if len(cells) != width:
            if re.fullmatch(r"[\s|:-]*", text[start:end]):
                continue  # a Markdown separator row
            return  # the table has ended
        for j, (a, b) in enumerate(cells):
            a, b = _trimmed(text, a, b)
            value = text[a:b]
            if kinds[j] == "PERSON" and is_name(value):
                yield "PERSON", a, b
            elif kinds[j] == "DATE_OF_BIRTH" and DobRecognizer.CANDIDATE.fullmatch(value):
                yield "DATE_OF_BIRTH", a, b


def _lines(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


def _cells(text: str, start: int, end: int, delimiter: str) -> list[tuple[int, int]]:
    """Cell spans of one line; double quotes protect delimiters (CSV); Markdown's outer pipes dropped."""
    cells, cell_start, quoted = [], start, False
    for i in range(start, end):
        if text[i] == '"':
            quoted = not quoted
        elif text[i] == delimiter and not quoted:
            cells.append((cell_start, i))
            cell_start = i + 1
    cells.append((cell_start, end))
    if delimiter == "|" and len(cells) > 2 and not text[cells[0][0] : cells[0][1]].strip():
        cells = cells[1:-1] if not text[cells[-1][0] : cells[-1][1]].strip() else cells[1:]
    return cells if len(cells) > 1 else []


def sql_values(text: str) -> Iterator[tuple[str, int, int]]:
    """Values of name and date-of-birth columns in SQL INSERT statements."""
    for insert in SQL_INSERT.finditer(text):
        columns = [c.strip(' \t\n"`[]').lower() for c in insert.group("columns").split(",")]
        kinds = [_column_kind(c) for c in columns]
        if not any(kinds):
            continue
        position = insert.end()
        while row := SQL_ROW.match(text, position):
            position = row.end()
            values = list(SQL_VALUE.finditer(text, row.start("row"), row.end("row")))
            if len(values) != len(columns):
                continue
            for kind, value in zip(kinds, values, strict=True):
                start, end = value.span("quoted") if value.group("quoted") is not None else value.span()
                cell = text[start:end]
                if (kind == "PERSON" and is_name(cell)) or (
                    kind == "DATE_OF_BIRTH" and DobRecognizer.CANDIDATE.fullmatch(cell)
                ):
                    yield kind, start, end
