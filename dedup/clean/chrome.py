"""Text-level chrome removal: what trafilatura leaves, and all of plain-text input.

Three deciders, strongest first, each able to say why it removed a line:

1. rules: wording that is chrome wherever it appears ("Read more: ...",
   "Your email address will not be published", copyright lines...), and
   teaser-block headings ("You may also like") that end the article;
2. the learned line model (:mod:`dedup.clean.model`), when installed;
3. corpus repetition (:mod:`dedup.clean.repetition`), applied after a whole
   corpus has been seen.

Protect patterns (built-in wire credits plus the user's) beat all three.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# Rules only judge lines up to this many words, except the long-winded kinds.
_MAX_RULE_WORDS = 40
_LONG_RULES = frozenset({"disclaimer", "copyright", "paywall"})


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Lines that are chrome wherever they occur. Each is matched against the whole stripped line.
LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "read-more",
        _rx(
            r"^[\[(]?\s*(read more|read also|also read|related|see also|more|related articles?|"
            r"related stories|recommended|read next|see more|watch more|also see|more on this|leia (também|mais)|lesen sie (auch|mehr)|"
            r"leggi anche|lire aussi|lee también|also on [\w.]+)\s*[:\]).|\-\u2013\u2014].*$"
        ),
    ),
    (
        "newsletter",
        _rx(
            # a prompt, not news about one ("persuaded victims to sign up for a newsletter, police say")
            r"^(?!.{0,300}\b(said|says|say|told|according to)\b)"
            r".{0,160}\b(sign(ing)? up|subscribe|subscribing|join)\b.{0,120}"
            r"\b(newsletters?|inbox|e-?mail updates|mailing list)\b.{0,160}$|^subscribe( now| today)?[.!]?$"
            r"|^thanks for signing up!?$|^(?!.{0,300}\b(said|says|say|told)\b)([^.?!]{0,60}\?\s+)?(get|receive) (our|the) "
            r".{0,40}newsletter.*$"
        ),
    ),
    (
        "comments",
        _rx(
            r"^(leave a (comment|reply)|post a comment|add a comment|join the (conversation|discussion)|"
            r"\d*\s*comments?|show comments|view comments|comment on this (story|article)|"
            r"cancel reply|be the first to comment.*|"
            r".{0,40}your email address will not be published.*|required fields are marked.*)[.!:]?$"
            # a notice opens with the comment word ("ATENÇÃO: Comentários ... não serão aprovados");
            # news about moderation ("declined to comment on its moderation") does not, or says who said it
            r"|^(\w+\s*:\s*)?(all |os |les |die |los )?(comments?|coment[aá]rios?|commentaires?|kommentare?)\b"
            r"(?!.{0,300}\b(said|says|told)\b).{0,160}"
            r"\b(moderat(ed|ion|or)|moderador|aprovados|aprobados|approuv[ée]s|freigeschaltet)\b.{0,120}$"
            r"|^your comment is awaiting moderation.{0,40}$"
        ),
    ),
    (
        "share",
        _rx(
            r"^(share( this( article| story| post)?)?( on| via)?(\s*[|,/·•]?\s*(facebook|twitter|x|linkedin|whatsapp|email|pinterest|reddit))*"
            r"|(facebook|twitter|linkedin|whatsapp|pinterest|reddit|email|print|copy link)"
            r"(\s*[|,/·•]?\s*(facebook|twitter|linkedin|whatsapp|pinterest|reddit|email|print|copy link))*)"
            r"[.!:]?$|^click to (tweet|share).*$"
        ),
    ),
    (
        "copyright",
        _rx(
            # "Copyright 2019 X", "Copyright © X", "copyright X 2019 - ISSN": not "Copyright lawsuits ..."
            r"^(copyright\s*(©|\u24d2|\(c\)|\d{4}\b|:|by\b|$)|©|\(c\)\s*\d{4}).{0,200}$"
            r"|^copyright\b(?=.{0,80}\b(19|20)\d\d\b).{0,120}(?<![.!?])$"
            r"|^.{0,160}\ball rights reserved\b\s*([.!]\s.{0,80})?[.!]?$"
            r"|^this (copy|material) is for your personal,? non-?commercial use.*$"
        ),
    ),
    (
        "tags",
        _rx(
            r"^(tags|tagged( with)?|categories|category|filed under|topics)(\s*:.{0,200})?$"
            r"|^(tagged( with)?|filed under)\s(?!as\b).{0,200}$"
        ),
    ),
    (
        "navigation",
        _rx(
            r"^(scroll to top|back to top|jump to|skip to (main )?content|loading( jobs)?(\.{3}|…)?|"
            r"advertisement|advertisements|ad|sponsored( content)?|continue reading( below)?|"
            r"story continues below( advertisement)?|previous (article|post)|next (article|post))[.!:]?$"
        ),
    ),
    (
        "app-prompt",
        _rx(
            r"^.{0,80}\b(download|get|install) (our|the) .{0,40}\bapp\b.{0,120}$"
            r"|^click here (to|for) .{0,160}$|^.{0,160}\b((click|tap) here( (to|for|now)\b.{0,60})?|by (clicking|tapping) here)[.!]?$"
        ),
    ),
    (
        "follow",
        _rx(
            r"^follow .{0,80}\bon (twitter|facebook|instagram|x|linkedin|youtube|tiktok|threads)\b.{0,200}$"
            r"|^follow .{0,40}\b(full|complete|live) coverage\b.{0,120}$"
        ),
    ),
    (
        "affiliate",
        _rx(
            r"^.{0,120}\b(if|when) you (buy|purchase|click|shop)\b.{0,80}\b(commission|share of the sale|"
            r"compensat\w+|affiliate)\b.{0,200}$|^.{0,80}\b(we|may) (earn|receive|get) (a )?(small )?"
            r"(commission|share of the sale)\b.{0,200}$"
        ),
    ),
    (
        "support-prompt",
        _rx(
            r"^if you (enjoyed|liked|value|appreciate|found) (this|our) (article|story|post|journalism|"
            r"reporting|content|work)\b.{0,300}$|^(please )?support (our|independent) journalism\b.{0,200}$"
            # the site's own appeal opens the line or its second sentence; a quoted appeal is attributed
            r"|^(?!.{0,500}\b(said|says|told)\b)([^.!?]{0,200}[.!?] )?we(['\u2019]d| would) (like|love) to "
            r"hear (from you|what you think|your thoughts)\b.{0,300}$"
        ),
    ),
    (
        "error",
        _rx(
            r"^(an error (has )?occurred|something went wrong)[,.!]? ?(please )?try again( later)?[.!]?$"
        ),
    ),
    ("shortcode", _rx(r"^\[(?P<tag>\w+)\b[^\]]*\].{0,200}\[/(?P=tag)\]$")),
    (
        "consent",
        _rx(
            r"^by (logging in|signing in|signing up|logging on|clicking|tapping|continuing|using (this|our)|"
            r"registering|creating an account|subscribing)\b.{0,200}\b(agree|accept|consent)\w*\b.{0,120}"
            r"\b(terms|user agreement|privacy|cookies?|polic(y|ies))\b.{0,200}$"
        ),
    ),
    (
        "contact",
        _rx(
            r"^(write to|contact|e-?mail|reach) .{0,80}\b(at|:) ?\S+@\S+\.\w+\.?$"
            r"|^(have a (news )?tip\?\s*)?[\w .'\u2019-]{0,60}\b(may|can) be reached at \S+@\S+\.\w+\.?$"
        ),
    ),
    (
        "byline",
        _rx(
            r"^(by|written by|words by|posted by|story by|reported by)\b.{0,60}$"
            r"|^(published|updated|posted|last updated|edited( and fact-checked)?)\s*(on|:)?\s*"
            r"(\w+ \d{1,2},? \d{4}|\d{1,2} \w+ \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}).{0,80}$"
        ),
    ),
    (
        "date",
        _rx(
            r"^(((mon|tues|wednes|thurs|fri|satur|sun)day|(segunda|ter[cç]a|quarta|quinta|sexta)-feira|s[aá]bado|"
            r"domingo|lunes|martes|mi[eé]rcoles|jueves|viernes),? )?"
            r"(\w{3,9}\.? \d{1,2},? \d{4}|\d{1,2}\.? (de )?\w{3,9}\.? (de )?\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
            r"([ ,]+(at |[aà]s |a las )?\d{1,2}[:.h]\d{2}( ?[ap]\.?m\.?)?( \w{2,4})?)?$"
        ),
    ),
    (
        "bare-link",
        _rx(r"^(https?://|www\.)\S+$|^\S+\.(jpe?g|png|gif|webp|svg)(\?\S*)?$"),
    ),
    (
        "timestamp",
        _rx(r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$"),
    ),
    (
        "subscription",
        _rx(
            r"^(keep an eye on your inbox.{0,80}|there was an error processing your subscription.{0,40}|"
            r"thank you for subscribing.{0,80}|you('| a)re (now )?subscribed.{0,80}|"
            r"please enter a valid e-?mail( address)?.{0,40}|enter your e-?mail( address)?.{0,40})$"
        ),
    ),
    (
        "read-more-here",
        _rx(r"^(read|find|see) more .{0,80}\b(here|newsletter)\b[.!]?$"),
    ),
    (
        "disclaimer",
        _rx(
            r"^.{0,200}\b(is|are) not intended (to be|as) .{0,120}\b(legal|tax|investment|financial)\b.{0,40}advice.*$"
            r"|^.{0,200}\b(does not|do not) constitute .{0,40}\b(legal|tax|investment|financial) advice.*$"
            r"|^.{0,80}\btrust project\b.*$"
        ),
    ),
    (
        "paywall",
        _rx(
            r"^(?!.{0,300}\b(said|says|say|told|according to)\b)"
            r".{0,60}\b(registered users can read|already a subscriber|subscribe to (continue|read)|"
            r"create a free account|to continue reading).{0,300}$"
        ),
    ),
)

# A heading over a list of teasers: the headline-like lines after it are chrome.
LIST_HEADING = _rx(
    r"^(you may (also )?like|you might (also )?like|you may have missed|related( articles| stories| posts| news| "
    r"coverage| reading| content)?|more (stories|news|from [\w .&'-]{1,40}|on this( story| topic)?|to read)|"
    r"recommended( for you| stories| reading)?|most (read|popular|viewed|shared)( [\w ]{1,30})?|"
    r"trending( now| stories)?|read next|what to read next|popular (posts|stories)|latest (news|stories|posts)|"
    r"top stories|further reading|don'?t miss|editor'?s picks|"
    r"(weitere|mehr) (artikel|nachrichten)|leia também|veja também|notícias relacionadas|"
    r"articles? (liés|similaires)|potrebbe interessarti|noticias relacionadas)\s*([:.!]|\.\.\.|…)?$"
)
# A heading that opens the comment area: everything after it is chrome.
END_HEADING = _rx(
    r"^(\d+\s+)?(comments?|leave a (comment|reply)|post a comment|join the discussion)\s*([:.!]|\.\.\.|…)?$"
)
# Headings only count this far into the text (fraction of words before them).
BLOCK_MIN_POSITION = 0.3
# A teaser list ends at the first line that reads like an article paragraph.
# A line that reads like prose: over 60 characters, a sentence end last.
_PARAGRAPH_MIN_CHARS = 61
_PARAGRAPH_ENDS = '.!?"\u201d\u2019)'

# An author bio, judged only in the last part of a text (the same words mid-story are a quote).
AUTHOR_BIO = _rx(
    r"^[\w.'-]+( [\w.'-]+){0,3}(, (is )?| (is|has been) )(a|an|our) [\w ,'-]{0,60}\b(journalist|writer|"
    r"reporter|editor|author|correspondent|contributor|columnist|analyst)\b.{0,600}$"
)
# A bare "Firstname Lastname" as the very last line is the author's sign-off.
BARE_NAME = re.compile(r"^[A-Z][a-z'-]+( [A-Z][a-z'-]+){1,2}$")
BIO_MIN_POSITION = 0.8

# Share prompts that page templates glue onto the end of a quoted sentence.
INLINE_SUFFIX = _rx(r"\s*\b(click to (tweet|share)|tweet this)\s*$")
_INLINE_SUFFIX_CHARS = 48
# Follow prompts that close a sentence-ending line ("... is out now. Follow him on Twitter @x.").
# Only prompts run to the end of the line: "Follow us on Instagram and see for yourself." stays.
_NETWORK = (
    r"(twitter|facebook|instagram|x|linkedin|youtube|tiktok|threads|bluesky)( (at )?@[\w.-]+)?"
)
_FOLLOW_PROMPT = (
    r"((you (might|may|can) also( want to)?|please|be sure to|and) )?follow (him|her|them|us|me) "
    rf"((on|at) {_NETWORK}|(at )?@[\w.-]+)(,? (or|and) (on )?{_NETWORK})*[.!]?"
)
INLINE_FOLLOW = _rx(rf"(?<=[.!?])\s+{_FOLLOW_PROMPT}(\s+{_FOLLOW_PROMPT})*\s*$")
_INLINE_FOLLOW_CHARS = 240

# Wire credits and similar lines inside a story that look like chrome but are article text.
BUILTIN_PROTECT: tuple[re.Pattern[str], re.Pattern[str]] = (
    _rx(r"^\(?(additional )?(reporting|writing|editing|compiled|research) by\b.{0,200}$"),
    _rx(r"^.{0,60}\((ap|reuters|afp|upi|dpa|ians|pti|bloomberg)\)\s*[-\u2014\u2013]"),
)


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed line and why: ``rule:NAME``, ``block:HEADING``, ``model`` or ``repeated``."""

    line: str
    reason: str
    score: float | None = None
    count: int | None = None

    def as_dict(self) -> dict[str, object]:
        row: dict[str, object] = {"line": self.line, "reason": self.reason}
        if self.score is not None:
            row["score"] = round(self.score, 3)
        if self.count is not None:
            row["count"] = self.count
        return row


