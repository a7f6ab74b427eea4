"""Keep right-to-left text (and bidi control characters) typed by a user from turning
the words around it backwards.

``isolate(value)`` wraps text that holds right-to-left letters or explicit bidi
controls in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (Unicode's isolates,
UAX #9): inside, the text keeps its own direction; outside, nothing it opened leaks,
so an override in "invoice<U+202E>gnp.exe" can reverse only itself. It works where
markup cannot: page titles, option labels, email subjects and plain-text bodies, and the PDF report (Pango
honours the isolates; WeasyPrint has no ``unicode-bidi``). ``Isolate(expression)``
does the same in SQL, for labels the exports build in the database. Latin, CJK and
digits are left as they are, so copying a name copies just the name. (Elements that
hold nothing but user text are isolated by static/css/app.css instead.)
"""

import re

from django.db.models import CharField, Func, Value

FSI, PDI = "\u2068", "\u2069"
# What can reorder the text after it: the right-to-left scripts' blocks (Hebrew to
# Arabic Extended, their presentation forms, the historic RTL scripts and Adlam), the
# right-to-left mark, and the explicit embeddings, overrides and isolates. One class,
# used by Python and by PostgreSQL's regular expressions alike.
REORDERING = (
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u200f\u202a-\u202e\u2066-\u2069"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_reordering = re.compile(REORDERING)


def needs_isolation(text: str) -> bool:
    return not text.isascii() and _reordering.search(text) is not None


def isolate(value) -> str:
    """``value`` as text, inside a Unicode isolate when it could reorder its neighbours."""
    text = "" if value is None else str(value)
    return f"{FSI}{text}{PDI}" if needs_isolation(text) else text


class Isolate(Func):
    """``isolate()`` in SQL: the text inside FSI … PDI when it holds a reordering character."""

    function = "regexp_replace"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(f"^(.*{REORDERING}.*)$"), Value(f"{FSI}\\1{PDI}"), Value("s"), **extra)
