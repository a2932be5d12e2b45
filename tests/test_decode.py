import codecs
import contextlib
import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.io.decode import DecodeError, decode_bytes, gunzip_if_needed


def test_meta_charset_wins_for_html():
    html = '<html><head><meta charset="windows-1252"></head><body>“Café” Müller</body></html>'
    assert "“Café” Müller" in decode_bytes(html.encode("cp1252"), html=True)


def test_http_equiv_charset():
    html = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>Zürich €'
    # latin-1 declarations are read as windows-1252, as browsers do
    assert "Zürich €" in decode_bytes(html.encode("cp1252"), html=True)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_decides(encoding):
    assert decode_bytes("Grüße aus Köln".encode(encoding)) == "Grüße aus Köln"


def test_undeclared_legacy_text_is_detected():
    text = "Le président a déclaré à la presse que les négociations étaient très avancées. " * 5
    assert decode_bytes(text.encode("cp1252")) == text


def test_unlabelled_western_html_is_read_as_windows_1252_not_another_code_page():
    page = (  # charset-normalizer's best guess for these latin-1 bytes is cp1250
        "<!DOCTYPE html><html><head><title>Le conseil approuve la réparation du pont | Le "
        'Courrier</title>\n<link rel="canonical" href="https://courrier.example.fr/pont">'
        '<meta property="og:title" content="Le conseil approuve la réparation du pont">\n'
        '<meta property="article:published_time" content="2024-12-03T10:00:00Z"></head><body>\n'
        '<header><nav><ul><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li>'
        '<li><a href="/business">Business</a></li></ul></nav></header><p>Mise à jour</p></body></html>'
    )
    assert decode_bytes(page.encode("latin-1"), html=True) == page


def test_header_charset_outranks_meta():
    html = '<meta charset="utf-8"><p>Señor'.encode("cp1252")
    assert "Señor" in decode_bytes(html, html=True, declared="windows-1252")


def test_binary_is_rejected():
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(bytes(range(256)) * 4)


def test_truncated_gzip_is_rejected():
    data = gzip.compress(b"hello world " * 100)
    with pytest.raises(DecodeError, match="gzip"):
        gunzip_if_needed(data[: len(data) // 2])


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=300))
def test_utf8_text_round_trips(text):
    assert decode_bytes(text.encode("utf-8")) == text


@given(st.binary(max_size=2000))
def test_decode_never_raises_anything_but_decode_error(data):
    with contextlib.suppress(DecodeError):
        assert isinstance(decode_bytes(data, html=True), str)


def test_bom_constant_sanity():
    assert codecs.BOM_UTF8 == b"\xef\xbb\xbf"
