"""Article text from HTML with trafilatura, configured for news deduplication.

Comments are off (reader comments differ between copies and collapse recall)
and trafilatura's own cross-document ``deduplicate`` is off (its cache makes
the output depend on input order). The page is parsed once: the same lxml
tree gives the title, date and canonical URL and then goes to trafilatura,
which skips its slower metadata pass. Elements the page hides from every
reader (inline ``display: none`` or ``visibility: hidden``, ``aria-hidden``:
hover cards, collapsed teaser widgets) are dropped before extraction, unless
one holds most of the page's text (a body that a script reveals). trafilatura
is imported on the first
page, not with this module: it takes a third of a second, which plain-text
runs and ``--help`` need not pay.
"""

from __future__ import annotations

from dataclasses import dataclass

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
_HIDDEN = XPath(
    '//*[@aria-hidden="true"'
    ' or contains(translate(@style, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ", "abcdefghijklmnopqrstuvwxyz"),'
    ' "display:none")'
    ' or contains(translate(@style, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ", "abcdefghijklmnopqrstuvwxyz"),'
    ' "visibility:hidden")]'
)
# A hidden element holding more than this share of the page's text is kept: it is
# probably the article, shown by a script (or a snapshot taken under an open dialog).
_HIDDEN_MAX_SHARE = 0.5


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
    hidden = _HIDDEN(tree)
    if not hidden:
        return 0
    marked = set(hidden)
    page_chars = len(tree.text_content())
    removed = 0
    for element in hidden:
        if element is tree or any(parent in marked for parent in element.iterancestors()):
            continue  # the page itself, or inside an element removed already
        if len(element.text_content()) > _HIDDEN_MAX_SHARE * page_chars:
            marked.discard(element)
            continue
        element.drop_tree()
        removed += 1
    return removed


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
