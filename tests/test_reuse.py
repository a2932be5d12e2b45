"""Identical records are cleaned once; every copy still gets its own row, in input order."""

from dedup.clean import ChromeSettings
from dedup.config import Params
from dedup.pipeline import Preparer, content_key, prepare_all
from dedup.records import Record

PAGE = "<html><head><title>Port strike</title></head><body><article>{}</article></body></html>"
BODY = "<p>Dock workers walked out on Monday over pay and hours at the port.</p>" * 12


def records() -> list[Record]:
    other = PAGE.format(BODY.replace("Monday", "Friday"))
    return [
        Record(id="a", source="x", html=PAGE.format(BODY)),
        Record(id="b", source="y", html=PAGE.format(BODY), extra={"k": 1}),
        Record(id="c", source="z", html=other),
        Record(id="d", source="w", html=PAGE.format(BODY), url="https://a.example/1"),
        Record(id="e", source="v", text="plain text " * 30),
        Record(id="f", source="u", text="plain text " * 30),
    ]


def test_content_key_covers_what_cleaning_reads():
    a, b, _, d, e, _ = records()
    assert content_key(a) == content_key(b)
    assert content_key(a) != content_key(d)
    assert content_key(Record(id="1", source="", text="x")) != content_key(
        Record(id="1", source="", html="x")
    )
    assert content_key(e) != content_key(a)


def test_reused_results_equal_cleaning_each_record():
    params, settings = Params(), ChromeSettings(use_repetition=False)
    for workers in (1, 2):
        out = prepare_all(records(), params, settings, workers)
        assert [p.doc.id for p in out] == ["a", "b", "c", "d", "e", "f"]
        assert [p.doc.source for p in out] == ["x", "y", "z", "w", "v", "u"]
        assert out[1].doc.extra == {"k": 1} and out[0].doc.extra == {}
        alone = Preparer(params, settings)
        for prepared, record in zip(out, records(), strict=True):
            expected = alone(record)
            assert prepared.doc == expected.doc and prepared.error == expected.error
            assert prepared.sketch.id == record.id
            assert (prepared.sketch.signature == expected.sketch.signature).all()
