"""Article text from HTML with trafilatura, configured for news deduplication.

Comments are off (reader comments differ between copies and collapse recall)
and trafilatura's own cross-document ``deduplicate`` is off (its cache makes
the output depend on input order). The page is parsed once: the same lxml
tree gives the title, date and canonical URL and then goes to trafilatura,
which skips its slower metadata pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from lxml.etree import ParserError, XMLSyntaxError
from lxml.html import HtmlElement
from trafilatura import load_html

_TITLE_XPATHS = (
    'string(//meta[@property="og:title"]/@content)',
    'string(//meta[@name="twitter:title"]/@content)',
    "string(//h1[1])",
    "string(//title)",
)
_DATE_XPATHS = (
    'string(//meta[@property="article:published_time"]/@content)',
    'string(//meta[@itemprop="datePublished"]/@content)',
    'string(//*[@itemprop="datePublished"]/@datetime)',
    'string(//meta[@name="pubdate" or @name="publish-date" or @name="date"]/@content)',
    "string(//time[@datetime][1]/@datetime)",
)
_URL_XPATHS = (
    'string(//link[@rel="canonical"]/@href)',
    'string(//meta[@property="og:url"]/@content)',
)


@dataclass(slots=True)
class Extracted:
    """What one page yields: body text (may be empty) and metadata found in the page."""

    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    error: str | None = None


def extract_html(html: str, *, url: str | None = None, fast: bool = False) -> Extracted:
    """Extract the article body and page metadata; never raises on bad HTML."""
    try:
        tree = load_html(html)
    except (ParserError, XMLSyntaxError, ValueError) as err:
        return Extracted(text="", error=f"unparsable HTML ({err})")
    if tree is None:
        return Extracted(text="", error="unparsable HTML")
    title = _first(tree, _TITLE_XPATHS)
    published = _first(tree, _DATE_XPATHS)
    page_url = _first(tree, _URL_XPATHS)
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url or page_url,
            include_comments=False,
            deduplicate=False,
            with_metadata=False,
            fast=fast,
        )
    except Exception as err:
        return Extracted(text="", title=title, error=f"extraction failed ({type(err).__name__})")
    text = (result.text or "") if result is not None else ""
    return Extracted(text=text, title=title, published=published, url=page_url)


def _first(tree: HtmlElement, xpaths: tuple[str, ...]) -> str | None:
    for xpath in xpaths:
        value = " ".join(str(tree.xpath(xpath)).split())
        if value:
            return value
    return None
