"""parse_page builds the tree trafilatura's own load_html would, on real and odd pages."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from trafilatura import load_html

from dedup.clean.page import parse_page
from dedup.io.decode import DecodeError, decode_bytes
from tests.conftest import ROOT


def same_tree(html: str) -> None:
    ours, theirs = parse_page(html), load_html(html)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert etree.tostring(ours) == etree.tostring(theirs)


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>plain</p></body></html>",
        "<html><body><p>bad \x00\x08 chars \x0b\x1f\ufffe\uffff here</p></body></html>",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd">\n'
        "<html><body><p>xhtml</p></body></html>",
        "<!doctype html>\n<html><body><p>html5</p></body></html>",
        '<html lang="en"/>\n<body><p>self-closed html</p></body>',
        '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>declared</p></body></html>',
        "<p>a fragment</p>",
        "<div><p>two</p></div><div><p>blocks</p></div>",
        "just text",
        "",
        "<html><body><p>line\u2028separator and \ud800 lone surrogate</p></body></html>",
    ],
)
def test_odd_pages_give_the_same_tree(html: str):
    same_tree(html)


@given(
    st.lists(
        st.sampled_from(
            ["<html>", "<body>", "<p>", "</p>", "text", "\x00", "\x0c", "\ufffe", "\n", "/>",
             "<!DOCTYPE x/y>", "<html/>", "é", "<div>", "&amp;", "<!-- c -->", "<?pi?>"]
        ),
        max_size=20,
    )
)  # fmt: skip
def test_generated_pages_give_the_same_tree(parts: list[str]):
    same_tree("".join(parts))


def test_sample_pages_give_the_same_tree():
    pages = sorted((ROOT / "samples" / "html").rglob("*.htm*"))
    assert pages
    for path in pages:
        try:
            html = decode_bytes(path.read_bytes(), html=True)
        except DecodeError:  # the samples hold a broken page on purpose
            continue
        same_tree(html)


def test_shared_pages_give_the_same_tree(shared_data: Path):
    pages = sorted(shared_data.glob("*/html/*.html.gz"))
    assert len(pages) > 900
    for path in pages:
        same_tree(decode_bytes(gzip.decompress(path.read_bytes()), html=True))
