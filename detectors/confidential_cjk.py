"""CJK classification markings (part of ``CLASSIFICATION_MARKER``): no case, no spaces between
words, so what tells a marking from prose is the word itself or what stands next to it.

- Only ever markings, reported anywhere: 社外秘, 部外秘, 関係者外秘 (Japanese company
  markings), 대외비, 사외비 (Korean "not for outside").
- Also everyday words, reported only with a cue: 機密/机密 (機密情報 "confidential
  information", 商业机密 "trade secret", 国家机密), 绝密/絕密 and 秘密 (Chinese secrecy-law
  explainers list "绝密、机密、秘密" in prose), 極秘 (Japanese news: 極秘に接触, 極秘裏,
  極秘来日), 기밀/극비 (Korean: 국가기밀, 기밀 유출, 극비리에). The cues:

  * a banner: own line, brackets (【機密】, full-width parentheses), after a label (密级, 分類);
  * the secrecy-law mark ★ after the level (机密★5年, 秘密★1年: GB/T 9704);
  * a document noun right after it (机密文件, 極秘資料, 기밀 문서; not 機密情報), or 扱い (機密扱い);
  * a classifying verb right before it (列为机密, 属于商业机密, 標記為機密);
  * the text says so of itself: "this document/report/mail ... <word>" in one clause
    (此文件为机密, 本报告包含商业机密, この資料は極秘です, 이 문서는 기밀입니다).

  So "保护商业机密很重要" or "極秘に来日" are not reported, while "本文件含商业机密" is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

ANYWHERE = ("関係者外秘", "社外秘", "部外秘", "대외비", "사외비")
CUED: tuple[str, ...] = (
    *("取扱注意", "内部资料", "内部資料", "仅限内部", "僅限內部", "機密", "机密", "極秘", "极秘", "極密", "极密"),
    *("绝密", "絕密", "秘密", "기밀", "극비"),
)
# Words whose cue is only a banner or the ★ mark: 秘密 is "secret" in every sentence.
_BANNER_ONLY = frozenset({"秘密", "取扱注意", "内部资料", "内部資料", "仅限内部", "僅限內部"})
# Chinese and Japanese nouns for a document, data, a mail...: "this <noun>" or "<word><noun>".
_NOUNS_ZH_JA = (
    "文件|文档|文檔|资料|資料|报告|報告|報告書|文書|書類|邮件|郵件|メール|ファイル|附件|添付|材料"
    "|内容|內容|信息|訊息|情報|数据|數據|データ|项目|項目|プロジェクト|案件|件"
)
_NOUNS_KO = "문서|자료|보고서|메일|파일|첨부|내용|정보|데이터|프로젝트|건"
# After the word: documents only, not 情報/信息 (機密情報, 机密信息: the everyday phrase).
_AFTER = re.compile(r"★|扱い|文件|文档|文檔|资料|資料|报告|報告|文書|書類|\s?(?:문서|자료|보고서)")
_BEFORE = re.compile(
    r"(?:列为|列為|定为|定為|标为|標為|标记为|標記為|标注为|標註為|属于|屬於|属|屬|归为|歸為)"
    r"(?:商业|商業|公司|企业|企業|内部|內部)?$"
)
# "This document ... <word>" within one clause (no sentence or clause punctuation between).
# 本 and 当 are also the end of other words (日本 Japan, 基本, 成本, 版本, 文本; 应当, 相当); Korean
# 이 and 본 stand alone ("이 문서"), not as the subject particle or the end of a word (일본).
_SUBJECT = re.compile(
    rf"(?:(?:此|(?<![日基根成资資版样樣文])本|该|該|这份|這份|这个|這個|此份|(?<![应應相适適])(?:当|當)|この|その)"
    rf"\s?(?:{_NOUNS_ZH_JA})|(?<!\S)(?:이|본|해당)\s?(?:{_NOUNS_KO}))[^。．.！!？?\n，,；;、]{{0,16}}$"
)
_REACH = 24  # how far back a subject may stand
_SCORE_ANYWHERE, _SCORE_BANNER, _SCORE_CUE, _SCORE_NOUN = 0.85, 0.9, 0.85, 0.7

_BY_LENGTH = sorted((*ANYWHERE, *CUED), key=len, reverse=True)
# Every word holds one of these: six substring searches rule out most CJK text at once.
_KEYS = ("秘", "密", "비", "밀", "扱", "部")
Banner = Callable[[str, int, int], bool]


def cjk_markers(text: str, banner: Banner) -> Iterator[tuple[int, int, float]]:
    """CJK markings as (start, end, score), longest word first: a shorter word inside a
    longer one already found is not reported again. ``banner`` tells a banner position."""
    keys = [key for key in _KEYS if key in text]
    if not keys:
        return
    taken: list[tuple[int, int]] = []
    for word in (w for w in _BY_LENGTH if any(key in w for key in keys)):
        for at in _occurrences(text, word):
            end = at + len(word)
            if any(s < end and at < e for s, e in taken):
                continue
            if score := _score(text, word, at, end, banner):
                taken.append((at, end))
                yield at, end, score


def _score(text: str, word: str, at: int, end: int, banner: Banner) -> float:
    if banner(text, at, end):
        return _SCORE_BANNER
    if word in ANYWHERE:
        return _SCORE_ANYWHERE
    if text.startswith("★", end):
        return _SCORE_BANNER
    if word in _BANNER_ONLY:
        return 0.0
    before = text[max(0, at - _REACH) : at]
    if _BEFORE.search(before) or _SUBJECT.search(before):
        return _SCORE_CUE
    return _SCORE_NOUN if _AFTER.match(text, end) else 0.0


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)
