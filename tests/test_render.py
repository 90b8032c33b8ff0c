"""Per-document views: hostile article text is shown as text, never run."""

from __future__ import annotations

from veille.models import Document, Timex
from veille.render import annotation_dict, highlight_html, render, render_html

HOSTILE = ('Le <script>alert(1)</script> ministre a déclaré mardi {{ 7*7 }} '
           '<a href="javascript:alert(2)">lien</a> &amp; <img src=x onerror=alert(3)>.')


def test_render_html_escapes_hostile_text_and_forbids_scripts():
    doc = Document("art_x", "p.txt", HOSTILE, title="<b>titre</b>")
    doc.timexes = [Timex(HOSTILE.index("mardi"), HOSTILE.index("mardi") + 5, "mardi", value="2023-09-12")]
    page = render_html(doc)
    assert "<script>" not in page and "<img" not in page and "<a href" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page and "&amp;amp;" in page
    assert "default-src 'none'" in page  # the page's CSP: no script can run even if one slipped in
    assert '<mark class="timex" title="DATE 2023-09-12 (-)">mardi</mark>' in page


def test_highlight_html_keeps_offsets_and_resolves_overlaps():
    text = "Kim Jong Un a rencontré Poutine."
    out = highlight_html(text, [(0, 11, "actor", "Kim"), (4, 8, "place", "x"), (24, 31, "actor", "P")])
    assert out == ('<mark class="actor" title="Kim">Kim Jong Un</mark> a rencontré '
                   '<mark class="actor" title="P">Poutine</mark>.')


def test_render_formats_and_annotation_dict_fields():
    doc = Document("art_x", "p.txt", "Texte.")
    data = annotation_dict(doc)
    assert data["text"] == "Texte." and data["actors"] == [] and "raw_text" not in data
    assert render(doc, "text").startswith("article  art_x  (p.txt)")
