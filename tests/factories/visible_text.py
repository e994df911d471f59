"""The visible prose of a rendered page, block by block, for the reading-grade tests."""

from __future__ import annotations

from html.parser import HTMLParser

# Blocks a reader takes in as one piece of text.
BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "caption",
     "figcaption", "label", "legend", "summary", "blockquote", "div", "section", "aside"}
)  # fmt: skip
# Left out: navigation, scripts and drawings; the "More detail" disclosure (precise wording the
# reader opens by choice); citation marks, source lists and evidence badges (references, not
# prose); the page header and footer (the same brand line and disclaimer on every page); the
# choices of a drop-down list (single labels read one at a time, not a run of prose).
SKIPPED_TAGS = frozenset(
    {"nav", "script", "style", "svg", "template", "header", "footer", "select"}
)
SKIPPED_CLASSES = frozenset({"more-detail", "cites", "cite", "sources", "source-list", "fact-meta"})


class _Blocks(HTMLParser):
    def __init__(self, root: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = root
        self.inside_root = 0
        self.skipping: list[str] = []
        self.buffer: list[str] = []
        self.blocks: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        if text:
            self.blocks.append(text)
        self.buffer = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag == self.root:
            self.inside_root += 1
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.append(tag)
            return
        if tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES:
            self.flush()
            self.skipping.append(tag)
        elif tag in BLOCKS or tag == "br":
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping.pop()
            return
        if tag in BLOCKS:
            self.flush()
        if tag == self.root:
            self.inside_root -= 1
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.inside_root and not self.skipping:
            self.buffer.append(data)


def visible_blocks(html: str, boilerplate: tuple[str, ...] = ()) -> list[str]:
    """Text blocks inside <main> (or <body> for a page without one), boilerplate removed."""
    parser = _Blocks("main" if "<main" in html else "body")
    parser.feed(html)
    parser.close()
    return [block for block in parser.blocks if block not in boilerplate]
