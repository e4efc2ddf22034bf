"""Every table of every public page type fits its screen, in English and in Chinese.

"Cut" is measured, not judged: at 390, 768 and 1280 px, on each page,
- no table cell (td or th) has content wider than itself (scrollWidth <= clientWidth + 1);
- the page itself never scrolls sideways;
- a table wider than its column sits in a `.table-scroll` region that is keyboard-focusable,
  named, and shows that it scrolls (its edge shading), and at 1280 px no list page needs one.

Cost: one Chromium context per language (two in all), each page loaded once per width by
resizing the viewport: about 16 pages x 3 widths x 2 languages, some 15 s on two cores. Worth
it: widths and wrapping are the browser's to decide, and the bug it guards against (a date cut
to "2024-12-3" at 1280 px, a column off the screen at 390 px) shows in no HTML assertion.
"""

import pytest
from django.urls import Resolver404, resolve

from initiatives.models import FocusArea
from tests.site_data import build_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("staff_groups"),
]

WIDTHS = (390, 768, 1280)
LISTS = ("/initiatives/", "/projects/", "/tasks/", "/updates/", "/members/", "/areas/")

# What the page's tables do wrong, as sentences; an empty list when they fit.
MEASURE = """(wide) => {
  const problems = [];
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) {
    problems.push(`the page scrolls sideways (${page.scrollWidth} > ${page.clientWidth})`);
  }
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (cell.scrollWidth > cell.clientWidth + 1) {
      problems.push(`cell cut: "${cell.innerText.trim().slice(0, 40)}"`);
    }
  }
  for (const table of document.querySelectorAll("main table")) {
    const region = table.closest(".table-scroll");
    const holder = region || table.parentElement;
    const scrolls = region ? region.scrollWidth > region.clientWidth + 1
                           : table.offsetWidth > holder.clientWidth + 1;
    if (!scrolls) continue;
    const name = table.caption ? table.caption.innerText : (table.id || table.className);
    if (!region) { problems.push(`table wider than its column: ${name}`); continue; }
    const named = region.getAttribute("aria-label") || region.getAttribute("aria-labelledby");
    if (region.tabIndex < 0 || !named) {
      problems.push(`scroll region neither focusable nor named: ${name}`);
    }
    if (getComputedStyle(region).backgroundImage === "none") {
      problems.push(`scroll region shows no sign that it scrolls: ${name}`);
    }
    if (wide) problems.push(`table scrolls at full width: ${name}`);
  }
  return problems;
}"""


def public_pages():
    """Each public page type of the small site: the overview, the lists, an item of each kind,
    a member, an area, sources, updates, editions, and the pages that exist of members, areas,
    search, map and report."""
    area = FocusArea.objects.order_by("number").last()
    pages = [
        "/",
        "/initiatives/",
        "/projects/",
        "/tasks/",
        "/initiatives/I-02/",
        "/projects/P-07/",
        "/tasks/T-101/",
        "/members/jiangsu/",
        f"/areas/{area.slug}/",
        "/sources/",
        "/updates/",
        "/editions/",
    ]
    for path in ("/members/", "/areas/", "/search/", "/map/", "/report/"):
        try:
            resolve(path)
        except Resolver404:
            continue
        pages.append(path + ("?q=charging" if path == "/search/" else ""))
    return pages


@pytest.mark.parametrize("prefix", ["", "/zh-hans"], ids=["en", "zh"])
def test_every_table_fits_at_every_width(browser, live_server, transactional_db, prefix):
    build_site()
    pages = public_pages()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = []
    try:
        for path in pages:
            page.set_viewport_size({"width": 1280, "height": 900})
            response = page.goto(f"{live_server.url}{prefix}{path}")
            assert response.status == 200, path
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                wide = width == 1280 and path.split("?")[0] in LISTS
                found += [f"{prefix}{path} at {width}px: {p}" for p in page.evaluate(MEASURE, wide)]
    finally:
        context.close()
    assert not found, "\n".join(found)
