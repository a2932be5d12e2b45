import json
import re
import unicodedata

import pytest
import xxhash
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.clean import ChromeSettings, Cleaner, remove_repeated
from dedup.clean.chrome import BUILTIN_PROTECT, is_protected
from dedup.clean.repetition import line_key, text_line_keys
from dedup.config import Params
from dedup.pipeline import copies_among
from dedup.records import Record
from tests.conftest import run_cli

ARTICLE = [
    "The harbour board voted on Tuesday to fund a new flood barrier after three winters of storm surges.",
    "“We cannot wait for another flood,” board chair Lena Ortiz told reporters after the vote.",
    "The barrier will cost 48 million and take four years to build, with work starting next spring.",
    "Residents applauded, though several warned the plan does nothing for the streets behind the market.",
    "The board will publish the full design in March and hold two public hearings before approval.",
    "(Reporting by Ana Costa; Editing by Mark Hale)",
]


def clean_text(text: str, settings: ChromeSettings | None = None):
    doc, _ = Cleaner(settings)(Record(id="x", source="x.txt", text=text))
    return doc.text.split("\n"), {r.line: r.reason for r in doc.removed}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Read more: Storm season starts early", "rule:read-more"),
        ("Also Read: How a Razor Built a Billion-Dollar Industry", "rule:read-more"),
        ("Sign up for our free newsletter to get the news in your inbox", "rule:newsletter"),
        ("Your email address will not be published. Required fields are marked *", "rule:comments"),
        ("Copyright © 2025 Harbor Ledger Media. All rights reserved.", "rule:copyright"),
        ("Want more local news? Get our free daily newsletter in your inbox.", "rule:newsletter"),
        ("Tags: flooding, harbour, council", "rule:tags"),
        ("Scroll to Top", "rule:navigation"),
        ("Share on Facebook | Twitter | Email", "rule:share"),
        ("SEE MORE: Hong Kong protests: 800 students under siege", "rule:read-more"),
        ("Follow @HarborLedger on Twitter for the latest port news.", "rule:follow"),
        ("Follow AP's full coverage of the port strike at https://apnews.com/port", "rule:follow"),
        (
            "If you buy something through this post, we may get a share of the sale.",
            "rule:affiliate",
        ),
        (
            "If you enjoyed this article, please consider supporting our newsroom.",
            "rule:support-prompt",
        ),
        ("GET THE HARBOR LEDGER APP BY CLICKING HERE", "rule:app-prompt"),
        ("An error has occurred, please try again later.", "rule:error"),
        ("[button link=/submit] Send us your story[/button]", "rule:shortcode"),
        (
            "By logging in to LiveJournal using a third-party service you accept LiveJournal's "
            "User agreement",
            "rule:consent",
        ),
        ("By continuing to use this site, you agree to our use of cookies.", "rule:consent"),
        (
            "ATENÇÃO: Comentários com textos ininteligíveis não serão aprovados pelo moderador.",
            "rule:comments",
        ),
        ("Your comment is awaiting moderation.", "rule:comments"),
        ("Write to Al Root at allen.root@dowjones.com", "rule:contact"),
        ("Have a tip? Ana Costa may be reached at acosta@harborledger.com.", "rule:contact"),
        ("segunda-feira, 22 de janeiro de 2018 às 0:13", "rule:date"),
        (
            "We\u2019d like to hear what you think about this or any of our articles.",
            "rule:support-prompt",
        ),
    ],
)
def test_chrome_lines_are_removed_with_their_rule(line, reason):
    lines, removed = clean_text("\n".join([*ARTICLE[:3], line, *ARTICLE[3:]]))
    assert lines == ARTICLE and removed == {line: reason}


def test_teaser_list_after_a_heading_is_cut_but_the_story_continues():
    teasers = [
        "You may also like",
        "Port strike enters second week",
        "City budget vote delayed again",
    ]
    lines, removed = clean_text("\n".join([*ARTICLE[:4], *teasers, *ARTICLE[4:]]))
    assert lines == ARTICLE
    assert set(removed.values()) == {"block:You may also like"}


