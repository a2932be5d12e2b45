import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dedup.io.readers import parse_jsonl_line, read_inputs, read_jsonl_stream
from dedup.io.writers import JsonlWriter
from dedup.records import Problem, Record


def _items(*paths):
    return list(read_inputs([str(p) for p in paths]))


def test_directory_walk_is_recursive_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("zed")
    (tmp_path / "a.html").write_text("<p>a</p>")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden")
    (tmp_path / "notes.md").write_text("not an input type")
    items = _items(tmp_path)
    records = [i for i in items if isinstance(i, Record)]
    assert [Path(r.id).name for r in records] == ["a.html", "z.txt"]
    assert records[0].html == "<p>a</p>" and records[1].text == "zed"
    ignored = [i for i in items if isinstance(i, Problem)]
    assert len(ignored) == 1 and ignored[0].ignored and ignored[0].source.endswith("notes.md")


def test_explicit_unsupported_file_is_a_warning(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b")
    [problem] = _items(path)
    assert isinstance(problem, Problem) and not problem.ignored
    assert "unsupported" in problem.reason


def test_missing_empty_and_binary_files_are_problems(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.html").write_bytes(bytes(range(256)) * 10)
    items = _items(tmp_path / "nope.txt", tmp_path / "empty.txt", tmp_path / "bin.html")
    reasons = [(Path(p.source).name, p.reason) for p in items]
    assert reasons == [
        ("nope.txt", "no such file or directory"),
        ("empty.txt", "empty file"),
        ("bin.html", "binary data, not text"),
    ]


def test_gzipped_html_and_truncated_gzip(tmp_path):
    (tmp_path / "ok.html.gz").write_bytes(gzip.compress(b"<p>hello</p>"))
    data = gzip.compress(b"<p>" + b"long text " * 500 + b"</p>")
    (tmp_path / "bad.html.gz").write_bytes(data[:40])
    bad, ok = _items(tmp_path)
    assert isinstance(bad, Problem) and "gzip" in bad.reason
    assert isinstance(ok, Record) and ok.html == "<p>hello</p>"


def test_jsonl_lines_and_errors_name_file_and_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "alpha", "url": "http://x/a", "lang": "en"}),
        "{broken",
        json.dumps({"id": "b"}),
        "",
        json.dumps([1, 2]),
        json.dumps({"id": 7, "html": "<p>seven</p>", "title": "Seven"}),
        json.dumps({"id": True, "text": "bool id"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    items = _items(path)
    src = path.as_posix()
    assert isinstance(items[0], Record) and items[0].extra == {"lang": "en"}
    assert [str(p) for p in items if isinstance(p, Problem)] == [
        f"{src}:line 2: invalid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        f"{src}:line 3: needs an 'html' or a 'text' field",
        f"{src}:line 5: expected a JSON object, got list",
        f"{src}:line 7: missing or invalid 'id' (a non-empty string or integer)",
    ]
    seven = items[4]
    assert seven.id == "7" and seven.html == "<p>seven</p>" and seven.title == "Seven"


def test_jsonl_keeps_unicode_line_separators_inside_strings():
    text = "first\u2028second\u2029third\x85fourth"
    stream = io.BytesIO((json.dumps({"id": "u", "text": text}, ensure_ascii=False) + "\n").encode())
    [record] = read_jsonl_stream(stream, "s")
    assert record.text == text


def test_truncated_gzip_jsonl_reports_where_it_stopped(tmp_path):
    body = "".join(json.dumps({"id": i, "text": "word " * 50}) + "\n" for i in range(200))
    data = gzip.compress(body.encode())
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = _items(path)
    assert isinstance(items[-1], Problem) and "gzip" in items[-1].reason
    assert all(isinstance(i, Record) for i in items[:-1]) and len(items) > 1


def test_stdin_reads_jsonl():
    stream = io.BytesIO(b'{"id": "s1", "text": "from stdin"}\n')
    [record] = read_inputs(["-"], stdin=stream)
    assert record.id == "s1" and record.source == "<stdin>:line 1"


def _warc(path: Path, responses: list[tuple], status: str = "200 OK") -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")
        for url, ctype, body, *given in responses:
            line = given[0] if given else status
            headers = StatusAndHeaders(line, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(rec)


def test_warc_html_responses_become_records(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    page = "<html><body><p>Zürich news</p></body></html>".encode("cp1252")
    _warc(
        path,
        [
            ("http://a.example/1", "text/html; charset=windows-1252", page),
            ("http://a.example/logo.png", "image/png", b"\x89PNG...."),
        ],
    )
    record, image = _items(path)
    assert isinstance(record, Record) and record.url == "http://a.example/1"
    assert "Zürich" in record.html and record.id.startswith("urn:uuid:")
    assert isinstance(image, Problem) and image.ignored and "image/png" in image.reason


def test_warc_redirects_and_error_pages_are_ignored(tmp_path):
    path = tmp_path / "crawl.warc"
    body = b"<html><body><p>Page not found. Try our home page or search.</p></body></html>"
    _warc(
        path,
        [
            ("http://a.example/gone", "text/html", body, "404 Not Found"),
            ("http://a.example/old", "text/html", body, "301 Moved Permanently"),
            ("http://a.example/ok", "text/html", body),
        ],
    )
    gone, moved, ok = _items(path)
    assert isinstance(gone, Problem) and gone.ignored and "404" in gone.reason
    assert isinstance(moved, Problem) and moved.ignored and "301" in moved.reason
    assert isinstance(ok, Record)


def test_truncated_warc_is_a_problem(tmp_path):
    path = tmp_path / "crawl.warc"
    _warc(path, [(f"http://a.example/{i}", "text/html", b"<p>x</p>" * 300) for i in range(3)])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = _items(path)
    assert isinstance(items[-1], Problem) and "WARC" in items[-1].reason


@pytest.mark.parametrize("name", ["junk.warc", "junk.warc.gz"])
def test_a_file_that_is_not_a_warc_is_one_unreadable_input(tmp_path, capfd, name):
    path = tmp_path / name
    data = b"this is not a warc file\n" * 10
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    [problem] = _items(path)
    assert isinstance(problem, Problem) and not problem.ignored
    assert problem.reason == "not a WARC file (it does not start with a WARC/ header)"
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("data", [b"", gzip.compress(b"")])
def test_an_empty_warc_file_holds_no_records_and_no_error(tmp_path, data):
    path = tmp_path / ("empty.warc.gz" if data else "empty.warc")
    path.write_bytes(data)
    assert _items(path) == []


ids = st.one_of(st.text(min_size=1, max_size=20), st.integers(min_value=0, max_value=10**9))


@given(ids, st.text(max_size=200), st.dictionaries(st.sampled_from(["url", "title"]), st.text()))
def test_jsonl_round_trip(doc_id, text, meta):
    buf = io.StringIO()
    JsonlWriter(buf).write({"id": doc_id, "text": text, **meta})
    raw = buf.getvalue().encode()
    assert raw.count(b"\n") == 1
    record = parse_jsonl_line(raw, "x")
    assert isinstance(record, Record)
    assert (record.id, record.text, record.url, record.title) == (
        str(doc_id),
        text,
        meta.get("url"),
        meta.get("title"),
    )


@given(st.binary(max_size=300))
def test_any_line_is_a_record_or_a_problem(raw):
    assert isinstance(parse_jsonl_line(raw, "x"), (Record, Problem))
