"""Per-line features for the learned chrome model (:mod:`dedup.clean.model`).

:func:`line_features` turns one document's lines into a float32 matrix, one
row per line, one column per name in :data:`FEATURE_NAMES`. Every feature
depends only on the document's own lines (no corpus statistics), so a line
scores the same wherever the document is processed.

It runs on every document, so the work is done per document, not per
character or per token in Python:

- character kinds (space, upper, lower, digit, punctuation, pipe, comma,
  quote, sentence end, colon, ©) come from a code-point table built once at
  import; one ``np.bincount`` over (line, word start, next is space, kind)
  gives every per-line character count at once;
- wording is matched on UTF-8 bytes: one ``bytes.translate`` lower-cases
  ASCII and turns ASCII punctuation into spaces, then the first 16 tokens of
  each line are intersected with a frozen set of trigger words (a phrase is
  looked for only in lines of at most 40 words that hold its longest word);
- links, handles, dates and times are looked for with a regex only in the
  lines that can hold them, found by a character test (a "." followed by a
  lower-case letter; "@" or "#"; digits in a line of at most 12 words).

Rows that are mostly zero are written in place where not zero; the rest are
filled a row at a time. About 0.2 ms of the cost is fixed per call, so
:func:`documents_features` does many documents in one pass: on 10-line
generated texts, 32 at a time cost 0.10 ms each instead of 0.29 ms.

The feature names are part of the model file's contract: the model loader
refuses a model whose names differ from :data:`FEATURE_NAMES`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

# --- wording lexicons -------------------------------------------------------
# Terms are matched as whole tokens of the lower-cased line, after ASCII
# punctuation became spaces (so "Share:" and "(Photo" match, and "sign-in"
# matches "sign in"); a phrase matches its tokens in a row. Each category
# becomes one feature: how many of its distinct terms the line contains.
# Case folding is ASCII-only (it works on UTF-8 bytes), so non-ASCII terms
# are given in lower case and match lines written in lower or title case.
LEXICON: dict[str, tuple[str, ...]] = {
    "social": (
        "share",
        "shares",
        "share this",
        "share on",
        "share via",
        "shared",
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
        "pinterest",
        "reddit",
        "telegram",
        "instagram",
        "youtube",
        "tiktok",
        "threads",
        "bluesky",
        "flipboard",
        "follow us",
        "follow me",
        "follow on",
        "like us",
        "copy link",
        "link copied",
        "email this",
        "tweet",
        "pin it",
        "compartilhe",
        "teilen",
        "condividi",
        "partager",
        "compartir",
    ),
    "subscribe": (
        "subscribe",
        "subscribed",
        "subscribing",
        "subscriber",
        "subscribers",
        "subscription",
        "subscriptions",
        "sign up",
        "signing up",
        "sign in",
        "signup",
        "log in",
        "login",
        "logged in",
        "register",
        "registration",
        "create an account",
        "create account",
        "newsletter",
        "newsletters",
        "inbox",
        "mailing list",
        "download the app",
        "download our app",
        "get the app",
        "app store",
        "google play",
        "notifications",
        "alerts",
        "free trial",
        "unlock",
        "premium",
        "membership",
        "become a member",
        "members only",
        "support our journalism",
        "support us",
        "donate",
        "paywall",
        "assine",
        "abonnieren",
        "abonnez",
        "iscriviti",
        "suscríbete",
    ),
    "related": (
        "related",
        "read more",
        "read also",
        "also read",
        "read next",
        "see also",
        "see more",
        "more from",
        "more stories",
        "more news",
        "more on",
        "most read",
        "most popular",
        "popular",
        "trending",
        "recommended",
        "you may also like",
        "you might also like",
        "you may like",
        "also on",
        "next article",
        "previous article",
        "next post",
        "previous post",
        "next story",
        "up next",
        "click here",
        "learn more",
        "find out more",
        "continue reading",
        "keep reading",
        "read the full",
        "read full",
        "full story",
        "leia também",
        "leia mais",
        "veja também",
        "saiba mais",
        "lesen sie auch",
        "lesen sie mehr",
        "mehr zum thema",
        "weiterlesen",
        "leggi anche",
        "leggi di più",
        "lire aussi",
        "à lire aussi",
        "lire la suite",
        "lee también",
        "lea también",
        "ver también",
        "más información",
        "lees ook",
        "zie ook",
        "czytaj też",
        "читайте также",
    ),
    "comment": (
        "comment",
        "comments",
        "commenting",
        "leave a comment",
        "leave a reply",
        "post a comment",
        "add a comment",
        "cancel reply",
        "reply",
        "replies",
        "join the discussion",
        "join the conversation",
        "email address will not be published",
        "required fields",
        "are marked",
        "comentários",
        "kommentare",
        "commenti",
        "commentaires",
        "comentarios",
    ),
    "legal": (
        "copyright",
        "©",
        "all rights reserved",
        "rights reserved",
        "terms of use",
        "terms of service",
        "terms and conditions",
        "privacy policy",
        "privacy",
        "cookie",
        "cookies",
        "disclaimer",
        "affiliate",
        "affiliate links",
        "commission",
        "trademark",
        "trademarks",
        "registered trademark",
        "may not be reproduced",
        "may not be published",
        "redistributed",
        "rewritten",
        "without permission",
        "without prior written",
        "reproduction",
        "licensed under",
        "creative commons",
        "todos os direitos reservados",
        "alle rechte vorbehalten",
        "tutti i diritti riservati",
        "tous droits réservés",
        "todos los derechos reservados",
    ),
    "ad": (
        "advertisement",
        "advertisements",
        "advertising",
        "advertise",
        "advertiser",
        "sponsored",
        "sponsor",
        "promoted",
        "partner content",
        "paid content",
        "paid post",
        "ad",
        "ads",
        "anzeige",
        "publicidade",
        "publicidad",
        "pubblicità",
        "publicité",
    ),
    "nav": (
        "home",
        "homepage",
        "menu",
        "search",
        "skip to",
        "skip to content",
        "scroll to top",
        "back to top",
        "go to top",
        "tags",
        "tagged",
        "topics",
        "filed under",
        "categories",
        "category",
        "print",
        "close",
        "loading",
        "toggle",
        "previous",
        "next",
        "contact us",
        "about us",
        "sitemap",
        "site map",
        "faq",
        "careers",
        "help center",
    ),
    "media": (
        "photo",
        "photos",
        "photograph",
        "photographs",
        "photographer",
        "image",
        "images",
        "picture",
        "pictures",
        "pictured",
        "credit",
        "credits",
        "getty",
        "getty images",
        "shutterstock",
        "istock",
        "file photo",
        "illustration",
        "caption",
        "courtesy",
        "gallery",
        "video",
        "videos",
        "watch",
        "listen",
        "podcast",
        "foto",
        "bild",
    ),
    "meta": (
        "min read",
        "mins read",
        "minute read",
        "minutes read",
        "reading time",
        "read time",
        "tempo de leitura",
        "lesezeit",
        "updated",
        "last updated",
        "published",
        "posted",
        "posted on",
        "posted by",
        "written by",
        "author",
        "authors",
        "editor",
        "edited by",
        "reviewed by",
        "fact checked",
        "reporting by",
        "writing by",
        "editing by",
        "staff writer",
        "contributor",
        "correspondent",
        "ago",
        "views",
        "byline",
    ),
}

_MONTHS = (
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
)
_LEX_CATEGORIES = tuple(LEXICON)
_N_LEX = len(_LEX_CATEGORIES)
_RELATED = _LEX_CATEGORIES.index("related")


def _build_lexicon() -> tuple[dict[bytes, int], dict[bytes, tuple[tuple[bytes, int], ...]]]:
    """Single-token terms (token -> category), and phrases keyed by their longest token.

    The longest token is the likeliest to be rare, so common words ("are",
    "all", "more") do not make every line check its phrases.
    """
    single: dict[bytes, int] = {}
    phrases: dict[bytes, list[tuple[bytes, int]]] = {}
    for index, category in enumerate(_LEX_CATEGORIES):
        for term in LEXICON[category]:
            tokens = term.encode("utf-8").translate(_FOLD).split()
            if len(tokens) == 1:
                single.setdefault(tokens[0], index)
            elif tokens:
                key = max(reversed(tokens), key=len)
                phrases.setdefault(key, []).append((b" " + b" ".join(tokens) + b" ", index))
    return single, {first: tuple(group) for first, group in phrases.items()}


def _fold_table() -> bytes:
    table = bytearray(range(256))
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for code in b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\r\x0b\x0c":
        table[code] = 32
    return bytes(table)


_FOLD = _fold_table()
_SINGLE, _PHRASES = _build_lexicon()
_MONTH_TOKENS = frozenset(m.encode() for m in _MONTHS)
_ANY_TERM = frozenset(_SINGLE) | frozenset(_PHRASES) | _MONTH_TOKENS
# No leading \b: a pattern that starts with a character class lets ``re`` skip ahead fast.
_TIME = re.compile(r"\d{1,2}:\d{2}(?!\d)")
_NUMERIC_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?!\d)")
_PHRASE_MAX_WORDS = 40  # phrases are looked for in lines up to this long (chrome is short)
_LEX_MAX_TOKENS = 16  # wording is looked for in the first 16 tokens of a line
_LINK = re.compile(
    r"https?://|\bwww\.|\b[\w-]+\.(?:com|org|net|co\.uk|io|gov|edu|info|news|tv)\b",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.])@\w{2,}|(?<![\w&])#[^\W\d]\w+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.\w[\w.]*")
_BY = re.compile(r"(?:by|por|von|di|par|door)\s+[^\W\d_]", re.IGNORECASE)
_LABEL = re.compile(
    "[^\\W\\d][\\w'\u2019 ]{0,30}:(?:\\s|$)"
)  # "Related: ...", "Photo: ...", "Tags:"
_BY_INITIALS = np.zeros(0x10000, dtype=bool)
_BY_INITIALS[[ord(c) for c in "BbPpVvDd"]] = True
_DATE_MAX_WORDS = 12  # a date or time in a longer line is part of its text
_LINK_HINT = re.compile(r"\.(?:org|net|gov|edu|io|news|tv)\b")

# --- character kinds ----------------------------------------------------------
(
    _SPACE,
    _UPPER,
    _LOWER,
    _LETTER,
    _DIGIT,
    _PUNCT,
    _PIPE,
    _COMMA,
    _QUOTE,
    _SENT_END,
    _COLON,
    _COPYRIGHT,
) = range(12)
_KINDS = 12
_SPECIAL = {
    "|": _PIPE,
    "¦": _PIPE,
    ",": _COMMA,
    "\uff0c": _COMMA,  # fullwidth comma
    "、": _COMMA,
    '"': _QUOTE,
    "“": _QUOTE,
    "”": _QUOTE,
    "«": _QUOTE,
    "»": _QUOTE,
    "„": _QUOTE,
    ".": _SENT_END,
    "!": _SENT_END,
    "?": _SENT_END,
    "…": _SENT_END,
    "。": _SENT_END,
    "\uff01": _SENT_END,  # fullwidth !
    "\uff1f": _SENT_END,  # fullwidth ?
    ":": _COLON,
    "\uff1a": _COLON,  # fullwidth colon
    "©": _COPYRIGHT,
}
_CLOSERS = "\"'\u201d\u2019\u00bb)]\u203a*"
_BULLETS = "-\u2013\u2014•·*►▶▸>»\u203a✓✔→◦▪●■□|"
_IS_CLOSER = np.zeros(0x10000, dtype=bool)
_IS_CLOSER[[ord(c) for c in _CLOSERS]] = True
_IS_BULLET = np.zeros(0x10000, dtype=bool)
_IS_BULLET[[ord(c) for c in _BULLETS]] = True


def _kind_table() -> np.ndarray:
    table = bytearray(0x10000)
    for code in range(0x10000):
        char = chr(code)
        if char in _SPECIAL:
            table[code] = _SPECIAL[char]
        elif char.isspace():
            table[code] = _SPACE
        elif char.isalpha():
            table[code] = _UPPER if char.isupper() else _LOWER if char.islower() else _LETTER
        elif char.isdigit() or char.isnumeric():
            table[code] = _DIGIT
        else:
            table[code] = _PUNCT
    return np.frombuffer(bytes(table), dtype=np.uint8)


_KIND_TABLE = _kind_table()

# --- feature names ------------------------------------------------------------
FEATURE_NAMES: tuple[str, ...] = (
    "pos_rel",
    "pos_first",
    "pos_last",
    "pos_from_start_capped",
    "pos_from_end_capped",
    "words_before_frac",
    "prose_before_frac",
    "prose_after_frac",
    "words_log",
    "chars_log",
    "mean_word_len",
    "ends_sentence",
    "ends_colon",
    "ends_other_punct",
    "sentence_marks_log",
    "punct_ratio",
    "digit_ratio",
    "upper_ratio",
    "title_ratio",
    "all_caps",
    "comma_per_word",
    "has_quote",
    "has_copyright_sign",
    *(f"lex_{category}" for category in _LEX_CATEGORIES),
    "lex_total_per_word",
    "lex_at_start",
    "related_at_start",
    "n_link",
    "n_handle",
    "n_email",
    "date_like",
    "time_like",
    "starts_by",
    "starts_bullet",
    "bullet_block_log",
    "starts_digit",
    "starts_label",
    "pipes",
    "headline_like",
    "headline_run_after_log",
    "headline_run_before_log",
    "dup_in_doc",
    "prev_words_log",
    "next_words_log",
    "prev_ends_sentence",
    "next_ends_sentence",
    "prev_lex",
    "next_lex",
)

# Per-line counts from the (word start, followed by space, kind) cells: column j of
# this matrix marks the cells that count toward the j-th count.
_CELLS = 4 * _KINDS


def _count_matrix() -> np.ndarray:
    cell_kind = np.arange(_CELLS) % _KINDS
    followed_by_space = (np.arange(_CELLS) // _KINDS) % 2 == 1
    at_word_start = np.arange(_CELLS) // (2 * _KINDS) == 1
    visible = cell_kind != _SPACE
    return np.stack(
        [
            at_word_start & visible,  # words
            at_word_start & (cell_kind == _UPPER),  # title-case words
            followed_by_space & (cell_kind == _SENT_END),  # sentence marks
            cell_kind == _UPPER,
            (cell_kind == _UPPER) | (cell_kind == _LOWER) | (cell_kind == _LETTER),
            cell_kind == _DIGIT,
            visible,
            cell_kind >= _PUNCT,  # punctuation and symbols, including the special ones
            cell_kind == _COMMA,
            cell_kind == _QUOTE,
            cell_kind == _PIPE,
            cell_kind == _COPYRIGHT,
            cell_kind == _COLON,
        ],
        axis=1,
    ).astype(np.float64)


_COUNT_MATRIX = _count_matrix()
(
    _C_WORDS,
    _C_TITLE,
    _C_MARKS,
    _C_UPPER,
    _C_LETTERS,
    _C_DIGITS,
    _C_VISIBLE,
    _C_PUNCT,
    _C_COMMA,
    _C_QUOTE,
    _C_PIPE,
    _C_COPYRIGHT,
    _C_COLON,
) = range(_COUNT_MATRIX.shape[1])
_MAX_MATCHES = 5

# Row (feature) indexes of the output, by name.
_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}
_ROW_LEX = _COL[f"lex_{_LEX_CATEGORIES[0]}"]
_R_OPENING = _COL["lex_at_start"]
_R_RELATED_OPENING = _COL["related_at_start"]
_R_DATE = _COL["date_like"]
_R_TIME = _COL["time_like"]
_R_LINK = _COL["n_link"]
_R_EMAIL = _COL["n_email"]
_R_HANDLE = _COL["n_handle"]
_R_BY = _COL["starts_by"]
_R_LABEL = _COL["starts_label"]
_R_DUP = _COL["dup_in_doc"]
_R_ENDS_SENTENCE = _COL["ends_sentence"]
_R_ENDS_COLON = _COL["ends_colon"]
_R_ENDS_OTHER = _COL["ends_other_punct"]
_R_ALL_CAPS = _COL["all_caps"]
_R_QUOTE = _COL["has_quote"]
_R_COPYRIGHT = _COL["has_copyright_sign"]
_R_BULLET = _COL["starts_bullet"]
_R_DIGIT_START = _COL["starts_digit"]
_R_HEADLINE = _COL["headline_like"]
_R_LEX_PER_WORD = _COL["lex_total_per_word"]
_R_PIPES = _COL["pipes"]
_R_POS_REL = _COL["pos_rel"]
_R_FIRST = _COL["pos_first"]
_R_LAST = _COL["pos_last"]
_R_WORDS_BEFORE = _COL["words_before_frac"]
_R_PROSE_BEFORE = _COL["prose_before_frac"]
_R_PROSE_AFTER = _COL["prose_after_frac"]
_R_PREV_WORDS = _COL["prev_words_log"]
_R_NEXT_WORDS = _COL["next_words_log"]
_R_PREV_SENTENCE = _COL["prev_ends_sentence"]
_R_NEXT_SENTENCE = _COL["next_ends_sentence"]
_R_PREV_LEX = _COL["prev_lex"]
_R_NEXT_LEX = _COL["next_lex"]
_ROWS_LOG = [
    _COL[name]
    for name in (
        "pos_from_start_capped",
        "pos_from_end_capped",
        "words_log",
        "chars_log",
        "sentence_marks_log",
        "bullet_block_log",
        "headline_run_after_log",
        "headline_run_before_log",
    )
]
# ratio = min(numerator / max(denominator, 1), cap)
_RATIOS = {
    "mean_word_len": (_C_VISIBLE, _C_WORDS, 30.0),
    "punct_ratio": (_C_PUNCT, _C_VISIBLE, 1.0),
    "digit_ratio": (_C_DIGITS, _C_VISIBLE, 1.0),
    "upper_ratio": (_C_UPPER, _C_LETTERS, 1.0),
    "title_ratio": (_C_TITLE, _C_WORDS, 1.0),
    "comma_per_word": (_C_COMMA, _C_WORDS, 2.0),
}
_ROWS_RATIO = [_COL[name] for name in _RATIOS]
_RATIO_NUMERATORS = [numerator for numerator, _, _ in _RATIOS.values()]
_RATIO_DENOMINATORS = [denominator for _, denominator, _ in _RATIOS.values()]
_RATIO_CAPS = np.array([cap for _, _, cap in _RATIOS.values()])
_PROSE_MIN_WORDS = 12
# Line counts from either end are capped: near an end they matter ("the last three
# lines"); far from both, an absolute position says more about one site than about chrome.
_POS_CAP = 10


class LineTable(NamedTuple):
    """Features of the lines of one or more documents, stacked in order."""

    features: np.ndarray  # (lines, len(FEATURE_NAMES)) float32
    words: list[int]  # words per line, as ``len(line.split())`` counts them


def line_features(lines: Sequence[str]) -> np.ndarray:
    """The feature matrix of one document: ``(len(lines), len(FEATURE_NAMES))`` float32."""
    return documents_features([lines]).features


def documents_features(docs: Sequence[Sequence[str]]) -> LineTable:
    """The feature rows of several documents, stacked in order, each as :func:`line_features` gives.

    One numpy pass serves all of them, so the fixed cost of a call is paid
    once for a batch of short texts; positions, neighbours and repeats are
    still counted within each document only.
    """
    sizes = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    lines = [line for doc in docs for line in doc]
    n = len(lines)
    if n == 0:
        return LineTable(np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32), [])
    text = "\n".join(lines)
    if text.count("\n") != n - 1:  # a line with a line break in it: make it one line
        lines = [line.replace("\n", " ") for line in lines]
        text = "\n".join(lines)
    doc = _Layout(sizes)
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    ends = starts + lengths
    nonempty = lengths > 0

    # Character kinds, counted per line as (word start, followed by space, kind) cells;
    # one matrix product turns the cell counts into every count used below.
    codes = np.frombuffer((text + "\n").encode("utf-32-le", "surrogatepass"), dtype="<u4")
    bmp = np.minimum(codes, 0xFFFF)
    kinds = _KIND_TABLE.take(bmp)
    if codes.max() > 0xFFFF:  # astral planes: CJK extensions are letters, the rest symbols
        high = codes > 0xFFFF
        kinds = kinds.copy()
        kinds[high] = np.where((codes[high] >= 0x20000) & (codes[high] < 0x40000), _LETTER, _PUNCT)
    space = kinds == _SPACE
    code = kinds + space.view(np.uint8) * np.uint8(_KINDS)
    code[:-1] = kinds[:-1] + (code[1:] - kinds[1:])  # now: followed by a space
    code[-1] = kinds[-1] + _KINDS  # the padding line break ends the text
    word_start = ~space
    word_start[1:] &= space[:-1]
    code += word_start.view(np.uint8) * np.uint8(2 * _KINDS)
    cell = np.repeat(np.arange(0, n * _CELLS, _CELLS), lengths + 1)  # line * _CELLS, per char
    cell += code
    cells = np.bincount(cell, minlength=n * _CELLS).reshape(n, _CELLS)
    counts = cells @ _COUNT_MATRIX
    words, upper, letters, digits = (
        counts[:, c] for c in (_C_WORDS, _C_UPPER, _C_LETTERS, _C_DIGITS)
    )

    # The last character, looking through one closing quote or bracket; the first one.
    last_at = np.maximum(ends - 1, 0)
    last_at -= _IS_CLOSER.take(bmp[last_at]) & (lengths >= 2)
    last_kind = np.where(nonempty, kinds[last_at], _SPACE)
    first = bmp[starts]
    ends_sentence = last_kind == _SENT_END
    ends_colon = last_kind == _COLON

    # Rows that are mostly zero are filled in place, line by line, where not zero.
    out = np.zeros((len(FEATURE_NAMES), n), dtype=np.float32)

    # Wording: tokens of the folded UTF-8 bytes, intersected with the lexicon.
    short = (words <= _PHRASE_MAX_WORDS).tolist()
    has_digits = (digits > 0).tolist()
    folded = (b" " + text.encode("utf-8", "surrogatepass") + b" ").translate(_FOLD)
    counted = [0] * (_N_LEX * n)  # [category * n + line]: distinct terms found
    opening: dict[int, int] = {}  # line -> bit c set: a term of category c opens it
    for i, line in enumerate(folded.replace(b"\n", b" \n ").split(b"\n")):
        tokens = line.split(None, _LEX_MAX_TOKENS)  # wording that matters comes early
        hits = _ANY_TERM.intersection(tokens)
        if not hits:
            continue
        for token in hits:
            category = _SINGLE.get(token)
            if category is not None:
                counted[category * n + i] += 1
                if token == tokens[0]:
                    opening[i] = opening.get(i, 0) | 1 << category
            if short[i]:
                for phrase, category in _PHRASES.get(token, ()):
                    if phrase in line:
                        counted[category * n + i] += 1
                        if line.lstrip().startswith(phrase[1:]):
                            opening[i] = opening.get(i, 0) | 1 << category
                if has_digits[i] and token in _MONTH_TOKENS:
                    out[_R_DATE, i] = 1.0
    lex = np.array(counted, dtype=np.float64).reshape(_N_LEX, n)
    lex_total = lex.sum(axis=0)
    out[_ROW_LEX : _ROW_LEX + _N_LEX] = np.minimum(lex, 5.0)
    for i, bits in opening.items():
        out[_R_OPENING, i] = 1.0
        out[_R_RELATED_OPENING, i] = bits >> _RELATED & 1

    # Rarer patterns: candidate lines from a character test, then a regex on those only.
    dot_word = (bmp[:-1] == 0x2E) & (kinds[1:] == _LOWER)  # every URL has one: "x.com"
    for i in np.unique(cell[:-1][dot_word] // _CELLS).tolist():
        line = lines[i]
        if ".co" in line or "://" in line or "www." in line or _LINK_HINT.search(line):
            out[_R_LINK, i] = min(len(_LINK.findall(line)), _MAX_MATCHES)
    if "@" in text or "#" in text:
        for i in np.unique(cell[(bmp == 0x40) | (bmp == 0x23)] // _CELLS).tolist():
            out[_R_EMAIL, i] = min(len(_EMAIL.findall(lines[i])), _MAX_MATCHES)
            out[_R_HANDLE, i] = min(len(_HANDLE.findall(lines[i])), _MAX_MATCHES)
    for i in np.flatnonzero((digits > 0) & (words <= _DATE_MAX_WORDS)).tolist():
        line = lines[i]
        if _NUMERIC_DATE.search(line):
            out[_R_DATE, i] = 1.0
        if ":" in line and _TIME.search(line):
            out[_R_TIME, i] = 1.0
    for i in np.flatnonzero(_BY_INITIALS.take(first) & nonempty).tolist():
        if _BY.match(lines[i]):
            out[_R_BY, i] = 1.0
    for i in np.flatnonzero(counts[:, _C_COLON]).tolist():
        if _LABEL.match(lines[i]):
            out[_R_LABEL, i] = 1.0
    for i in _repeated_in_doc(lines, doc):
        out[_R_DUP, i] = 1.0

    # Dense rows.
    headline = (words >= 3) & (words <= 20) & ~ends_sentence & ~ends_colon
    bullet = _IS_BULLET.take(first) & nonempty
    out[_R_ENDS_SENTENCE] = ends_sentence
    out[_R_ENDS_COLON] = ends_colon
    out[_R_ENDS_OTHER] = (last_kind >= _PUNCT) & ~ends_sentence & ~ends_colon
    out[_R_ALL_CAPS] = (letters >= 4) & (upper >= 0.8 * letters)
    out[_R_QUOTE] = counts[:, _C_QUOTE] > 0
    out[_R_COPYRIGHT] = counts[:, _C_COPYRIGHT] > 0
    out[_R_BULLET] = bullet
    out[_R_DIGIT_START] = (kinds[starts] == _DIGIT) & nonempty
    out[_R_HEADLINE] = headline
    index = doc.index.astype(np.float64)
    logs = np.empty((len(_ROWS_LOG), n))
    np.minimum(index, _POS_CAP, out=logs[0])  # pos_from_start_capped
    np.minimum(doc.to_end, _POS_CAP, out=logs[1])  # pos_from_end_capped
    logs[2] = words  # words_log
    logs[3] = lengths  # chars_log
    logs[4] = counts[:, _C_MARKS]  # sentence_marks_log
    bullets_before, bullets_after = doc.runs(bullet)
    logs[5] = np.where(bullet, bullets_before + 1 + bullets_after, 0)  # bullet_block_log
    headlines_before, headlines_after = doc.runs(headline)
    logs[6] = headlines_after  # headline_run_after_log
    logs[7] = headlines_before  # headline_run_before_log
    out[_ROWS_LOG] = np.log1p(logs, out=logs)
    ratios = counts[:, _RATIO_NUMERATORS] / np.maximum(counts[:, _RATIO_DENOMINATORS], 1.0)
    out[_ROWS_RATIO] = np.minimum(ratios, _RATIO_CAPS).T
    out[_R_LEX_PER_WORD] = np.minimum(lex_total / np.maximum(words, 1.0), 2.0)
    out[_R_PIPES] = np.minimum(counts[:, _C_PIPE], 10.0)

    total_words = np.maximum(doc.total(words), 1.0)
    prose = words * ((words >= _PROSE_MIN_WORDS) & ends_sentence)
    prose_sum = doc.total(prose)
    prose_total = np.maximum(prose_sum, 1.0)
    prose_cum = doc.cumsum(prose)
    out[_R_POS_REL] = index / np.maximum(doc.size - 1, 1)
    out[_R_FIRST] = doc.first
    out[_R_LAST] = doc.last
    out[_R_WORDS_BEFORE] = (doc.cumsum(words) - words) / total_words
    out[_R_PROSE_BEFORE] = (prose_cum - prose) / prose_total
    out[_R_PROSE_AFTER] = (prose_sum - prose_cum) / prose_total

    # Neighbours, within the document: the previous and next line's length,
    # sentence end and wording.
    words_log = logs[2]
    lex_any = np.minimum(lex_total, 1.0)
    for row, values in (
        (_R_PREV_WORDS, words_log),
        (_R_PREV_SENTENCE, ends_sentence),
        (_R_PREV_LEX, lex_any),
    ):
        out[row, 1:] = values[:-1]
        out[row, doc.first] = 0.0
    for row, values in (
        (_R_NEXT_WORDS, words_log),
        (_R_NEXT_SENTENCE, ends_sentence),
        (_R_NEXT_LEX, lex_any),
    ):
        out[row, :-1] = values[1:]
        out[row, doc.last] = 0.0
    return LineTable(out.T.copy(), words.astype(np.int64).tolist())


class _Layout:
    """Where each line sits in its document, for lines of several documents stacked together."""

    def __init__(self, sizes: np.ndarray) -> None:
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        self.doc = np.repeat(np.arange(len(sizes)), sizes)  # the document of each line
        self.offsets = offsets  # document d's lines are offsets[d]:offsets[d + 1]
        self.start = offsets[self.doc]  # the first line of each line's document
        self.size = sizes[self.doc]
        self.index = np.arange(len(self.doc)) - self.start
        self.to_end = self.size - 1 - self.index
        self.first = self.index == 0
        self.last = self.to_end == 0

    def total(self, values: np.ndarray) -> np.ndarray:
        """Each line's document total of ``values``."""
        return np.bincount(self.doc, weights=values, minlength=len(self.offsets) - 1)[self.doc]

    def cumsum(self, values: np.ndarray) -> np.ndarray:
        """Running totals of ``values`` within each document, this line included.

        One running total over all lines, less its value before each document:
        exact because the values are counts (whole numbers in float64).
        """
        running = np.cumsum(values)
        return running - (running - values)[self.start]

    def runs(self, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How many flagged lines come right before, and right after, each line, in a row."""
        at = np.arange(len(flags))
        unflagged = np.where(flags, -1, at)
        # run of flags ending at each line (itself included), counted from its document's start
        ending = at - np.maximum(np.maximum.accumulate(unflagged), self.start - 1)
        before = np.zeros(len(flags), dtype=np.int64)
        before[1:] = ending[:-1]
        before[self.first] = 0
        end = self.start + self.size - 1
        unflagged_after = np.where(flags, len(flags), at)
        nearest = np.minimum.accumulate(unflagged_after[::-1])[::-1]
        starting = np.minimum(nearest, end + 1) - at  # run starting at each line, itself included
        after = np.zeros(len(flags), dtype=np.int64)
        after[:-1] = starting[1:]
        after[self.last] = 0
        return before, after


def _repeated_in_doc(lines: Sequence[str], layout: _Layout) -> list[int]:
    """Lines (not empty) that occur more than once in their own document."""
    found: list[int] = []
    bounds = layout.offsets.tolist()
    for start, stop in itertools.pairwise(bounds):
        part = lines[start:stop]
        seen = Counter(part)
        if len(seen) < len(part):
            found.extend(start + i for i, line in enumerate(part) if line and seen[line] > 1)
    return found