def test_a_teaser_heading_may_end_in_an_ellipsis():
    teasers = ["You may also like...", "Port strike enters second week", "City budget vote delayed"]
    lines, removed = clean_text("\n".join([*ARTICLE[:4], *teasers, *ARTICLE[4:]]))
    assert lines == ARTICLE
    assert set(removed.values()) == {"block:You may also like..."}


def test_comment_heading_ends_the_article():
    comments = ["Leave a Comment", "Great article, thanks.", "I disagree with the board entirely."]
    lines, removed = clean_text("\n".join([*ARTICLE, *comments]))
    assert lines == ARTICLE and len(removed) == 3


def test_headings_early_in_the_text_do_not_cut():
    lines, removed = clean_text("\n".join(["Related", *ARTICLE]))
    assert lines[-len(ARTICLE) :] == ARTICLE
    assert not any(reason.startswith("block:") for reason in removed.values())


def test_user_patterns_and_protect():
    settings = ChromeSettings(patterns=(r"^Photo:",), protect=(r"Read more: Storm",))
    text = "\n".join(
        [*ARTICLE, "Photo: Lena Ortiz at the harbour", "Read more: Storm season starts early"]
    )
    lines, removed = clean_text(text, settings)
    assert lines == [*ARTICLE, "Read more: Storm season starts early"]
    assert removed == {"Photo: Lena Ortiz at the harbour": "rule:user:^Photo:"}
    with pytest.raises(ValueError, match="invalid chrome pattern"):
        ChromeSettings(patterns=("(",))


def test_disabled_cleaner_keeps_everything():
    lines, removed = clean_text(
        "\n".join([*ARTICLE, "Scroll to Top"]), ChromeSettings(enabled=False)
    )
    assert lines[-1] == "Scroll to Top" and not removed


def repetition(docs):
    """The corpus pass as the pipeline runs it: copies judged by the copy level."""
    return remove_repeated(docs, ChromeSettings(), copies_among(docs, Params()))


def _site_docs(n: int, shared: list[str], middle: str | None = None):
    """Documents of one site; the line model is off so only the repetition pass decides."""
    docs = []
    for i in range(n):
        body = [f"Story {i} opens with its own unique first sentence about topic number {i}."]
        if middle:
            body += [middle]
        body += [f"And story {i} closes with another sentence nobody else wrote, number {i}."]
        record = Record(
            id=str(i),
            source=f"s{i}",
            url=f"https://www.site.example/{i}",
            text="\n".join(body + shared),
        )
        docs.append(Cleaner(ChromeSettings(use_model=False))(record)[0])
    return docs


def test_lines_repeated_across_a_site_are_removed_order_independently():
    shared = ["Harbor Ledger is an independent newsroom", "Support local journalism today"]
    docs = _site_docs(4, shared)
    repetition(docs)
    assert all(shared[0] not in d.text and shared[1] not in d.text for d in docs)
    assert all(r.reason == "repeated" and r.count == 4 for d in docs for r in d.removed)
    backwards = _site_docs(4, shared)[::-1]
    repetition(backwards)
    assert [d.text for d in backwards[::-1]] == [d.text for d in docs]


def test_copies_of_one_text_are_one_page_for_the_repetition_pass():
    shared = ["Harbor Ledger is an independent newsroom", "Support local journalism today"]
    docs = _site_docs(3, shared)
    story = docs[0].text.split("\n")
    for n, stamp in enumerate(["Updated 5 minutes ago", "Updated 1 hour ago", "Updated today"]):
        text = "\n".join([stamp, *story])  # story 0 crawled again, with a new time stamp
        record = Record(id=f"c{n}", source="c", url=f"https://site.example/0?v={n}", text=text)
        docs.append(Cleaner(ChromeSettings(use_model=False))(record)[0])
    repetition(docs)
    assert all(line in d.text for d in docs[3:] for line in story[:2])
    assert all(shared[0] not in d.text and shared[1] not in d.text for d in docs)
    assert {r.count for d in docs for r in d.removed} == {3}  # three pages, not six


