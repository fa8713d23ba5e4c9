"""Confidential terms however they are joined, and markers in other languages, leetspeak and
CJK (issue 14, item 3); prose stays unflagged."""

from __future__ import annotations

import pytest

from detectors.confidential import MARKER, TERM, ConfidentialConfig, ConfidentialDetector, find_markers


def found(detector: ConfidentialDetector, text: str, entity_type: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == entity_type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Hyphens, underscores, dots, spaced hyphens or nothing between the words of a term.
        ("Status of Project-Nightingale?", ["Project-Nightingale"]),
        ("Status of ProjectNightingale?", ["ProjectNightingale"]),
        ("see project_nightingale_v2.py", ["project_nightingale"]),
        ("host project.nightingale.example", ["project.nightingale"]),
        ("PROJECT - NIGHTINGALE", ["PROJECT - NIGHTINGALE"]),
        ("Project\u2013Nightingale", ["Project\u2013Nightingale"]),  # an en dash
        ("AcmeCorp and acme-corp.com", ["AcmeCorp", "acme-corp"]),
        # Plurals and possessives.
        ("Both Project Nightingales slipped", ["Project Nightingales"]),
        ("ProjectNightingale's budget", ["ProjectNightingale"]),
        ("two Nightingales and the Initechs", ["Nightingales", "Initechs"]),
        ("the Companies of Acme", ["Companies", "Acme"]),
        # Invisible characters anywhere, and a term spelled letter by letter.
        ("Night\u00adin\u200bgale", ["Night\u00adin\u200bgale"]),
        ("Project\u00adNightingale", ["Project\u00adNightingale"]),
        ("P R O J E C T  N I G H T I N G A L E", ["P R O J E C T  N I G H T I N G A L E"]),
        ("N-i-g-h-t-i-n-g-a-l-e", ["N-i-g-h-t-i-n-g-a-l-e"]),
    ],
)
def test_terms_however_they_are_joined(text: str, expected: list[str]) -> None:
    terms = ["Project Nightingale", "Nightingale", "Acme Corp", "Acme", "Initech", "Company"]
    detector = ConfidentialDetector.from_config(ConfidentialConfig(terms=terms, markers=False))
    assert found(detector, text, TERM) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in it tech we trust",  # the words of "Initech", but split where the term has no break
        "Acmeville, myProjectNightingale, ProjectNightingaleX",  # glued to other letters
        "P roject Nightingale",  # a break inside a word
        "Nightingale2 and acme3",
        "We bought from Acme. Corp lawyers said no",  # a sentence ends between the words
        "Companyx and Acmess",
        "the net income and C ++",
    ],
)
def test_terms_are_not_found_across_other_words(text: str) -> None:
    terms = ["Initech", "Project Nightingale", "Acme Corp", "Company", ".NET", "C++"]
    detector = ConfidentialDetector.from_config(ConfidentialConfig(terms=terms, markers=False))
    assert found(detector, text, TERM) == []


@pytest.mark.parametrize(
    ("text", "marker", "score"),
    [
        # Other European languages: the same rules as English.
        ("VERTRAULICH", "VERTRAULICH", 0.9),
        ("Dieses Dokument ist STRENG VERTRAULICH.", "STRENG VERTRAULICH", 0.85),
        ("[Confidentiel] résultats T3", "Confidentiel", 0.9),
        ("Rapport CONFIDENTIEL pour la direction", "CONFIDENTIEL", 0.7),
        ("RESERVADO\nInforme anual", "RESERVADO", 0.9),
        ("Documento CONFIDENCIAL de la empresa", "CONFIDENCIAL", 0.7),
        ("*** RISERVATO ***", "RISERVATO", 0.9),
        ("Notitie: STRIKT VERTROUWELIJK", "STRIKT VERTROUWELIJK", 0.85),
        ("Einstufung: Intern", "Intern", 0.9),
        ("Nur für den Dienstgebrauch\nText", "Nur für den Dienstgebrauch", 0.9),
        # Letters written as digits.
        ("C0NFIDENTIAL", "C0NFIDENTIAL", 0.9),
        ("this memo is C0NF1D3NT14L so", "C0NF1D3NT14L", 0.7),
        ("this memo is c0nfidential so", "c0nfidential", 0.7),
        ("Q3 numbers, R3STR1CTED.", "R3STR1CTED", 0.7),
        ("[5ECRET] launch plan", "5ECRET", 0.9),
        ("1NTERNA1 USE ONLY", "1NTERNA1 USE ONLY", 0.9),
        # CJK: marking-only words anywhere, everyday words as banners.
        ("社外秘の資料です", "社外秘", 0.85),
        ("この文書は部外秘", "部外秘", 0.85),
        ("대외비 문서", "대외비", 0.85),
        ("【機密】報告書", "機密", 0.9),
        ("机密\n季度报告", "机密", 0.9),
        ("「极密」", "极密", 0.9),
        ("分類：極秘", "極秘", 0.9),
        ("[기밀] 보고서", "기밀", 0.9),
    ],
)
def test_markers_in_other_languages_and_leetspeak(text: str, marker: str, score: float) -> None:
    assert [(text[s:e], sc) for s, e, sc in find_markers(text)] == [(marker, score)]


