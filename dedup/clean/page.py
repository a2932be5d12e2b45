"""HTML text to the lxml tree trafilatura works on, without its slowest step.

trafilatura's ``load_html`` runs a regular-expression substitution over the
whole page to drop the characters XML forbids: about a millisecond per page,
a thirtieth of the extraction, although pages almost never hold any. Here a
byte-level scan looks for them first. The parser settings and the two
repairs made before parsing (a doctype with a slash in it and a self-closed
``<html/>``, which trip libxml2) are trafilatura's, so the tree is the same:
tests compare the two on real and generated pages.
"""

from __future__ import annotations

import re

from lxml.etree import ParserError, XMLSyntaxError
from lxml.html import HtmlElement, HTMLParser, fromstring

_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Bytes of UTF-8 text other than the invalid ASCII controls (multi-byte
# sequences never contain bytes below 0x80), deleted to see whether any is left.
_VALID_BYTES = bytes(b for b in range(256) if not _INVALID_XML.match(chr(b)))
_SLASHED_DOCTYPE = re.compile(r"^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
_SELF_CLOSED_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)
_PARSE_ERRORS = (ParserError, XMLSyntaxError, ValueError)


def parse_page(html: str) -> HtmlElement | None:
    """The page's tree, or ``None`` when the text is not a whole HTML page."""
    beginning = html[:50].lower()
    html = _repaired(_without_invalid_xml(html), beginning)
    try:
        tree = fromstring(html, parser=_PARSER)
    except ValueError:  # a str that declares its encoding: lxml wants bytes
        return _whole_page(_from_bytes(html), beginning)
    except (ParserError, XMLSyntaxError):
        tree = None
    if tree is None or len(tree) < 1:
        tree = _from_bytes(html)
    return _whole_page(tree, beginning)


def _whole_page(tree: HtmlElement | None, beginning: str) -> HtmlElement | None:
    """``None`` for a fragment: no ``html`` near the start and fewer than two children."""
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None
    return tree


def _without_invalid_xml(html: str) -> str:
    encoded = html.encode("utf-8", "surrogatepass")
    if encoded.translate(None, _VALID_BYTES) or "\ufffe" in html or "\uffff" in html:
        return _INVALID_XML.sub("", html)
    return html


def _repaired(html: str, beginning: str) -> str:
    if "doctype" in beginning:
        first_line, _, rest = html.partition("\n")
        html = _SLASHED_DOCTYPE.sub("", first_line, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return _SELF_CLOSED_HTML.sub(r"\1>", html, count=1)
    return html


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except _PARSE_ERRORS:
        return None
