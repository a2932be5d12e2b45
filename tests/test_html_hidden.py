"""Elements a page hides from every reader are not article text."""

from __future__ import annotations

from dedup.clean.html import drop_hidden, extract_html
from dedup.clean.page import parse_page

STORY = [
    "The harbour board voted on Tuesday to fund a new flood barrier after three winters of storms.",
    "Board chair Lena Ortiz said the barrier would protect the market streets from the spring tides.",
    "The barrier will cost 48 million and take four years to build, with work starting next spring.",
]
CARD = "Lena Ortiz Harbour board backs ferry timetable | Storm season starts early"


def page(body: str) -> str:
    return f"<html><head><title>Barrier</title></head><body><article>{body}</article></body></html>"


def paragraphs() -> str:
    return "".join(f"<p>{line}</p>" for line in STORY)


def test_a_hover_card_hidden_inline_is_dropped_and_the_sentence_around_it_kept():
    first = (
        '<p>Board chair <a href="/people/ortiz">Lena Ortiz</a>'
        f'<span style="DISPLAY: none">{CARD}</span> said the vote was close.</p>'
    )
    text = extract_html(page(first + paragraphs())).text
    assert "Board chair Lena Ortiz said the vote was close." in text
    assert "ferry timetable" not in text


def test_aria_hidden_and_visibility_hidden_elements_are_dropped():
    # trafilatura's own extractor prunes these too, but its fallback extractors
    # (readability, jusText), which win on some pages, do not.
    teaser = "The ferry operator said on Monday that the winter timetable would start a week early."
    for hidden in (
        f'<div aria-hidden="true"><p>{teaser}</p></div>',
        f'<p style="Visibility : Hidden">{teaser}</p>',
    ):
        tree = parse_page(page(paragraphs() + hidden + paragraphs()))
        assert drop_hidden(tree) == 1
        assert "ferry" not in tree.text_content() and "flood barrier" in tree.text_content()


def test_a_hidden_element_holding_most_of_the_page_stays():
    tree = parse_page(page(f'<div style="display:none">{paragraphs()}</div><p>Menu</p>'))
    assert drop_hidden(tree) == 0
    assert "flood barrier" in tree.text_content()


def test_nested_hidden_elements_are_dropped_once():
    nested = f'<div aria-hidden="true"><span style="display:none">{CARD}</span> tail</div>'
    tree = parse_page(page(paragraphs() + nested))
    assert drop_hidden(tree) == 1
    assert "ferry" not in tree.text_content() and "flood barrier" in tree.text_content()


def test_an_app_hidden_under_a_dialog_stays_though_its_data_script_is_larger():
    data = '{"props": {"article": "' + " ".join(STORY * 6) + '"}}'
    html = (
        f'<html><body><div id="app" aria-hidden="true"><article>{paragraphs()}</article></div>'
        '<div class="modal"><p>Subscribe to our newsletter</p></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{data}</script></body></html>'
    )
    text = extract_html(html).text
    assert all(line in text for line in STORY)


def test_hidden_parts_that_together_hold_most_of_the_page_all_stay():
    first, second, third = (f"<p>{line}</p>" for line in STORY)
    more = f'<div style="display:none">{second}</div><div style="display:none">{third}</div>'
    tree = parse_page(page(first + more))
    assert drop_hidden(tree) == 0
    assert all(line in tree.text_content() for line in STORY)