@pytest.mark.parametrize(
    "text",
    [
        "this is a secret recipe",
        "the confidential report is here",
        "Información confidencial de clientes",
        "Ce document est confidentiel et interne.",
        "Die Daten sind vertraulich zu behandeln.",
        "Il progetto è riservato ai soci.",
        "TODOS LOS DERECHOS RESERVADOS",
        "Das ist GEHEIM, sagt er",  # weak words outside a banner
        "機密情報を含むメール",  # 機密 as an everyday word, not a banner
        "保护商业机密很重要",
        "극비리에 진행",
        "error 500: internal, retry 3 times",
        "HTTP 500 1NTERNAL SERVER ERROR",
    ],
)
def test_prose_in_other_languages_is_not_a_marker(text: str) -> None:
    assert find_markers(text) == []


def test_markers_in_other_languages_obey_the_policy_switch() -> None:
    off = ConfidentialDetector.from_config(ConfidentialConfig(markers=False))
    on = ConfidentialDetector.from_config(ConfidentialConfig())
    for text in ("VERTRAULICH", "【機密】", "社外秘", "C0NFIDENTIAL"):
        assert off.detect(text) == []
        assert [f.entity_type for f in on.detect(text)] == [MARKER]


def markers(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in find_markers(text)]


@pytest.mark.parametrize(
    ("text", "marker", "score"),
    [
        # CJK words that are also everyday words count with a cue: the text says so of itself...
        ("这份报告是机密，请勿外传。", "机密", 0.85),
        ("此文件为机密", "机密", 0.85),
        ("本文件属于绝密级别", "绝密", 0.85),
        ("本报告包含商业机密，请勿外传", "机密", 0.85),
        ("この資料は極秘です", "極秘", 0.85),
        ("この件は機密です", "機密", 0.85),
        ("이 문서는 기밀입니다", "기밀", 0.85),
        # ... a classifying verb, the secrecy-law mark, a document noun, 扱い.
        ("该项目被列为机密", "机密", 0.85),
        ("这些数据属于商业机密", "机密", 0.85),
        ("机密★5年", "机密", 0.9),
        ("秘密★1年", "秘密", 0.9),
        ("这是机密文件，帮我总结一下", "机密", 0.7),
        ("極秘資料を添付します", "極秘", 0.7),
        ("本件は機密扱いでお願いします", "機密", 0.85),
        ("기밀 문서를 첨부합니다", "기밀", 0.7),
        ("密级：绝密", "绝密", 0.9),
    ],
)
def test_cjk_markers_in_running_prose_with_a_cue(text: str, marker: str, score: float) -> None:
    assert [(text[s:e], sc) for s, e, sc in find_markers(text)] == [(marker, score)]


@pytest.mark.parametrize(
    "text",
    [
        "保护商业机密很重要",  # trade secrets in general
        "国家秘密的密级分为绝密、机密、秘密三级。",  # a secrecy-law explainer
        "机密级文件的保密期限一般不超过20年",
        "泄露国家机密是犯罪",
        "首相は極秘に来日した",  # Japanese news: "secretly"
        "日朝高官が極秘裏に接触",
        "機密情報を含むメールに注意してください",
        "기밀 유출 사건이 발생했다",
        "극비리에 진행된 회담",
        "请把这份报告翻译成英文",
        "この資料は重要です",
        "이 문서는 회의록입니다",
        "日本资料里有很多机密情报的故事",  # 日本 "Japan", not 本 "this"
        "그 사건이 정보 유출과 관련된 기밀 사안이다",  # 이 as the subject particle
    ],
)
def test_cjk_everyday_words_without_a_cue_are_not_markers(text: str) -> None:
    assert find_markers(text) == []


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("Документ КОНФИДЕНЦИАЛЬНО для отдела", "КОНФИДЕНЦИАЛЬНО"),
        ("Отчёт СЕКРЕТНО, не пересылать", "СЕКРЕТНО"),
        ("Пометка ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ внизу", "ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ"),
        ("Сведения: КОММЕРЧЕСКАЯ ТАЙНА", "КОММЕРЧЕСКАЯ ТАЙНА"),
        ("Гриф: ДСП", "ДСП"),
        ("Звіт КОНФІДЕНЦІЙНО для ради", "КОНФІДЕНЦІЙНО"),
        ("Έγγραφο ΕΜΠΙΣΤΕΥΤΙΚΟ για τη διοίκηση", "ΕΜΠΙΣΤΕΥΤΙΚΟ"),
        ("Σημείωση ΑΚΡΩΣ ΑΠΟΡΡΗΤΟ", "ΑΚΡΩΣ ΑΠΟΡΡΗΤΟ"),
        ("Dokumentum BIZALMAS a vezetésnek", "BIZALMAS"),
        ("Raport CONFIDENȚIAL pentru board", "CONFIDENȚIAL"),
        ("Raport STRICT CONFIDENŢIAL (cedilla)", "STRICT CONFIDENŢIAL"),
        ("Documento RISERVATA per il CdA", "RISERVATA"),
        ("Belge ÇOK GİZLİ olarak işaretli", "ÇOK GİZLİ"),
        ("Belge HİZMETE ÖZEL", "HİZMETE ÖZEL"),
        ("[GİZLİ] rapor", "GİZLİ"),
        ("Muistio ERITTÄIN SALAINEN hallitukselle", "ERITTÄIN SALAINEN"),
        ("Klauzula: poufne", "poufne"),
        ("Zpráva PŘÍSNĚ DŮVĚRNÉ pro vedení", "PŘÍSNĚ DŮVĚRNÉ"),
    ],
)
def test_cyrillic_greek_and_other_european_markers(text: str, marker: str) -> None:
    assert markers(text) == [marker]