def _page(doc_id: str, lines: list[str]):
    record = Record(
        id=doc_id, source="p", url=f"https://site.example/{doc_id}", text="\n".join(lines)
    )
    return Cleaner(ChromeSettings(use_model=False))(record)[0]


def test_versions_of_an_updated_story_keep_their_article():
    first = [*ARTICLE[:5], "Engineers expect the first piles to go in before the autumn storms."]
    texts = [
        first,  # then a dateline, a changed figure, and a correction at the end
        ["HARBOURTON (Wire) - " + first[0], *first[1:]],
        [*first[:2], first[2].replace("48 million", "52 million"), *first[3:]],
        [*first, "Correction: an earlier version of this story misstated the barrier's cost."],
    ]
    versions = [_page(f"v{n}", text) for n, text in enumerate(texts)]
    repetition(versions)
    assert [d.text.split("\n") for d in versions] == texts


def test_a_long_footer_on_different_brief_pages_is_still_the_frame():
    footer = [
        "Harbor Ledger is published by the Harbor Ledger Trust, a registered charity that depends "
        "on readers and local businesses for nine tenths of its income.",
        "All rights reserved; no part of this site may be copied, stored or passed on in any form "
        "without the written permission of the trust.",
    ]
    bodies = [
        [f"Ferry {n} delayed by fog on Tuesday.", f"Pier {n} reopens at noon."] for n in range(4)
    ]
    briefs = [_page(f"b{n}", [*body, *footer]) for n, body in enumerate(bodies)]
    repetition(briefs)
    assert [d.text.split("\n") for d in briefs] == bodies


def _mixed_site():
    stamps = ["Updated 5 minutes ago", "Updated 1 hour ago", "Updated today", "Updated"]
    frame = ["Harbor Ledger is an independent newsroom", "Support local journalism today"]
    pages = [_page(f"s{n}", [stamp, *ARTICLE, *frame]) for n, stamp in enumerate(stamps)]
    pages += [_page(f"v{n}", [*ARTICLE[: 4 + n], *frame]) for n in range(3)]
    pages += [_page(f"b{n}", [f"Ferry {n} delayed by fog on Tuesday.", *frame]) for n in range(3)]
    return pages


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_repetition_with_copies_ignores_input_order(rnd):
    pages = _mixed_site()
    shuffled = list(pages)
    rnd.shuffle(shuffled)
    repetition(pages)
    repetition(shuffled)
    assert {d.id: d.text for d in pages} == {d.id: d.text for d in shuffled}
    assert all("Harbor Ledger" not in d.text for d in pages)
    assert all(ARTICLE[0] in d.text for d in pages if d.id[0] in "sv")


def test_exact_copies_in_one_file_are_duplicates_not_chrome(tmp_path):
    text = "\n".join(ARTICLE)
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": text}) + "\n" for i in range(4)))
    rows = [
        json.loads(x) for x in run_cli("cluster", str(path), "-w", "1").stdout.split(b"\n")[:-1]
    ]
    assert [r["status"] for r in rows] == ["kept", "duplicate", "duplicate", "duplicate"]
    one_line = tmp_path / "one_line.jsonl"
    one_line.write_text(
        "".join(json.dumps({"id": str(i), "text": " ".join(ARTICLE[:3])}) + "\n" for i in range(3))
    )
    rows = [
        json.loads(x) for x in run_cli("cluster", str(one_line), "-w", "1").stdout.split(b"\n")[:-1]
    ]
    assert [r["status"] for r in rows] == ["kept", "duplicate", "duplicate"]


def test_a_repeated_quote_between_unique_lines_stays():
    quote = "“We will rebuild the quay wall before winter, whatever it costs the city,” the mayor said on Monday."
    docs = _site_docs(4, [], middle=quote)
    repetition(docs)
    assert all(quote in d.text for d in docs)


