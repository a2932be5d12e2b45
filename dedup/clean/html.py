"""Article text from HTML with trafilatura, configured for news deduplication.

Comments are off (reader comments differ between copies and collapse recall)
and trafilatura's own cross-document ``deduplicate`` is off (its cache makes
the output depend on input order). The page is parsed once: the same lxml
tree gives the title, date and canonical URL and then goes to trafilatura,
which skips its slower metadata pass. Elements the page hides from every
reader (inline ``display: none`` or ``visibility: hidden``, ``aria-hidden``:
hover cards, collapsed teaser widgets) are dropped before extraction, unless
together they hold most of the page's readable text (a body that a script
reveals). trafilatura is imported on the first page, not with this module:
it takes a third of a second, which ``--help`` and plain-text runs in one
process need not pay (a fork server imports it for its workers, see
``Cleaner.preload``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml.etree import ParserError, XMLSyntaxError, XPath
from lxml.html import HtmlElement

from dedup.clean.page import parse_page

# Where page metadata is looked for, best first. Keys are (tag, attribute, value) of
# elements that carry it in ``content``, ``href`` or ``datetime``, or a tag alone for
# the element's text; each key counts its first element in the page only.
_TITLE_FROM = (
    ("meta", "property", "og:title"),
    ("meta", "name", "twitter:title"),
    ("h1",),
    ("title",),
)
# Any element's ``datetime`` with itemprop=datePublished: one XPath over the whole
# tree, run only when the metadata ranked before it is missing.
_ITEMPROP_DATETIME = ("*", "itemprop", "datePublished")
_ITEMPROP_DATETIME_XPATH = XPath('string(//*[@itemprop="datePublished"]/@datetime)')
_PUBDATE = ("meta", "name", "pubdate")
_DATE_FROM = (
    ("meta", "property", "article:published_time"),
    ("meta", "itemprop", "datePublished"),
    _ITEMPROP_DATETIME,
    _PUBDATE,  # also publish-date and date: whichever comes first in the page
    ("time",),
)
_URL_FROM = (("link", "rel", "canonical"), ("meta", "property", "og:url"))
_SAME_KEY = {("meta", "name", "publish-date"): _PUBDATE, ("meta", "name", "date"): _PUBDATE}
_VALUE_ATTRIBUTE = {"meta": "content", "link": "href", "time": "datetime"}
_KEYED_BY = {"meta": ("property", "name", "itemprop"), "link": ("rel",), "time": ()}
_WANTED = frozenset(_TITLE_FROM + _DATE_FROM + _URL_FROM)
# The attributes that may hide an element; which do is decided in Python (string
# functions in the XPath cost more than the whole test here).
_HIDING_ATTRIBUTES = XPath("//@aria-hidden | //@style")
# When the hidden elements together hold more than this share of the page's readable text,
# none is dropped: that is probably the article, shown by a script ("read more" parts, or a
# snapshot taken under an open dialog, which sets aria-hidden on the whole app).
_HIDDEN_MAX_SHARE = 0.5
# Elements whose text no reader sees as text (a page's JSON data can hold more than the page shows).
_UNREAD = ("script", "style", "noscript", "template")


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
        tree = parse_page(html)
    except (ParserError, XMLSyntaxError, ValueError) as err:
        return Extracted(text="", error=f"unparsable HTML ({err})")
    if tree is None:
        return Extracted(text="", error="unparsable HTML")
    found = _page_metadata(tree)
    title, published, page_url = (
        _first(found, keys, tree) for keys in (_TITLE_FROM, _DATE_FROM, _URL_FROM)
    )
    drop_hidden(tree)
    import trafilatura

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


def drop_hidden(tree: HtmlElement) -> int:
    """Remove the elements no reader sees (see the module docstring); how many were removed.

    Text after a removed element (its ``tail``) belongs to the parent and stays.
    """
    hidden = list(
        dict.fromkeys(  # an element with both attributes, once, in document order
            value.getparent() for value in _HIDING_ATTRIBUTES(tree) if _hides(value)
        )
    )
    if not hidden:
        return 0
    marked = set(hidden)
    outermost = [
        element
        for element in hidden
        if element is not tree and not any(parent in marked for parent in element.iterancestors())
    ]
    hidden_chars = sum(_readable_chars(element) for element in outermost)
    if hidden_chars > _HIDDEN_MAX_SHARE * _readable_chars(tree):
        return 0
    for element in outermost:
        element.drop_tree()
    return len(outermost)


def _hides(value: Any) -> bool:
    """Whether an ``aria-hidden`` or ``style`` attribute value (from the XPath) hides its element."""
    if value.attrname == "aria-hidden":
        return value == "true"
    style = "".join(value.lower().split())
    return "display:none" in style or "visibility:hidden" in style


def _readable_chars(element: HtmlElement) -> int:
    """Characters of text in ``element``, less those of scripts, styles and the like in it
    (one inside another, which pages hardly hold, is taken off twice: the guard errs toward
    keeping)."""
    unread = sum(
        len(inner.text or "") if inner.tag in ("script", "style") else len(inner.text_content())
        for inner in element.iter(*_UNREAD)
    )
    return max(0, len(element.text_content()) - unread)


def _page_metadata(tree: HtmlElement) -> dict[tuple[str, ...], str]:
    """The first value in the page of every wanted key, from one walk over a few tags."""
    found: dict[tuple[str, ...], str] = {}
    for element in tree.iter("meta", "link", "time", "h1", "title"):
        tag = element.tag
        value_attribute = _VALUE_ATTRIBUTE.get(tag)
        if value_attribute is None:  # h1, title: their text
            found.setdefault((tag,), element.text_content())
            continue
        value = element.get(value_attribute)
        if value is None:
            continue
        if tag == "time":
            found.setdefault((tag,), value)
        for attribute in _KEYED_BY[tag]:
            key = (tag, attribute, element.get(attribute, ""))
            key = _SAME_KEY.get(key, key)
            if key in _WANTED:
                found.setdefault(key, value)
    return found


def _first(
    found: dict[tuple[str, ...], str], keys: tuple[tuple[str, ...], ...], tree: HtmlElement
) -> str | None:
    for key in keys:
        if key == _ITEMPROP_DATETIME:
            value = " ".join(str(_ITEMPROP_DATETIME_XPATH(tree)).split())
        else:
            value = " ".join(found.get(key, "").split())
        if value:
            return value
    return None
