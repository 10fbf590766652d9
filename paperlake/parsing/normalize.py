"""Text normalisation helpers shared by all readers (pure functions, no I/O)."""

from __future__ import annotations

import datetime as dt
import html
import re

import polars as pl

_WS = re.compile(r"\s+")
_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.S)
_KNOWN_TAG = re.compile(
    r"</?(?:a|abbr|b|blockquote|br|code|dd|div|dl|dt|em|font|h[1-6]|hr|i|img|li|math|ol|p|pre|s|small"
    r"|span|strong|sub|sup|table|tbody|td|th|thead|tr|tt|u|ul|mi|mo|mn|mrow|msub|msup)(?:\s[^<>]*)?/?>",
    re.I,
)
_BR = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h[1-6])\b[^<>]*>", re.I)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CTRL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Hard-wrap hyphenation: "representa-\ntion" is a broken word, "large-\nscale" is a real hyphen.
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-[ \t]*\r?\n[ \t]*(?=[a-z])")
_SUFFIXES = frozenset(
    """tion tions sion sions ment ments ness nesses ity ities ing ings ed er ers est ally ly ive ives
    ively ous ously able ably ible ibly ence ences ance ances ize izes ized izing ization izations ise
    ises ised ising isation ism isms ist ists ure ures al als ic ics ical ically ent ents ant ants ate
    ates ated ating ation ations ory ories ful less ward wards ship ships hood dom ency ancy ular ings
    ional ionally cient ciency tive tively ture tures ular ularly""".split()
)