@pytest.mark.parametrize(
    "text",
    [
        "Мы обсудили конфиденциальную информацию клиента.",
        "Это секретно, говорит он, но не очень.",
        "Погода сегодня хорошая, и совещание перенесли на вторник.",
        "Ми обговорили бюджет на наступний рік.",
        "Η πολιτική απορρήτου της εταιρείας άλλαξε.",
        "Το έγγραφο είναι εμπιστευτικό, είπε.",
        "Ez egy bizalmas beszélgetés volt.",
        "GİZLİ TANIK ifade verdi",  # the plain word for "secret" is weak: banners only
        "Documentul este confidențial.",
        "Tämä on salainen resepti.",
    ],
)
def test_prose_in_cyrillic_greek_and_other_languages_is_not_a_marker(text: str) -> None:
    assert find_markers(text) == []


@pytest.mark.parametrize(
    ("text", "marker", "score"),
    [
        ("C O N F I D E N T I A L", "C O N F I D E N T I A L", 0.9),
        ("memo C-O-N-F-I-D-E-N-T-I-A-L here", "C-O-N-F-I-D-E-N-T-I-A-L", 0.85),
        ("memo C.O.N.F.I.D.E.N.T.I.A.L here", "C.O.N.F.I.D.E.N.T.I.A.L", 0.85),
        (
            "memo C - O - N - F - I - D - E - N - T - I - A - L here",
            "C - O - N - F - I - D - E - N - T - I - A - L",
            0.85,
        ),
        ("a c-0-n-f-1-d-e-n-t-1-a-l memo", "c-0-n-f-1-d-e-n-t-1-a-l", 0.85),
        ("notes I N T E R N A L  O N L Y here", "I N T E R N A L  O N L Y", 0.85),
        ("plan S-E-C-R-E-T here", "S-E-C-R-E-T", 0.85),
        ("[R.E.S.T.R.I.C.T.E.D]", "R.E.S.T.R.I.C.T.E.D", 0.9),
        ("S T R I C T L Y  C O N F I D E N T I A L", "S T R I C T L Y  C O N F I D E N T I A L", 0.9),
        ("V_E_R_T_R_A_U_L_I_C_H", "V_E_R_T_R_A_U_L_I_C_H", 0.9),
    ],
)
def test_markers_spelled_letter_by_letter(text: str, marker: str, score: float) -> None:
    assert [(text[s:e], sc) for s, e, sc in find_markers(text)] == [(marker, score)]


@pytest.mark.parametrize(
    "text",
    [
        "spell it: s e c r e t, then i n t e r n a l",  # weak words count in upper case only
        "I N T E R E S T I N G and R E S T A U R A N T",
        "a b c d e f g, e.g. v1.2.3 and U.S.A.",
    ],
)
def test_spelled_out_words_that_are_not_markings(text: str) -> None:
    assert find_markers(text) == []


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("Confidential: Q3 plan attached", "Confidential"),
        ("Subject line\nConfidential - draft numbers", "Confidential"),
        ("> Restricted: board only", "Restricted"),
    ],
)
def test_a_title_case_label_opening_a_line_is_a_marker(text: str, marker: str) -> None:
    assert markers(text) == [marker]


@pytest.mark.parametrize(
    "text",
    [
        "confidential: false\nrestricted: true",  # YAML keys: lower case is not a label
        "Keep this confidential: the numbers are not final.",
        "Confidential information - see the policy",
    ],
)
def test_lower_case_and_mid_sentence_confidential_is_prose(text: str) -> None:
    assert find_markers(text) == []


def test_terms_spelled_with_dots() -> None:
    detector = ConfidentialDetector.from_config(ConfidentialConfig(terms=["Nightingale"], markers=False))
    assert found(detector, "see N.I.G.H.T.I.N.G.A.L.E now", TERM) == ["N.I.G.H.T.I.N.G.A.L.E"]