@dataclass(frozen=True)
class ChromeSettings:
    """User-facing switches of the text cleaner (CLI options and the ``[clean]`` config table)."""

    enabled: bool = True
    patterns: tuple[str, ...] = ()
    protect: tuple[str, ...] = ()
    use_model: bool = True
    model_threshold: float | None = None
    model_path: str | None = None
    use_repetition: bool = True
    repeat_min_docs: int = 3
    compiled_patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    compiled_protect: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled_patterns", _compile_all(self.patterns, "chrome pattern"))
        object.__setattr__(self, "compiled_protect", _compile_all(self.protect, "protect pattern"))
        if self.repeat_min_docs < 2:
            raise ValueError(f"repeat_min_docs must be >= 2, got {self.repeat_min_docs}")
        if self.model_threshold is not None and not 0.0 < self.model_threshold <= 1.0:
            raise ValueError(f"model_threshold must be in (0, 1], got {self.model_threshold}")


def _compile_all(patterns: Sequence[str], what: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as err:
            raise ValueError(f"invalid {what} {pattern!r}: {err}") from err
    return tuple(compiled)


def is_protected(line: str, settings: ChromeSettings) -> bool:
    stripped = line.strip()
    if settings.compiled_protect and any(p.search(stripped) for p in settings.compiled_protect):
        return True
    credit, dateline = BUILTIN_PROTECT
    # a dateline's agency is in brackets within the first 61 characters
    return bool(credit.match(stripped) or ("(" in stripped[:61] and dateline.match(stripped)))


def rule_for(line: str, settings: ChromeSettings) -> str | None:
    """The name of the first rule that calls ``line`` chrome, or ``None``."""
    return rules_for([line], settings)[0]


def rules_for(
    lines: Sequence[str], settings: ChromeSettings, words: Sequence[int] | None = None
) -> list[str | None]:
    """:func:`rule_for` of every line of a document (``words``: its :func:`word_counts`).

    The wording the costly rules need is looked for once in the whole
    document, so a line is scanned only when it holds some.
    """
    stripped = [line.strip() for line in lines]
    words = word_counts(lines) if words is None else words
    long_lines = [count > _MAX_RULE_WORDS for count in words]
    costly = _costly_lines([line[:_COSTLY_WORDING_WITHIN] for line in stripped], long_lines)
    found: list[str | None] = []
    for i, line in enumerate(stripped):
        reason = _user_rule(line, settings) if settings.compiled_patterns else None
        if reason is None:
            rx = _RULES_RX[long_lines[i], i in costly]
            match = rx.match(line) if rx is not None else None
            if match and match.lastgroup:
                reason = f"rule:{_RULE_NAMES[match.lastgroup]}"
        found.append(reason)
    return found


def _user_rule(line: str, settings: ChromeSettings) -> str | None:
    for pattern in settings.compiled_patterns:
        if pattern.search(line):
            return f"rule:user:{pattern.pattern}"
    return None


def _costly_lines(prefixes: Sequence[str], long_lines: Sequence[bool]) -> set[int]:
    """The lines whose folded prefix holds all parts of one need of a costly rule that judges them.

    Lines of more than ``_MAX_RULE_WORDS`` words are judged by the long-line
    rules only, so the other rules' wording is looked for in the shorter lines.
    """
    hits = _holding_needs(prefixes, _NEEDED_LONG, _FIRST_LONG)
    short = [i for i, long_line in enumerate(long_lines) if not long_line]
    if short:
        shorts = [prefixes[i] for i in short]
        hits.update(short[j] for j in _holding_needs(shorts, _NEEDED_SHORT, _FIRST_SHORT))
    return hits


def _holding_needs(
    prefixes: Sequence[str], needs: Sequence[tuple[str, ...]], firsts: Sequence[str]
) -> set[int]:
    """The lines whose folded text holds all parts of one of ``needs`` (``firsts``: their
    first parts, once each).

    Folding is per character, so the folded document is its folded lines
    joined: each part is looked for in the whole document, once (the second
    part of a pair not at all when the first is nowhere), and the lines that
    hold both parts of a pair are those in both parts' line sets.
    """
    text = _folded("\n".join(prefixes))
    if text.count("\n") != len(prefixes) - 1:  # a line break inside a line: look line by line
        return {i for i, prefix in enumerate(prefixes) if _holds_a_need(_folded(prefix), needs)}
    found = [part for part in firsts if part in text]
    if not found:  # the usual case: no line needs a second look
        return set()
    starts = [0, *itertools.accumulate(len(line) + 1 for line in text.split("\n"))]
    holding = {part: _lines_holding(text, part, starts) for part in found}
    hits: set[int] = set()
    for first, *rest in needs:
        lines = holding.get(first)
        for part in rest:  # the common part of a pair is looked for last
            if not lines:
                break
            if part not in holding:
                holding[part] = _lines_holding(text, part, starts)
            lines = lines & holding[part]
        if lines:
            hits |= lines
    return hits


def _holds_a_need(folded: str, needs: Sequence[tuple[str, ...]]) -> bool:
    return any(all(part in folded for part in parts) for parts in needs)


def _lines_holding(text: str, part: str, starts: list[int]) -> set[int]:
    """The lines of ``text`` (which begin at ``starts``) that hold ``part``."""
    found, at = set(), text.find(part)
    while at >= 0:
        line = bisect.bisect_right(starts, at) - 1
        found.add(line)
        at = text.find(part, starts[line + 1])
    return found


def _folded(text: str) -> str:
    """Case-folded so that what ``re.IGNORECASE`` matches to an ASCII word contains that word.

    ``casefold`` alone keeps dotless i (which the regex engine matches to "i") and
    gives dotted capital I a combining dot; both become a plain "i" first.
    """
    if "\u0130" in text or "\u0131" in text:
        text = text.replace("\u0130", "i").replace("\u0131", "i")
    return text.casefold()


def _combined(names: Sequence[str]) -> re.Pattern[str] | None:
    """One regex trying the rules in order: its first matching alternative is the first rule."""
    if not names:
        return None
    rules = dict(LINE_RULES)
    return _rx("|".join(f"(?P<r{_RULE_INDEX[n]}>(?:{rules[n].pattern}))" for n in names))


# The rules that look for their wording anywhere near the start of a line
# (``^.{0,160}\b(...)``) try every start position there, which made them most of the
# rules' cost; so do the support prompt's look-ahead and the contact rule's ``[\w .'-]{0,60}``
# (measured per short line: 7 and 3 us, against under 2 for each other rule). Every line they match holds, case-folded within its first
# ``_COSTLY_WORDING_WITHIN`` characters, all parts of one of these tuples (the
# farthest, newsletter's "newsletter" after "signing up" and 120 other characters,
# can end at character 300). A pair names both words a rule needs
# where one alone is common ("sign" is in "design"), the rarer first. A line without any
# goes through a regex of the other rules only: the same answer, faster.
_COSTLY_WORDING_WITHIN = 320
_COSTLY_RULES: dict[str, tuple[tuple[str, ...], ...]] = {
    "newsletter": (
        ("newsletter",), ("subscri",), ("thanks for signing",),
        ("inbox", "sign"), ("mail", "sign"), ("inbox", "join"), ("mail", "join"),
    ),
    "copyright": (("copyright",), ("\u00a9",), ("(c)",), ("all rights reserved",), ("for your personal",)),
    "app-prompt": (
        ("download our", "app"), ("download the", "app"), ("get our", "app"), ("get the", "app"),
        ("install our", "app"), ("install the", "app"),
        ("click here",), ("clicking here",), ("tap here",), ("tapping here",),
    ),
    "affiliate": (("commission",), ("share of the sale",), ("compensat", "you"), ("affiliate", "you")),
    "disclaimer": (("not intended",), ("constitute",), ("trust project",)),
    "paywall": (("registered users",), ("subscri",), ("free account",), ("continue reading",)),
    "support-prompt": (("if you",), ("support",), ("hear",)),
    "contact": (("write to",), ("contact",), ("mail",), ("reach",)),
}  # fmt: skip
# The needs of the costly rules that judge every line, and of those that judge short lines only.
_NEEDED_LONG = tuple(
    dict.fromkeys(
        parts for rule, needs in _COSTLY_RULES.items() if rule in _LONG_RULES for parts in needs
    )
)
_NEEDED_SHORT = tuple(
    dict.fromkeys(
        parts for rule, needs in _COSTLY_RULES.items() if rule not in _LONG_RULES for parts in needs
    )
)
# The first parts of each set of needs, once (``firsts``): a line can hold a need only when its
# document holds the need's first part.
_FIRST_LONG = tuple(dict.fromkeys(parts[0] for parts in _NEEDED_LONG))
_FIRST_SHORT = tuple(dict.fromkeys(parts[0] for parts in _NEEDED_SHORT))
_RULE_INDEX = {name: i for i, (name, _) in enumerate(LINE_RULES)}
_RULE_NAMES = {f"r{i}": name for name, i in _RULE_INDEX.items()}
# (long line, may need the costly rules) -> the regex of the rules that can match.
_RULES_RX = {
    (long_line, costly): _combined(
        [
            name
            for name, _ in LINE_RULES
            if (not long_line or name in _LONG_RULES) and (costly or name not in _COSTLY_RULES)
        ]
    )
    for long_line in (False, True)
    for costly in (False, True)
}


def is_table_row(line: str) -> bool:
    return line.startswith("|")


def is_structured(line: str) -> bool:
    """A list item or table row: repeated ones are content (specs, tables), not a repeated title."""
    return line.startswith(("- ", "* ")) or is_table_row(line)


def word_counts(lines: Sequence[str]) -> list[int]:
    """Words per line, as the position rules count them."""
    return [len(line.split()) for line in lines]


def trim_inline(lines: Sequence[str]) -> tuple[list[str], list[Removal]]:
    """Cut chrome glued to the end of an article sentence ("...every day.Click To Tweet").

    Folding is per character, so a word absent from the folded document is
    absent from every line's folded tail: most documents need no line looked at.
    """
    folded = "\n".join(lines).casefold()
    shares = "tweet" in folded or "share" in folded
    follows = "follow" in folded
    if not (shares or follows):
        return list(lines), []
    kept, removed = [], []
    for line in lines:
        match = (
            _tail_match(line, INLINE_SUFFIX, _INLINE_SUFFIX_CHARS, ("tweet", "share"))
            if shares
            else None
        )
        if match and match.start() > 0:
            removed.append(Removal(match.group().strip(), "rule:inline-share"))
            line = line[: match.start()].rstrip()
        match = (
            _tail_match(line, INLINE_FOLLOW, _INLINE_FOLLOW_CHARS, ("follow",)) if follows else None
        )
        if match and not _inside_quote(line[: match.start()]):
            removed.append(Removal(match.group().strip(), "rule:inline-follow"))
            line = line[: match.start()].rstrip()
        kept.append(line)
    return kept, removed


def _tail_match(
    line: str, rx: re.Pattern[str], chars: int, words: tuple[str, ...]
) -> re.Match[str] | None:
    """``rx`` searched in the last ``chars`` characters of ``line``, only when they hold one of
    ``words`` (every match does); ``pos`` keeps ``\b`` and look-behinds seeing the whole line."""
    start = max(0, len(line) - chars)
    end = line[start:].casefold()
    return rx.search(line, start) if any(word in end for word in words) else None


def _inside_quote(text: str) -> bool:
    """Whether a quotation opened in ``text`` is still open at its end."""
    return text.count('"') % 2 == 1 or text.count("\u201c") > text.count("\u201d")


def is_paragraph(line: str) -> bool:
    """A line that reads like article prose: long, ending like a sentence."""
    return reads_like_paragraph(line.strip())


def reads_like_paragraph(stripped: str) -> bool:
    """:func:`is_paragraph` of a line already stripped."""
    return (
        len(stripped) >= _PARAGRAPH_MIN_CHARS
        and stripped[-1] in _PARAGRAPH_ENDS
        and "\n" not in stripped
    )


def tail_lines(lines: Sequence[str], words: Sequence[int] | None = None) -> dict[int, str]:
    """Author bios and bare author names at the end of a text, with the rule name."""
    words = word_counts(lines) if words is None else words
    total = sum(words) or 1
    found: dict[int, str] = {}
    before = 0
    for i, line in enumerate(lines):
        if i > 0 and before / total >= BIO_MIN_POSITION and AUTHOR_BIO.match(line.strip()):
            found[i] = "rule:author-bio"
        before += words[i]
    if len(lines) > 1 and BARE_NAME.match(lines[-1].strip()):
        found[len(lines) - 1] = "rule:author-name"
    return found


def block_lines(lines: Sequence[str], words: Sequence[int] | None = None) -> dict[int, str]:
    """Lines inside teaser lists or the comment area, mapped to the heading that opened them."""
    words = word_counts(lines) if words is None else words
    total = sum(words) or 1
    inside: dict[int, str] = {}
    before = 0
    heading: str | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        late = i > 0 and before / total >= BLOCK_MIN_POSITION
        if late and END_HEADING.match(stripped):
            inside.update({j: stripped for j in range(i, len(lines))})
            break
        if late and LIST_HEADING.match(stripped):
            heading = stripped
        elif heading is not None and reads_like_paragraph(stripped):
            heading = None
        if heading is not None:
            inside[i] = heading
        before += words[i]
    return inside