def test_share_prompt_glued_to_a_sentence_is_cut_and_the_sentence_kept():
    quote = "“Tides do not wait for budgets,” Ortiz said."
    lines, removed = clean_text("\n".join([*ARTICLE[:2], quote + "Click To Tweet", *ARTICLE[2:]]))
    assert quote in lines and removed == {"Click To Tweet": "rule:inline-share"}


@pytest.mark.parametrize(
    "line",
    [
        'He told the crowd: "It is simple. Follow us on Instagram and see for yourself."',
        'Ortiz said: "It ended there. Follow us on Twitter."',
        "The band released two albums. Follow him on Twitter and you will see another side.",
    ],
)
def test_a_follow_sentence_inside_a_quote_or_going_on_stays(line):
    from dedup.clean.chrome import trim_inline

    assert trim_inline([line]) == ([line], [])


def test_a_follow_prompt_closing_a_line_is_cut_and_the_sentence_kept():
    line = "Costa's book about the harbour is out now. Follow her on Twitter @acosta."
    lines, removed = clean_text("\n".join([*ARTICLE[:5], line]), ChromeSettings(use_model=False))
    assert lines == [*ARTICLE[:5], "Costa's book about the harbour is out now."]
    assert removed == {"Follow her on Twitter @acosta.": "rule:inline-follow"}


@pytest.mark.parametrize(
    "line",
    [
        "Follow the money, investigators told the board on Tuesday.",
        "Fans can follow him on Twitter, where he posts the tide tables every morning.",
        "A Meta spokesperson declined to comment on the company's moderation policies.",
        "The paper closed its comments section last year, saying moderation had become too costly.",
        "Comments on the plan will be moderated by the council, Ortiz said on Monday.",
        "'If you witnessed the collision, we would like to hear from you,' a police spokesman said.",
        "The officer appealed for witnesses, adding: we would like to hear from you.",
        "| Facebook | High (comments, likes, shares) | Moderate (depends on the audience) |",
        "He said he would click here and there on the map to show the flood zones.",
        "By clicking through the council's plans, residents found the barrier had moved.",
        "Copyright lawsuits against AI companies have multiplied, with 30 cases now pending.",
        "Copyright Office officials told lawmakers on Wednesday to expect new guidance in 2025.",
        "“All rights reserved means exactly that,” the publisher's lawyer told the court.",
        "Prosecutors say the scammers persuaded victims to sign up for a fake investment newsletter.",
        "Tagged as a high-risk offender, the man had been released on parole in March.",
        "Already a subscriber to the union's strike fund, Simmons said he would now draw on it.",
    ],
)
def test_article_sentences_that_look_like_prompts_stay(line):
    lines, _ = clean_text(
        "\n".join([*ARTICLE[:3], line, *ARTICLE[3:]]), ChromeSettings(use_model=False)
    )
    assert line in lines


def test_a_trailing_list_of_sentences_stays():
    points = ["- The barrier will be built in four stages.", "- Hearings start in March."]
    lines, _ = clean_text("\n".join([*ARTICLE, *points]), ChromeSettings(use_model=False))
    assert lines[-2:] == points


def test_repeated_list_items_and_table_rows_near_the_top_stay():
    item = "- Automatically On And Connected To Every Device"
    row = "| Model | Price | Battery |"
    text = "\n".join(["Harbour Gadgets Reviewed", item, row, ARTICLE[0], item, row, *ARTICLE[1:]])
    lines, _ = clean_text(text, ChromeSettings(use_model=False))
    assert lines.count(item) == 2 and lines.count(row) == 2


def test_the_line_model_never_judges_table_rows():
    row = "| 5 | Rest | Speed Play 55 min Easy | Run Easy 45 min | Tempo Run 15 min |"
    lines, _ = clean_text(
        "\n".join([*ARTICLE[:3], row, row.replace("5", "6"), *ARTICLE[3:]]),
        ChromeSettings(model_threshold=0.01),
    )
    assert row in lines


