"""What tests/security/test_bidi_isolation.py assumes of the stylesheet, in a real Chromium:
every element that holds a name with a right-to-left override, and nothing else, is laid
out as an isolate (or is a block), so the override stops at its edge."""

import pytest
from django.urls import reverse

from ..conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each text holding U+202E that is not closed by U+2069: the tag and computed style of
# its element.
OPEN_OVERRIDES = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data, at = text.lastIndexOf("\\u202e");
    if (at < 0 || text.indexOf("\\u2069", at) >= 0) continue;
    const style = getComputedStyle(node.parentElement);
    found.push({tag: node.parentElement.tagName, bidi: style.unicodeBidi, display: style.display});
  }
  return found;
}"""


def test_the_stylesheet_isolates_user_text(page, hostile_world):
    login(page, "alice")
    seen = []
    for url in [
        reverse("events:mission-list"),
        reverse("events:mission-detail", args=[hostile_world.mission_a.pk]),
        reverse("contacts:organisation-list"),
        reverse("meetings:detail", args=[hostile_world.meeting.pk]),
    ]:
        page.goto(url)
        for element in page.evaluate(OPEN_OVERRIDES):
            seen.append(element["tag"])
            assert element["display"] != "inline" or element["bidi"] == "isolate", (url, element)
    assert "A" in seen, "no link held a hostile name: the test no longer looks at inline user text"
