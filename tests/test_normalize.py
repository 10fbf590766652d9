"""The batch text helpers agree exactly with their one-value forms (they only skip work)."""

import random

from paperlake.parsing.normalize import abstract_junk_reason, abstract_junk_reasons, clean_text, clean_texts
from paperlake.parsing.text_pages import line_kind

PIECES = ["word", "Model", " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x1c", "\x1f", "\x00", "\x7f", "\u200b", "\u00ad",
          "\u00a0", "\u3000", "\u2028", "-\n", "repre-\ntation", "<b>", "</i>", "&amp;", "\\%", "%", "é", "İ", "K",
          "librarian bot", "Page Not Found", "TL;DR:", "project page:", "Our work focuses on", "Mar 21", "Subscribe",
          "1.5x", "."]


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def test_clean_texts_equals_clean_text():
    values = _random_texts(3000, 1) + ["", "plain text with single spaces", " lead", "trail ", None]
    assert clean_texts(values) == [clean_text(v) for v in values]


def test_abstract_junk_reasons_equals_abstract_junk_reason():
    abstracts = _random_texts(3000, 2) + [None, "", "x " * 20, "A Title Here", "This is an automated message " * 3]
    titles = _random_texts(len(abstracts) - 5, 3) + [None, "t", None, "a  title\there", None]
    got = abstract_junk_reasons(abstracts, titles)
    assert got == [abstract_junk_reason(a, t) for a, t in zip(abstracts, titles)]
    assert {g for g in got if g} >= {"missing abstract", "abstract repeats the title"}


def test_line_kind_equals_collapsing_every_line():
    from paperlake.parsing.text_pages import _DATE_LINE, _FURNITURE

    def collapsed_within(s: str, limit: int) -> str | None:  # the definition, without shortcuts
        c = " ".join(s.split())
        return c if len(c) <= limit else None

    def reference(s: str) -> tuple[bool, bool]:
        d, f = collapsed_within(s, 40), collapsed_within(s, 120)
        return d is not None and bool(_DATE_LINE.match(d)), f is not None and (not f or bool(_FURNITURE.match(f)))

    lines = _random_texts(3000, 4) + ["Mar 21", "  Subscribe  ", "x" * 130, "Mar" + " " * 200 + "21", "a\t " * 70]
    assert [line_kind(s) for s in lines] == [reference(s) for s in lines]
    assert line_kind("Mar" + " " * 200 + "21") == (True, False) and line_kind(" Subscribe ") == (False, True)


def test_a_cjk_abstract_is_counted_in_characters_not_spaces():
    from paperlake.parsing.normalize import abstract_junk_reason

    zh = "我们介绍了一个全面的专家级多学科基准，用于评估视频理解中的基础模型，涵盖四个核心学科的二十七个主题。"
    assert abstract_junk_reason(zh, "MMVU") is None
    assert abstract_junk_reason("见论文", "MMVU").startswith("junk abstract")


def test_an_author_list_ending_in_et_al_keeps_only_the_names():
    from paperlake.parsing.normalize import split_authors

    assert split_authors("Adam Fisch, Shubhendu Trivedi, Fantine Huot et al.") == [
        "Adam Fisch", "Shubhendu Trivedi", "Fantine Huot"]
    assert split_authors("Borui Kang, Jinrui Gu 等 6 位作者") == ["Borui Kang", "Jinrui Gu"]


def test_surname_initials_pairs_are_names_and_full_name_lists_split_as_before():
    from paperlake.parsing.normalize import split_authors

    # bioRxiv / PubMed: "Surname, Initials" pairs between commas (HeXuPKU/daily-paper-reader front matter)
    assert split_authors("Leyi, Z., Seiler, C., Speed, D.") == ["Z. Leyi", "C. Seiler", "D. Speed"]
    assert split_authors("Davuluri, R. V., Carrillo Barrera, P., Gelard, M., Cournede, P.-H.") == [
        "R. V. Davuluri", "P. Carrillo Barrera", "M. Gelard", "P.-H. Cournede"]
    assert split_authors("Shen, L.") == ["L. Shen"]
    # lists of full names, single letters or given names after a comma: not pairs
    assert split_authors("Ashish Vaswani, Noam Shazeer, Niki Parmar") == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert split_authors("A, B, C, D") == ["A", "B", "C", "D"]
    assert split_authors("Wang, Li, Chen, Yu") == ["Wang", "Li", "Chen", "Yu"]
    assert split_authors("Smith, John; Doe, Jane") == ["John Smith", "Jane Doe"]


def test_a_compact_date_with_a_plausible_year_month_and_day():
    import datetime as dt

    from paperlake.parsing.normalize import to_date

    assert to_date("20170612") == to_date(20170612) == to_date(20170612.0) == dt.date(2017, 6, 12)
    assert to_date("18991231") is None and to_date("20171332") is None  # year or day not plausible
    assert to_date(1497225600) == dt.date(2017, 6, 12)  # seconds since 1970 as before
    assert to_date(float("nan")) is None
