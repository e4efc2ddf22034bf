"""Who and what: the index of the plan's members and of its focus areas, and a map of the
members coloured by how much of what each leads is behind.

Their figures are the overview's: every item's figures counted by the database per member and
per area (`tallies`, `led_tallies`) and summarised (`summarise`), so a member's row here, on
the overview and on its own page agree. Each page costs a fixed number of queries, whatever the
size of the plan."""

from collections import defaultdict

from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import clock
from ..as_of import requested_as_of
from ..models import FocusArea, Member, PlanItem
from ..tables import streamed_download
from . import (
    LISTS,
    NotOffered,
    download_refused,
    led_tallies,
    progress_cell,
    requested_download,
    summarise,
    tallies,
    viewed_plan,
)

# Where each of the region's members sits on the tile map, (column, row), roughly as on the
# ground: Jiangsu north, Shanghai east, Zhejiang south, Anhui west. A member not placed here
# (another plan's) goes in a row of its own below.
TILE_PLACES = {"jiangsu": (1, 0), "anhui": (0, 1), "shanghai": (2, 1), "zhejiang": (1, 2)}
TILE = 150  # side of a tile, in SVG units
GAP = 8
# Shades of the share of led items behind schedule, overdue or not reported: (up to, label,
# fill, text colour). The tile also says the figure in words, so colour is never the only cue.
SHADES = (
    (0, _("none behind"), "#d9eede", "#123"),
    (25, _("up to a quarter behind"), "#fbe7a6", "#123"),
    (50, _("up to half behind"), "#f4b183", "#123"),
    (100, _("more than half behind"), "#c0392b", "#fff"),
)

NOTHING_LED = {"label": _("leads nothing"), "fill": "#eceff1", "ink": "#123"}


def member_standings(plan, as_of):
    """A summary of what each member of `plan` leads, with how many items it co-leads, in
    the members' order: three queries, counted by the database (tallies())."""
    today = as_of or clock.today()
    led, co = led_tallies(plan, as_of)
    members = Member.objects.filter(pk__in={*led, *co}).order_by("position", "slug")
    standings = []
    for member in members:
        summary = summarise(led[member.pk], today)
        share, colour = shade(summary["behind"], summary["count"])
        standings.append(
            {"member": member, "co_count": co.get(member.pk, 0), "share": share, "shade": colour}
            | summary
        )
    return standings


def shade(behind, count):
    """The share behind, in whole percent (None with nothing led), and its shade."""
    if not count:
        return None, None
    share = round(100 * behind / count)
    for limit, label, fill, ink in SHADES:
        if share <= limit:
            return share, {"label": label, "fill": fill, "ink": ink}
    return share, None  # not reached: the last shade goes up to 100


def tiles(standings):
    """The map's tiles: each member placed as on the ground, others in a row below."""
    placed = [row for row in standings if row["member"].slug in TILE_PLACES]
    others = [row for row in standings if row["member"].slug not in TILE_PLACES]
    below = 1 + max((TILE_PLACES[row["member"].slug][1] for row in placed), default=-1)
    shown = []
    for n, row in enumerate([*placed, *others]):
        column, line = TILE_PLACES.get(row["member"].slug, (n - len(placed), below))
        shown.append(
            {
                **row,
                "shade": row["shade"] or NOTHING_LED,
                "x": column * (TILE + GAP),
                "y": line * (TILE + GAP),
            }
        )
    columns = 1 + max((tile["x"] // (TILE + GAP) for tile in shown), default=0)
    lines = 1 + max((tile["y"] // (TILE + GAP) for tile in shown), default=0)
    return shown, columns * (TILE + GAP) - GAP, lines * (TILE + GAP) - GAP


def members_page(request, plan):
    """What both pages of the members show: (None, {plan, plans, as_of, by_member}); or, when
    `?_export=` asks for a download of the members' table, (its response, None)."""
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    try:
        export_format = requested_download(request)
    except NotOffered:
        return download_refused(), None
    standings = member_standings(plan, as_of)
    if export_format:
        rows = member_rows(standings)
        return streamed_download(rows, export_format, f"members.{export_format}"), None
    return None, {"plan": plan, "plans": plans, "as_of": as_of, "by_member": standings}


def member_list(request, plan=None):
    """Every member of the plan, with what it leads and co-leads and how far it is."""
    download, shown = members_page(request, plan)
    if download:
        return download
    return render(request, "initiatives/member_list.html", shown)


def member_rows(standings):
    """The members' table as its download gives it: the header, then a row a member."""
    yield [
        str(label)
        for label in (
            _("Member"),
            _("Slug"),
            _("Leads"),
            _("Co-leads"),
            _("Mean progress of what it leads"),
            _("Behind, overdue or not reported"),
            _("No report yet"),
        )
    ]
    for row in standings:
        member = row["member"]
        yield [
            member.name,
            member.slug,
            row["count"],
            row["co_count"],
            progress_cell(row["progress"]),
            row["behind"],
            row["no_report"],
        ]


def area_rows(kinds, by_area):
    """The focus areas' table as its download gives it: the header, then a row an area."""
    header = [_("Focus area"), _("Slug"), *kinds, _("Mean progress")]
    header += [_("Behind, overdue or not reported"), _("No report yet")]
    yield [str(label) for label in header]
    for row in by_area:
        area = row["area"]
        yield [
            area.name,
            area.slug,
            *row["kind_counts"],
            progress_cell(row["progress"]),
            row["behind"],
            row["no_report"],
        ]


def area_list(request, plan=None):
    """Every focus area of the plan, with its items of each list and how far they are."""
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    try:
        export_format = requested_download(request)
    except NotOffered:
        return download_refused()
    today = as_of or clock.today()
    kinds = [model.KIND for model, *_rest in LISTS]
    by_area = defaultdict(lambda: {kind: [] for kind in kinds})
    for tally in tallies(PlanItem.objects.in_plan(plan), plan, as_of):
        by_area[tally.focus_area][tally.kind].append(tally)
    areas = FocusArea.objects.filter(pk__in=list(by_area)).order_by("number")
    names = [model._meta.verbose_name_plural for model, *_rest in LISTS]
    summaries = [
        {
            "area": area,
            "kind_counts": [sum(t.n for t in by_area[area.pk][kind]) for kind in kinds],
            **summarise([row for kind in kinds for row in by_area[area.pk][kind]], today),
        }
        for area in areas
    ]
    if export_format:
        rows = area_rows([capfirst(name) for name in names], summaries)
        return streamed_download(rows, export_format, f"areas.{export_format}")
    return render(
        request,
        "initiatives/focusarea_list.html",
        {"plan": plan, "plans": plans, "as_of": as_of, "kinds": names, "by_area": summaries},
    )


def member_map(request, plan=None):
    """A tile map of the plan's members, each coloured by the share of what it leads that is
    behind, overdue or not reported, with the same figures in a table beside it; its
    downloads are the members' table's."""
    download, shown = members_page(request, plan)
    if download:
        return download
    placed, width, height = tiles(shown.pop("by_member"))  # the map's table reads the tiles
    return render(
        request,
        "initiatives/member_map.html",
        {
            **shown,
            "tiles": placed,
            "width": width,
            "height": height,
            "tile": TILE,
            "shades": [{"label": label, "fill": fill} for _limit, label, fill, _ink in SHADES],
        },
    )