@pytest.mark.parametrize(
    ("line", "reason"),
    [("Tags: flooding, harbour", "rule:tags"), ("Filed under Harbour News", "rule:tags")],
)
def test_tag_lines_need_a_colon_or_a_tag_verb(line, reason):
    sentence = "Topics include flood barriers, harbour dredging, and the council's budget for both."
    lines, removed = clean_text("\n".join([*ARTICLE[:3], sentence, line, *ARTICLE[3:]]))
    assert sentence in lines and removed == {line: reason}


def test_a_table_of_contents_heading_repeated_below_the_intro_stays():
    heading = "Why The Barrier Matters For Residents"
    text = "\n".join([ARTICLE[0], heading, ARTICLE[1], heading, *ARTICLE[2:]])
    lines, _ = clean_text(text, ChromeSettings(use_model=False))
    assert lines.count(heading) == 2


def test_the_headline_kept_from_the_model_is_not_a_line_a_rule_removes():
    headline = "Harbour Board Backs the New Flood Barrier After a Long Night"
    consent = (
        "By signing in with a third-party service you accept the Harbour Ledger User agreement"
    )
    text = "\n".join([headline, "Facebook", "Twitter", consent])
    lines, removed = clean_text(text, ChromeSettings(model_threshold=0.01))
    assert lines == [headline] and removed[consent] == "rule:consent"


def test_the_line_model_never_removes_a_whole_article_on_one_line():
    one_line = " ".join(ARTICLE * 3)
    lines, removed = clean_text(one_line, ChromeSettings(model_threshold=0.01))
    assert lines == [one_line] and not removed


@given(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
        st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\u200bab\u0301e", max_size=60),
        st.lists(st.sampled_from(["ab", "c d", "é", " ", "\n", "x\ty"]), max_size=12).map("".join),
    )
)
def test_normalise_text_folds_whitespace_like_the_regex_it_replaced(text):
    from dedup.clean.text import normalise_text

    folded = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in folded.split("\n"))
    assert normalise_text(text) == "\n".join(line for line in lines if line)


@given(
    st.lists(
        st.sampled_from(
            ["Click", "to", "tweet", "TWEET", "share", "\u017fhare", "this", "Tweet This", " ", ".",
             "x" * 30, "é", "click to share"]
        ),
        max_size=10,
    )
)  # fmt: skip
def test_the_inline_suffix_word_check_changes_no_answer(parts):
    from dedup.clean.chrome import INLINE_SUFFIX, trim_inline

    line = " ".join(parts)
    match = INLINE_SUFFIX.search(line, max(0, len(line) - 48))
    kept, removed = trim_inline([line])
    if match and match.start() > 0:
        assert kept == [line[: match.start()].rstrip()] and len(removed) == 1
    else:
        assert kept == [line] and not removed


@given(
    st.lists(
        st.lists(
            st.sampled_from(
                ["Tides turn.", "Click To Tweet", "\u017fhare", "Follow her on Twitter", "@x.",
                 "says", "\u201cQuoted", "FOLLOW", "us", "on", "x"]
            ),
            max_size=8,
        ).map(" ".join),
        max_size=6,
    )
)  # fmt: skip
def test_trimming_a_document_trims_each_line_as_if_alone(lines):
    from dedup.clean.chrome import trim_inline

    alone = [trim_inline([line]) for line in lines]
    kept, removed = trim_inline(lines)
    assert kept == [k for one, _ in alone for k in one]
    assert removed == [r for _, rs in alone for r in rs]


@given(st.text(max_size=80))
def test_inline_suffix_is_found_wherever_the_line_starts(prefix):
    from dedup.clean.chrome import trim_inline

    line = prefix + "Tides do not wait.Click To Tweet"
    kept, removed = trim_inline([line])
    assert [r.line for r in removed] == ["Click To Tweet"]
    assert kept[0].endswith("Tides do not wait.")