def _dehyphenate(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        start = m.start()
        j = start
        while j > 0 and text[j - 1].isalpha():
            j -= 1
        left = text[j:start]
        # left fragment must be a plain lowercase word part (not part of a compound)
        if j > 0 and text[j - 1] == "-":
            return "-"
        end = m.end()
        k = end
        while k < len(text) and text[k].isalpha():
            k += 1
        right = text[end:k]
        if len(left) >= 2 and left.islower() and right.islower() and right in _SUFFIXES:
            return ""
        return "-"

    return _HYPHEN_BREAK.sub(repl, text)


def strip_tags(text: str, *, known_only: bool = False) -> str:
    if "<" not in text:
        return text
    text = _BR.sub(" ", text)
    return (_KNOWN_TAG if known_only else _TAG).sub(" ", text)


def clean_text(value: object, *, html_content: bool = False) -> str | None:
    """Whitespace-collapse, join hard wraps, decode entities, strip tags, unescape `\\%`."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    text = value
    if "-" in text and "\n" in text:
        text = _dehyphenate(text)
    if html_content or ("<" in text and _KNOWN_TAG.search(text)):
        # decode entities only after tags are gone, so "&lt;b&gt;" stays literal text
        text = strip_tags(text, known_only=not html_content)
    if "&" in text:
        text = html.unescape(text)
    if "\\%" in text:
        text = text.replace("\\%", "%")
    out = collapse(text)
    # Zero-width and control characters are not printable: without them (the usual case),
    # removing them first changes nothing; control characters that are whitespace collapse alike.
    if not out.isprintable():
        out = collapse(_CTRL.sub(" ", _ZERO_WIDTH.sub("", text)))
    return out or None


# Whitespace other than single inner spaces (Python's str.split() whitespace is \s plus \x1c-\x1f).
IRREGULAR_SPACE = r"\s\s|[^\S ]|[\x1c-\x1f]|^\s|\s$"
# Anything clean_text would change: control / zero-width characters, markup, entities, "\\%",
# irregular whitespace.
_NEEDS_CLEANING = r"[\x00-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\u00ad<&]|\\%|" + IRREGULAR_SPACE


def clean_texts(values: list[str | None]) -> list[str | None]:
    """``[clean_text(v) for v in values]`` for strings: the values clean_text would leave as they
    are (most) are found in one vectorised pass, the rest are cleaned one by one."""
    needs = pl.Series(values, dtype=pl.String).str.contains(_NEEDS_CLEANING).fill_null(True).to_list()
    return [clean_text(v) if n else v or None for v, n in zip(values, needs)]


def collapse(text: str) -> str:
    """Collapse whitespace runs to one space (str.split() whitespace == regex \\s), ~6x faster than re.sub."""
    return " ".join(text.split())


# a Markdown table's delimiter row: "|---|:--:|", "--- | ---" (GFM: one dash or more per cell)
MD_TABLE_RULE = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")


# ---------------------------------------------------------------- arXiv ids, URLs

_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"\b([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b")
_ARXIV_URL = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|hf\.co/papers/|alphaxiv\.org/abs/|arxiv:\s*)"
    r"([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})",
    re.I,
)
_URL = re.compile(r"https?://[^\s<>\"'`\]\[{}|\\^]+", re.I)


# arXiv's DOIs: 10.48550/arXiv.2501.01234
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})(?:v\d+)?\b", re.I)


def arxiv_id_from(value: object) -> str | None:
    """Version-less arXiv id from an id, URL or text (None when not recognisable)."""
    if value is None:
        return None
    s = str(value).strip()
    if not s:
        return None
    m = _ARXIV_URL.search(s) or _ARXIV_DOI.search(s)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(?:arXiv:)?\s*(\d{4}\.\d{4,5})(?:v\d+)?", s, re.I)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(?:arXiv:)?\s*([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", s, re.I)
    if m:
        return m.group(1)
    return None


def urls_in(text: str | None) -> list[str]:
    if not text or "http" not in text:
        return []
    out = []
    for m in _URL.finditer(text):
        u = m.group(0).rstrip(".,;:!?)'\"")
        # balance a trailing ")" that belongs to the URL, e.g. wiki links
        if u.count("(") > u.count(")") and m.group(0)[len(u) : len(u) + 1] == ")":
            u += ")"
        if len(u) > 10:
            out.append(u)
    return out


def dedupe(items) -> list[str]:
    seen: dict[str, None] = {}
    for it in items:
        if it and isinstance(it, str):
            it = it.strip()
            if it and it not in seen:
                seen[it] = None
    return list(seen)


# ---------------------------------------------------------------- dates, ints

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MDY = re.compile(rf"^(?:[A-Za-z]{{3,9}},?\s+)?({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$", re.I)
_DMY = re.compile(rf"^(?:[A-Za-z]{{3,9}},?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE})\.?,?(?:\s+(\d{{4}}))?$", re.I)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def parse_date_text(
    text: str, reference_date: dt.date | None = None
) -> tuple[dt.date | None, bool]:
    """Parse a page date like "Mar 21", "March 21, 2024", "21 Mar 2024", "2024-03-21".

    Returns (date, inferred) where inferred is True when the year was resolved from
    `reference_date` (most recent such date on or before it).
    """
    s = collapse(text).strip(" .:")
    m = _ISO.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False
        except ValueError:
            return None, False
    m = _MDY.match(s)
    if m:
        mon, day, year = _MONTHS[m.group(1).lower()[:3] if m.group(1).lower()[:4] != "sept" else "sep"], m.group(2), m.group(3)
    else:
        m = _DMY.match(s)
        if not m:
            return None, False
        mon, day, year = _MONTHS[m.group(2).lower()[:3]], m.group(1), m.group(3)
    day_i = int(day)
    if year:
        try:
            return dt.date(int(year), mon, day_i), False
        except ValueError:
            return None, False
    ref = reference_date or dt.datetime.now(dt.timezone.utc).date()
    for y in range(ref.year, ref.year - 9, -1):
        try:
            d = dt.date(y, mon, day_i)
        except ValueError:
            continue
        if d <= ref:
            return d, True
    return None, False


# a date in a file name: 2024-03-21, 2024_03_21, 2024.03.21 or 20240321 (not inside a longer token)
_NAME_DATE = re.compile(r"(?<![\dA-Za-z])(20\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?![\dA-Za-z])")


def name_date(file_name: str) -> dt.date | None:
    """The last date written in a file name (a scraper's or an archive's naming), else None."""
    for m in reversed(list(_NAME_DATE.finditer(file_name.rsplit("/", 1)[-1]))):
        try:
            return dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            continue
    return None


def to_date(value: object) -> dt.date | None:
    """Date from ISO strings/timestamps/RFC-822 strings; None when unparseable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dict):  # CSL-JSON "issued": {"date-parts": [[2025, 1, 3]]} (a full date only)
        parts = (value.get("date-parts") or [[]])[0] if isinstance(value.get("date-parts"), list) else []
        try:
            return dt.date(*map(int, parts)) if len(parts) == 3 else None
        except (TypeError, ValueError):
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 20991231 and value == int(value) and (d := _compact_date(str(int(value)))):
            return d  # 20170612 (a YAML front matter's "date: 20170612"), not seconds since 1970
        try:
            v = float(value)
            if v > 1e11:  # milliseconds
                v /= 1000.0
            return dt.datetime.fromtimestamp(v, dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
    s = str(value).strip()
    if not s:
        return None
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if re.fullmatch(r"\d{8}", s):
        return _compact_date(s)
    try:
        from email.utils import parsedate_to_datetime

        d = parsedate_to_datetime(s)
        if d is not None:
            return d.date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    d, _ = parse_date_text(s)
    if d is not None and re.search(r"\d{4}", s):
        return d
    return None


def _compact_date(s: str) -> dt.date | None:
    """"20170612": a date written without separators, when its year (1900-2099), month and day are plausible."""
    if len(s) != 8 or not s.isdigit() or not 1900 <= int(s[:4]) <= 2099:
        return None
    try:
        return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None


def to_int(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(value) if abs(value) < 2**62 else None
    s = str(value).strip().replace(",", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kK])?", s)
    if not m:
        return None
    n = float(m.group(1)) * (1000 if m.group(2) else 1)
    return int(n)


_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.")  # "A. One" is a name, not a surname before "Last, First"
_INITIALS = re.compile(r"[A-Z]\.?(?:[ -]?[A-Z]\.?){0,3}")  # "I.", "R. V.", "J.-P.", "Z"
_NAME_PART = re.compile(r"(?!.*\band\b)[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,3}")  # 1-4 words, no "&"/"and"


def split_authors(value: object) -> list[str] | None:
    """Authors from a list (of str or {name}/{user} dicts) or a comma/`and` separated string."""
    if value is None:
        return None
    names: list[str] = []
    if isinstance(value, (list, tuple)):
        for a in value:
            if isinstance(a, dict):
                n = a.get("name") or a.get("fullname") or a.get("display_name") or a.get("author")
                if isinstance(n, dict):  # OpenAlex authorships: {"author": {"display_name": ...}}
                    n = n.get("name") or n.get("fullname") or n.get("display_name")
                if n is None and (a.get("family") or a.get("given")):  # CSL-JSON
                    n = f"{a.get('given') or ''} {a.get('family') or ''}"
                if n is None and isinstance(a.get("user"), dict):
                    n = a["user"].get("fullname") or a["user"].get("name")
            else:
                n = a
            if isinstance(n, str):
                c = clean_text(n)
                if c:
                    names.append(c)
        return names or None
    if isinstance(value, str):
        s = clean_text(value) or ""
        s = re.sub(r"\(\s*\d+\s*(?:,\s*\d+\s*)*\)", "", s)  # affiliation markers "(1, 2)"
        s = re.sub(r"\s*\([^()]*\)", "", s) if s.count("(") <= 20 else s
        s = MORE_AUTHORS.sub("", s)  # "..., Fantine Huot et al.", "... 等 8 位作者"
        inverted = [p.split(",") for p in s.split(";")]
        if len(inverted) > 1 and all(len(p) == 2 and all(_NAME_PART.fullmatch(x.strip()) for x in p)
                                     and not _INITIAL.search(p[0]) for p in inverted):
            # "Last, First; Last, First" (Zotero, Web of Science exports)
            return [f"{first.strip()} {last.strip()}" for last, first in inverted]
        pairs = re.split(r"\s*,\s*(?:and\s+)?", s.strip(" ,"))
        if len(pairs) % 2 == 0 and all(_NAME_PART.fullmatch(last) and not _INITIALS.fullmatch(last)
                                       and _INITIALS.fullmatch(first) for last, first in zip(pairs[::2], pairs[1::2])):
            # "Buralkin, I., Chen, H." (bioRxiv, PubMed): "Surname, Initials" pairs between commas
            return [f"{first} {last}" for last, first in zip(pairs[::2], pairs[1::2])]
        parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*", s)
        names = [p.strip(" .") for p in parts if p and p.strip(" .")]
        return names or None
    return None


MORE_AUTHORS = re.compile(r"\s*(?:\bet\.?\s*al\b\.?|等\s*\d*\s*(?:位|名)?\s*作者|等人|等)\s*$")
# kana, CJK ideographs and Hangul: the letters of scripts written without spaces between words
CJK_LETTERS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_CJK_CHAR = re.compile(f"[{CJK_LETTERS}]")
_CJK_TEXT = re.compile(f"[\u3000-\u303f{CJK_LETTERS}\uff00-\uffef]")  # also CJK symbols and full-width forms


def mostly_cjk(s: str) -> bool:
    """More than 30% of the letters are CJK: a Chinese / Japanese / Korean text (a digest's translation
    of an English abstract, as feeds and notes put it beside the original)."""
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return False
    return sum(1 for c in letters if _CJK_TEXT.match(c)) > 0.3 * len(letters)


def abstract_junk_reason(abstract: str | None, title: str | None = None, *, markers: bool = True) -> str | None:
    """Why an 'abstract' looks like junk (bot message, comment, too short), else None.

    :func:`abstract_junk_reasons` passes markers=False when none of the bot/page-text markers occurs
    (looked up for many abstracts at once)."""
    if abstract is None:
        return "missing abstract"
    a = abstract.strip()
    # n = the word count when it is 12 or less (13 means more), all that the rules below need but the title
    # comparison: splitting off the first 12 words costs far less than splitting a whole abstract
    n = len(a.split(None, 12))
    if title:
        title_words = len(title.split())
        words = n if n <= 12 else len(a.split()) if title_words > 12 else None
        # (equal word counts first: collapse/lower keep them, and the comparison is rarely needed)
        if words == title_words and collapse(a).lower() == collapse(title).lower():
            return "abstract repeats the title"
    low = a.lower()
    if markers:
        for mk in _BOT_MARKERS:
            if mk in low:
                return f"junk abstract (bot/page text: {mk!r})"
    # Chinese / Japanese / Korean: no spaces between words (~2 characters each, ~3 Latin letters' worth)
    cjk = len(_CJK_CHAR.findall(a, 0, 200)) if n < 13 else 0
    n = min(13, n + cjk // 2)
    if n < 5:
        return f"junk abstract (only {n} words)"
    if re.match(r"^(?:tl;?dr|project page|project repo|code|paper|github|demo|website|repo)\s*:|^our work focuses on\b", low):
        return "looks like a comment, not the abstract"
    if n < 12 or len(a) < (30 if cjk else 80):
        return f"abstract too short ({n if n <= 12 or cjk else len(a.split())} words)"
    return None


def abstract_junk_reasons(abstracts: list[str | None], titles: list[str | None]) -> list[str | None]:
    """:func:`abstract_junk_reason` of many abstracts: the bot/page-text markers are looked up for all
    of them at once (Aho-Corasick), the rest per abstract."""
    if not abstracts:
        return []
    series = pl.Series("a", abstracts, dtype=pl.String)
    maybe = series.str.to_lowercase().str.contains_any(list(_BOT_MARKERS)).fill_null(False).to_list()
    return [abstract_junk_reason(a, t, markers=m) for a, t, m in zip(abstracts, titles, maybe)]


_BOT_MARKERS = (
    "this is an automated message",
    "librarian bot",
    "i found the following papers similar",
    "the following papers were recommended",
    "recommended by the semantic scholar api",
    "please give a thumbs up",
    "@librarian-bot",
    "you can directly ask",
    "join the discussion",
    "sign up or log in to comment",
    "arxiv explained breakdown",
    "arxivexplained",
    "models citing this paper",
    "datasets citing this paper",
    "spaces citing this paper",
    "collections including this paper",
    "no abstract available",
    "abstract not available",
    "abstract not found",
    "page not found",
    "access denied",
    "enable javascript",
)


_TEX_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "c": "\u0327", "v": "\u030c", "=": "\u0304", ".": "\u0307", "u": "\u0306", "H": "\u030b",
}


# letters TeX writes as control words: {\AA}, \o{}, {\ss}, \l (a following space or {} ends the word)
TEX_LETTERS = {"AA": "Å", "aa": "å", "AE": "Æ", "ae": "æ", "OE": "Œ", "oe": "œ", "O": "Ø", "o": "ø", "L": "Ł", "l": "ł",
               "ss": "ß", "i": "ı", "j": "ȷ"}
_TEX_LETTER = re.compile(r"\\(AA|aa|AE|ae|OE|oe|ss|O|o|L|l|i|j)(?![A-Za-z])(?:\{\}| )?")


def tex_accents(s: str) -> str:
    """Zolt\\'an -> Zoltán, Ad\\`ele -> Adèle, {\\AA}gren -> Ågren (TeX accents and letters in author lists)."""
    import unicodedata

    def repl(m: re.Match[str]) -> str:
        acc, ch = m.group(1), m.group(2) or m.group(3)
        comb = _TEX_ACCENTS.get(acc)
        if not comb or not ch:
            return m.group(0)
        return unicodedata.normalize("NFC", ch + comb)

    s = re.sub(r"\\([\'`^\"~=.]|[cvuH](?=[{ ]))\s*(?:\{\\?([A-Za-z])\}|\\?([A-Za-z]))", repl, s)
    s = _TEX_LETTER.sub(lambda m: TEX_LETTERS[m.group(1)], s)
    return s.replace("{", "").replace("}", "")
