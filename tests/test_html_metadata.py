"""Title, date and canonical URL read from the page: which source wins."""

from __future__ import annotations

import pytest

from dedup.clean.html import extract_html

BODY = "<p>" + "The council voted on the new budget after a long debate. " * 8 + "</p>"


def page(head: str, body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}<article>{BODY}</article></body></html>"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        (
            '<title>Site | Tab</title><meta property="og:title" content=" Open  Graph ">'
            '<meta name="twitter:title" content="Card">',
            "<h1>Heading</h1>",
            "Open Graph",
        ),
        ('<title>Tab</title><meta name="twitter:title" content="Card">', "<h1>H</h1>", "Card"),
        (
            "<title>Tab</title>",
            "<h1>Big <em>news</em>\n today</h1><h1>Second</h1>",
            "Big news today",
        ),
        ("<title>Only the tab</title>", "", "Only the tab"),
        ('<meta property="og:title" content="  "><title>Tab</title>', "", "Tab"),
    ],
)
def test_the_title_comes_from_the_best_source_present(head: str, body: str, title: str):
    assert extract_html(page(head, body)).title == title


def test_dates_and_urls_prefer_article_metadata_over_generic_elements():
    head = (
        '<meta name="date" content="2024-01-03">'
        '<meta property="article:published_time" content="2024-01-01T10:00:00Z">'
        '<meta property="og:url" content="https://example.com/og">'
        '<link rel="canonical" href="https://example.com/story">'
    )
    extracted = extract_html(page(head, '<time datetime="2020-05-05">old</time>'))
    assert extracted.published == "2024-01-01T10:00:00Z"
    assert extracted.url == "https://example.com/story"


@pytest.mark.parametrize(
    ("head", "body", "published"),
    [
        ('<meta itemprop="datePublished" content="2024-02-02">', "", "2024-02-02"),
        ("", '<time datetime="2024-03-01">x</time><time itemprop="datePublished" '
             'datetime="2024-03-03">y</time>', "2024-03-03"),
        ('<meta name="pubdate" content="2024-04-04">', '<time datetime="2020-01-01">x</time>',
         "2024-04-04"),
        ("", '<time>no attribute</time><time datetime="2024-05-05">x</time>', "2024-05-05"),
        ("", '<span itemprop="datePublished" datetime="2021-02-03">x</span>'
             '<time datetime="2022-01-01">y</time>', "2021-02-03"),
        ('<meta name="date" content="2019-01-01"><meta name="pubdate" content="2020-05-05">', "",
         "2019-01-01"),
        ('<meta name="publish-date" content=""><meta name="pubdate" content="2020-05-05">',
         '<time datetime="2018-08-08">x</time>', "2018-08-08"),
        ("", "", None),
    ],
)  # fmt: skip
def test_the_date_falls_back_in_order(head: str, body: str, published: str | None):
    assert extract_html(page(head, body)).published == published


def test_only_the_first_element_of_a_kind_counts():
    head = '<meta property="og:url" content=""><meta property="og:url" content="https://x.test/b">'
    assert extract_html(page(head)).url is None
