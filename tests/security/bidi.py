"""Is every piece of user text isolated from the text around it?

A right-to-left override (U+202E) typed into a name reverses everything after it up
to the end of its bidi paragraph, so "Report for X<U+202E>gnp.exe on 5 Dec" shows the
page's own words backwards. A paragraph ends at a block's edge; inside one, user
text must sit in an element the browser isolates (``<bdi>``, any element with a
``dir`` attribute, or an inline element that static/css/app.css isolates), with
none of the page's own words after it in that element. In ``<title>`` (no markup
allowed) the text must be closed by U+2069, the end of a Unicode isolate.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

RLO = "\u202e"
PDI = "\u2069"
SUFFIX = "gnp.exe"  # every hostile value ends with RLO + this: it reads "exe.png"


def hostile(label: str) -> str:
    """A value that reverses whatever follows it unless it is isolated."""
    return f"{label} {RLO}{SUFFIX}"


CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"

# Elements whose edges end a bidi paragraph (HTML's block-level and table elements,
# and form controls, whose text is laid out on its own).
BLOCKS = set(
    [
        "html",
        "body",
        "main",
        "header",
        "footer",
        "nav",
        "section",
        "article",
        "aside",
        "div",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "form",
        "fieldset",
        "legend",
        "figure",
        "figcaption",
        "blockquote",
        "pre",
        "address",
        "details",
        "summary",
        "option",
        "optgroup",
        "select",
        "textarea",
        "hr",
        "br",
    ]
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def isolated_by_css(css: str | None = None) -> set[str]:
    """The element names the stylesheet's ``unicode-bidi: isolate`` rule lists."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text() if css is None else css, flags=re.S)
    names = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if re.search(r"unicode-bidi\s*:\s*isolate", body):
            names |= {s.strip() for s in selectors.split(",") if re.fullmatch(r"[a-z0-9]+", s.strip())}
    return names


class _Checker(HTMLParser):
    def __init__(self, isolating: set[str]):
        super().__init__(convert_charrefs=True)
        self.isolating = isolating
        self.stack: list[dict] = []  # {"tag", "isolates", "tainted"}
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        isolates = tag in BLOCKS or tag in self.isolating or tag == "bdi" or any(k == "dir" for k, _ in attrs)
        self.stack.append({"tag": tag, "isolates": isolates, "tainted": None})

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not data.strip() or not self.stack:
            return
        where = " > ".join(e["tag"] for e in self.stack[-4:])
        # Each hostile value is "label RLO gnp.exe": right after it comes either U+2069 (the value was
        # wrapped in an isolate), or the end of this text (then its element must isolate it).
        open_at_end, mixed = False, False
        for i in (i for i, c in enumerate(data) if c == RLO):
            after = data[i + 1 + len(SUFFIX) :]
            if after.startswith(PDI):
                continue
            if re.match(rf"\s+\u2068?[\w.]+ {RLO}", after):
                continue  # the next part of the same name ("given family"): one piece of user text
            if after.strip():
                mixed = True
            else:
                open_at_end = True
        if self.stack[-1]["tag"] == "title":
            if mixed or open_at_end:
                self.problems.append(f"<title> holds {data.strip()!r} with no U+2069 after the user text")
            return
        if self.stack[-1]["tag"] in {"script", "style"}:
            return
        # Text after user text, in the same isolate: the override reaches it.
        for element in reversed(self.stack):
            if element["tainted"]:
                self.problems.append(f"{where}: {data.strip()!r} follows {element['tainted']!r} in one isolate")
                break
            if element["isolates"]:
                break
        if mixed:
            self.problems.append(f"{where}: {data.strip()!r} has the page's own text after the user text")
        if open_at_end:
            innermost = self.stack[-1]
            if not innermost["isolates"]:
                self.problems.append(f"{where}: {data.strip()!r} is inside <{innermost['tag']}>, which is not isolated")
            innermost["tainted"] = data.strip()


def bidi_problems(html: str, isolating: set[str] | None = None) -> list[str]:
    checker = _Checker(isolated_by_css() if isolating is None else isolating)
    checker.feed(html)
    checker.close()
    return checker.problems