def _first_rule_one_by_one(line: str) -> str | None:
    from dedup.clean.chrome import _LONG_RULES, _MAX_RULE_WORDS, LINE_RULES

    stripped = line.strip()
    long_line = len(stripped.split()) > _MAX_RULE_WORDS
    for name, pattern in LINE_RULES:
        if (not long_line or name in _LONG_RULES) and pattern.match(stripped):
            return f"rule:{name}"
    return None


RULE_FRAGMENTS = [
    "Read more:",
    "Subscribe",
    "to our newsletter",
    "All rights reserved.",
    "©",
    "Tags:",
    "Share",
    "Facebook",
    "click here",
    "Follow us on Twitter",
    "by",
    "June 9, 2025",
    "[b]",
    "[/b]",
    "http://x.example",
    "the board",
    "said",
    "(c) 2024",
    "is not intended to be",
    "investment advice",
    "Comments",
    "If you enjoyed this article",
    "SIGN UP",
    "Join",
    "our inbox",
    "Download the",
    "app",
    "Tap here",
    "by clicking here",
    "we may earn a commission",
    "if you buy",
    "does not constitute",
    "Trust Project",
    "Already a subscriber?",
    "to continue reading",
    "create a free account",
    "\u017fubscribe",
    "\u212aeep",
    "stra\u00dfe",
    "\u0130stanbul",
    "Jo\u0131n our mailing list",
    "COPYR\u0130GHT 2021",
    "Cl\u0131ck here to read",
    "we may earn a comm\u0131ssion",
    "Get the",
    "INSTALL OUR",
    "tapping here",
    "Thanks for signing up",
    "e-mail updates",
    "mailing list",
    "signing up",
    "you are compensated",
    "affiliate links",
    "design",
    "If you liked our reporting",
    "\u0130F YOU enjoyed this story",
    "Please support our journalism",
    "SUPPORT independent journalism",
    "The team said.",
    "We would like to hear from you",
    "we\u2019d love to hear what you think",
    "Write to",
    "Contact",
    "E-mail",
    "Reach",
    "Jane Doe can be reached at",
    "jane@example.com",
    "at",
    "x" * 90,
    "word " * 41,
]


@given(st.lists(st.sampled_from(RULE_FRAGMENTS), max_size=12))
@example(["The team said.", "We would like to hear from you"])
@example(["Reach", "at", "jane@example.com"])
@example(["Jane Doe can be reached at", "jane@example.com"])
@example(["If you liked our reporting"])
@example(["SUPPORT independent journalism"])
def test_the_combined_rule_regex_picks_the_rule_the_ordered_list_would(words):
    from dedup.clean.chrome import ChromeSettings, rule_for

    line = " ".join(words)
    assert rule_for(line, ChromeSettings()) == _first_rule_one_by_one(line)


@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=120))
def test_line_key_is_the_hash_of_the_regex_folded_words(line):
    words = re.sub(r"\W+", " ", line.casefold()).strip()
    assert line_key(line) == xxhash.xxh3_64_intdigest(words.encode())


@given(
    st.lists(
        st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=40)
        | st.text(alphabet="Ab1 _-.,\t\r", max_size=40),
        max_size=8,
    )
)
def test_a_text_s_line_keys_are_its_lines_keys(lines):
    text = "\n".join(lines)
    assert text_line_keys(text) == [line_key(line) for line in text.split("\n")]


def test_cleaning_records_together_gives_what_cleaning_them_one_by_one_gives():
    page = (
        "<html><head><title>Rates rise</title></head><body><article><h1>Rates rise</h1>"
        + "<p>The central bank raised its main rate by a quarter point on Thursday, the "
        "third rise this year, citing prices that are still climbing too fast.</p>"
        * 3
        + "<p>Subscribe to our newsletter</p></article></body></html>"
    )
    records = [
        Record(id="html", source="s", html=page),
        Record(id="text", source="s", text="Story line one is here.\nRead more: other story\nEnd."),
        Record(id="empty", source="s", text=""),
        Record(id="one", source="s", text="Leave a Comment"),
    ]
    cleaner = Cleaner()
    together = cleaner.many(records)
    assert together == [cleaner(record) for record in records]
    assert [doc.id for doc, _ in together] == ["html", "text", "empty", "one"]
    assert cleaner.many([]) == []


