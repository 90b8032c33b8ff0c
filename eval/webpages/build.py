"""Build the real-page boilerplate set: 25 real French web pages rendered as a naive scraper would.

Run from the repository root:  python eval/webpages/build.py /work/shared/corpora

For every page `web-pages-fr/html/X.html` it writes `pages/X.txt`: all visible text lines of the
page in document order, furniture included. Rendering rules (a naive "get all the text" scraper):

- the content of script, style, noscript, template, head, svg, iframe, object and canvas elements
  is dropped, and so is every element marked hidden (`hidden` attribute, `aria-hidden="true"` is
  NOT treated as hidden, inline style `display:none` / `visibility:hidden`);
- block elements (p, div, li, h1-h6, td, section, …) and <br> break lines; inline elements don't;
- whitespace (including no-break spaces) is collapsed to one space; lines are stripped and blank
  lines are dropped.

It never writes the hand labels (`pages/X.labels`, one `<label>\\t<family>` row per non-blank
line of `X.txt`); it checks that each .labels file, where present, has as many rows as the page
has non-blank lines. The output depends only on the input bytes (stdlib html.parser), so the
committed pages can be rebuilt byte for byte.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas",
                  "title"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                  "source", "track", "wbr"})
BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
                   "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
                   "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
                   "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary", "table",
                   "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br"})
#: tags closed implicitly when the same tag (or, for p, any block) opens while they are open on top
SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"\s+")


class Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.hidden = 0  # how many open elements hide their content
        self.lines: list[str] = []
        self.current: list[str] = []

    def _break(self) -> None:
        line = _WS.sub(" ", "".join(self.current)).strip()
        if line:
            self.lines.append(line)
        self.current = []

    def _pop(self) -> None:
        tag, hides = self.stack.pop()
        self.hidden -= hides
        if tag in BLOCK and not self.hidden:
            self._break()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in BLOCK and not self.hidden:
            self._break()
        if tag in VOID:
            return
        if self.stack and self.stack[-1][0] in SELF_CLOSING_SIBLINGS and (
                self.stack[-1][0] == tag or (self.stack[-1][0] == "p" and tag in BLOCK)):
            self._pop()
        hides = tag in SKIP or "hidden" in a or bool(_HIDDEN_STYLE.search(a.get("style") or ""))
        self.stack.append((tag, hides))
        self.hidden += hides

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK and not self.hidden:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if not any(t == tag for t, _ in self.stack):
            if tag in BLOCK and not self.hidden:  # a stray </p> or </div> still ends a line
                self._break()
            return
        while self.stack:
            top = self.stack[-1][0]
            self._pop()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)

    def text(self) -> str:
        self._break()
        return "".join(line + "\n" for line in self.lines)


def render(html: str) -> str:
    r = Renderer()
    r.feed(html)
    r.close()
    return r.text()


def non_blank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def check_labels(folder: Path) -> list[str]:
    """Problems with the hand labels: a page without labels, or a count that does not match."""
    problems = []
    for page in sorted(folder.glob("*.txt")):
        labels = page.with_suffix(".labels")
        if not labels.is_file():
            problems.append(f"{labels.name}: missing")
            continue
        n_lines = non_blank(page.read_text(encoding="utf-8"))
        n_labels = non_blank(labels.read_text(encoding="utf-8"))
        if n_lines != n_labels:
            problems.append(f"{labels.name}: {n_labels} labels for {n_lines} non-blank lines")
    return problems


def main(corpora: Path) -> int:
    src = corpora / "web-pages-fr" / "html"
    out = HERE / "pages"
    out.mkdir(exist_ok=True)
    for path in sorted(src.glob("*.html")):
        text = render(path.read_bytes().decode("utf-8", errors="replace"))
        (out / f"{path.stem}.txt").write_text(text, encoding="utf-8", newline="\n")
    problems = check_labels(out)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build.py CORPORA_DIR (the folder holding web-pages-fr/)")
    sys.exit(main(Path(sys.argv[1])))
