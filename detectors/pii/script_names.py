"""Names in another script inside Latin-script text: "Replace the card on file for Иван Соколов".

spaCy's English model reads no Cyrillic or Greek and rarely tags Vietnamese names
("Nguyễn Thanh Hương"). In a paragraph written in Latin letters, a run of two to four
capitalised words in Cyrillic or Greek (the rest of the paragraph mostly Latin), or of
capitalised Latin words with letters only Vietnamese uses (ư, ơ, đ, ễ, ặ ...), is a name:
English prose switches script or language for little else (a quoted Russian or Greek title is
the exception, and is redacted as a name). In Russian, Greek or Vietnamese text the same runs
open sentences and name places, so nothing is reported there.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, LocalRecognizer
from presidio_analyzer import RecognizerResult as Result
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.pii.name_words import FIELD_LABELS, NOT_NAME_WORDS, NOT_NAMES, paragraphs, words

ID_KEY = Result.RECOGNIZER_IDENTIFIER_KEY
SCRIPT_NAME_SCORE = 0.6
CYRILLIC_GREEK_WORD = r"[\u0400-\u042f\u0391-\u03a9\u0386-\u038f][\u0430-\u045f\u03ac-\u03ce]+"
CYRILLIC_GREEK_RUN = re.compile(rf"(?<!\w){CYRILLIC_GREEK_WORD}(?:[ \t]+{CYRILLIC_GREEK_WORD}){{1,3}}(?!\w)")
VIETNAMESE_ONLY = "ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
LATIN_WORD = r"[A-ZÀ-ÝĐ][^\W\d_A-Z]*"
LATIN_RUN = re.compile(rf"(?<!\w){LATIN_WORD}(?:[ \t]+{LATIN_WORD}){{1,3}}(?!\w)")
LETTER = re.compile(r"[^\W\d_]")
OTHER_SCRIPT = re.compile(f"[\u0370-\u03ff\u0400-\u04ff{VIETNAMESE_ONLY}]")
# Cities, provinces and words of company and place names, which Vietnamese names never contain.
VIETNAMESE_NOT_PEOPLE = (
    "Hà Nội",
    "Hồ Chí Minh",
    "Đà Nẵng",
    "Hải Phòng",
    "Cần Thơ",
    "Nha Trang",
    "Việt Nam",
    "Công Ty",
    "Ngân Hàng",
    "Thành Phố",
    "Quận",
    "Tỉnh",
    "Phường",
    "Đường",
    "Huyện",
    "Xã",
    "Tập Đoàn",
    "Cổ Phần",
)
LABELS = NOT_NAMES | NOT_NAME_WORDS | FIELD_LABELS
QUOTES = frozenset("\"«»“”„'‘’")
# Russian, Ukrainian, Belarusian, Georgian/Armenian in Cyrillic, and Greek surname and patronymic endings.
SURNAME_ENDING = re.compile(
    r"(?:ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|енко|ук|юк|чук|ич|вич|овна|евна|ична|ян|дзе|швили"
    r"|όπουλος|οπούλου|ίδης|ίδου|άκης|άκη|άτος|ίου|ιάδης|έας)$"
)
GIVEN_NAMES = words(
    """
    Иван Алексей Дмитрий Сергей Андрей Михаил Николай Ольга Анна Мария Елена Наталья Татьяна Ирина Светлана
    Юлия Екатерина Владимир Александр Александра Павел Максим Олег Игорь Артём Тарас Оксана Богдан
    Νίκος Γιώργος Γιάννης Δημήτρης Κώστας Μαρία Ελένη Σοφία Αικατερίνη Κατερίνα Ανδρέας Παναγιώτης Χρήστος
    Βασίλης Θανάσης Άννα Δέσποινα Ευαγγελία
    """
)
MIN_LATIN_SHARE = 0.5  # of a paragraph's letters outside the runs, for a Cyrillic or Greek run to stand out
MIN_LATIN_LETTERS = 3
# Lowercase words with Vietnamese letters ("tên", "sống", "ở"): more than this and the paragraph
# is Vietnamese, where capitalised runs open sentences and name places.
MAX_VIETNAMESE_LOWERCASE = 1


def _mostly_latin(text: str, lo: int, hi: int, runs: list[tuple[int, int]]) -> bool:
    """Whether the paragraph's letters outside the runs are mostly Latin ("Call Иван Соколов today")."""
    outside, last = [], lo
    for start, end in runs:
        outside.append(text[last:start])
        last = end
    outside.append(text[last:hi])
    letters = LETTER.findall(" ".join(outside))
    latin = sum(1 for ch in letters if ch < "\u0250")
    return latin >= MIN_LATIN_LETTERS and latin >= MIN_LATIN_SHARE * len(letters)


def _person_like(text: str, run: re.Match[str]) -> bool:
    """A Cyrillic or Greek run that reads as a person's name: not quoted (a label, a title), with a
    surname or patronymic ending or a common given name ("Иван Соколов", "Νίκος Παπαδόπουλος"; not
    "Нижний Новгород", "Εθνική Τράπεζα")."""
    if text[run.start() - 1 : run.start()] in QUOTES or text[run.end() : run.end() + 1] in QUOTES:
        return False
    parts = run.group().split()
    return any(SURNAME_ENDING.search(p) for p in parts) or parts[0] in GIVEN_NAMES


def _vietnamese(word: str) -> bool:
    return any(ch in VIETNAMESE_ONLY for ch in word)


def script_name_spans(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words in another script than the paragraph's (module docstring)."""
    if text.isascii() or not OTHER_SCRIPT.search(text):
        return []  # the check costs ~20 µs per 2,000 characters, the scan below ~1 ms
    spans: list[tuple[int, int]] = []
    for lo, hi in paragraphs(text):
        runs = [m.span() for m in CYRILLIC_GREEK_RUN.finditer(text, lo, hi) if _person_like(text, m)]
        if runs and _mostly_latin(text, lo, hi, runs):
            spans += runs
        lowercase = sum(1 for w in text[lo:hi].split() if w[0].islower() and _vietnamese(w))
        if lowercase <= MAX_VIETNAMESE_LOWERCASE:
            spans += [span for m in LATIN_RUN.finditer(text, lo, hi) if (span := _vietnamese_name(m))]
    return sorted(spans)


def _vietnamese_name(run: re.Match[str]) -> tuple[int, int] | None:
    """The run without leading labels ("Name Lê Thu Hà"), if it has a Vietnamese letter."""
    words = list(re.finditer(r"\S+", run.group()))
    while words and words[0].group().lower() in LABELS:
        words.pop(0)
    if len(words) < 2 or not any(_vietnamese(w.group()) for w in words):
        return None
    if any(place in run.group() for place in VIETNAMESE_NOT_PEOPLE):
        return None  # "Hà Nội", "Công Ty ...": places and companies
    return run.start() + words[0].start(), run.end()


class ScriptNameRecognizer(LocalRecognizer):
    """PERSON for Cyrillic, Greek and Vietnamese names inside Latin-script text."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="ScriptNameRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Result]:
        explanation = AnalysisExplanation("ScriptNameRecognizer", SCRIPT_NAME_SCORE, textual_explanation="name script")
        return [
            Result("PERSON", start, end, SCRIPT_NAME_SCORE, explanation, {ID_KEY: self.id})
            for start, end in script_name_spans(text)
        ]