@given(
    st.text(alphabet="ab (", max_size=70), st.sampled_from(["(Reuters) - x", "(AP) \u2014 y", "z"])
)
def test_the_dateline_check_gives_what_the_protect_patterns_give(prefix, agency):
    line = prefix + agency
    expected = any(p.match(line.strip()) for p in BUILTIN_PROTECT)
    assert is_protected(line, ChromeSettings()) == expected


@given(st.lists(st.lists(st.sampled_from(RULE_FRAGMENTS), max_size=12).map(" ".join), max_size=8))
def test_the_rules_of_a_document_are_each_lines_own_rule(lines):
    from dedup.clean.chrome import ChromeSettings, rules_for

    assert rules_for(lines, ChromeSettings()) == [_first_rule_one_by_one(line) for line in lines]


_ENDS = st.sampled_from(
    ["", ".", "!", ":", ",", "”", "\u2019", ")", "x", " ", "\t", "\n", "\u2028"]
)
_LINE_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list('ab. !?:;,"”\u2019)\n\t\u00a0\u2028x')), max_size=90),
    # lengths around the paragraph limit
    st.builds(
        lambda head, n, end: head + "a" * n + end,
        st.sampled_from(["", " ", "\n", "b\nb"]),
        st.integers(55, 66),
        _ENDS,
    ),
    # word counts around the heading limits
    st.builds(
        lambda head, k, sep, end: head + sep.join(["w"] * k) + end,
        st.sampled_from(["", " ", "\n", "\t"]),
        st.integers(1, 23),
        st.sampled_from([" ", "\t", "  ", "\u00a0", "\n"]),
        _ENDS,
    ),
)


@settings(max_examples=400)
@given(_LINE_TEXT)
@example("a" * 60 + ".")
@example("a" * 59 + "”")
def test_is_paragraph_is_the_regex_it_replaced(line):
    from dedup.clean.chrome import is_paragraph

    regex = re.compile(r"^.{60,}[.!?\"\u201d\u2019)]$")
    assert is_paragraph(line) == bool(regex.match(line.strip()))


@settings(max_examples=400)
@given(_LINE_TEXT)
@example(" ".join(["w"] * 20))
@example(" ".join(["w"] * 21))
@example(" ".join(["w"] * 4))
@example(" ".join(["w"] * 3))
@example(" ".join(["w"] * 5) + ",")
@example(" ".join(["w"] * 5) + "”")
def test_is_heading_is_the_regex_it_replaced(line):
    from dedup.clean.document import HEADING, is_heading

    assert is_heading(line, len(line.split())) == bool(HEADING.match(line))


def test_a_cleaned_text_starting_with_its_title_keeps_it_and_reports_nothing():
    title = "Harbour board backs flood barrier"
    cleaned, _ = Cleaner()(Record(id="x", source="x", text="\n".join(ARTICLE), title=title))
    assert cleaned.text.split("\n")[0] == title
    again, _ = Cleaner()(Record(id="x", source="x", text=cleaned.text, title=title))
    assert again.text == cleaned.text and again.removed == []


def test_a_first_line_that_is_the_title_but_for_punctuation_is_not_doubled():
    lines = ["Harbour board backs flood barrier!", *ARTICLE]
    doc, _ = Cleaner()(
        Record(id="x", source="x", text="\n".join(lines), title="Harbour Board backs flood barrier")
    )
    assert doc.text.split("\n")[:2] == lines[:2] and not doc.removed


def test_a_text_of_chrome_only_says_so_and_an_empty_one_says_it_is_empty():
    text = "Subscribe to our newsletter\nScroll to Top"
    chrome, reason = Cleaner()(Record(id="x", source="x", text=text))
    assert chrome.text == "" and reason == "every line removed as chrome (see --explain)"
    empty, reason = Cleaner()(Record(id="y", source="y", text=" \n "))
    assert empty.text == "" and reason == "empty text"
