"""Figures as the public reads them: "over 600,000 piles", "24.4%", "1.55"."""

import datetime
from datetime import date
from decimal import Decimal

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from initiatives import clock
from initiatives.models import Measure, Outcome, Qualifier, Schedule
from initiatives.models.choices import NO_REPORT_LABEL, Disagreement
from initiatives.models.progress import is_stale

register = template.Library()

QUALIFIED = {
    Qualifier.OVER: lambda figure: _("over %(figure)s") % {"figure": figure},
    Qualifier.NEARLY: lambda figure: _("nearly %(figure)s") % {"figure": figure},
    Qualifier.ABOUT: lambda figure: _("about %(figure)s") % {"figure": figure},
}


@register.filter
def figure(value):
    """A number with its thousands grouped and its decimal point as the page's language
    writes them (initiatives/formats), and no trailing zeros: 72.0000 reads 72, 1.5500 reads
    1.55, 600000 reads 600,000; empty for None. Exports and the API keep the stored value."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def measured(value, measure, unit, qualifier=""):
    if value is None:
        return ""
    text = figure(value)
    if measure == Measure.PERCENTAGE and unit in ("", "%"):
        text = f"{text}%"
    elif unit:
        text = f"{text} {unit}"
    wording = QUALIFIED.get(qualifier)
    return wording(text) if wording else text


@register.simple_tag
def target_figure(target, which="target"):
    """The target's baseline or target value as published, with its unit and wording."""
    if which == "baseline":
        return measured(target.baseline_value, target.measure, target.unit)
    return measured(target.target_value, target.measure, target.unit, target.target_qualifier)


@register.simple_tag
def report_figure(report, target=None):
    """A reported value as published; a milestone says whether it was reached."""
    target = target or report.target
    if target.measure == Measure.MILESTONE:
        return _("Reached") if report.milestone_reached else _("Not reached yet")
    return measured(report.value, target.measure, target.unit, report.qualifier)


@register.simple_tag
def latest_figure(target):
    """The latest approved region-wide value annotated by Target.objects.with_progress()."""
    if target.latest_as_of is None:
        return ""
    if target.measure == Measure.MILESTONE:
        return _("Reached") if target.progress == 100 else _("Not reached yet")
    return measured(target.latest_value, target.measure, target.unit)


@register.filter
def percent(value):
    """Progress as a whole percentage, rounded down so that 99.6 is not shown as done."""
    if value is None:
        return ""
    return f"{int(value)}%"


@register.filter
def schedule_label(value):
    if value is None or value == "":
        return Schedule.__empty__
    return Schedule(value).label


@register.filter
def schedule_class(value):
    """The CSS class of a position: its slug, with a hyphen (schedule-on-schedule)."""
    if value is None:
        return "unknown"
    return Schedule(value).slug.replace("_", "-")


@register.simple_tag
def progress_bar(progress, compact=False, exceeded=False):
    """A progress figure with its bar, or "No figure yet". Written in Python rather than as a
    template: a table renders one in every row."""
    if progress is None or progress == "":  # "": a variable the template does not have
        return format_html('<span class="progress-unknown">{}</span>', _("No figure yet"))
    exceeded_note = (
        format_html(' <span class="exceeded">{}</span>', _("target exceeded")) if exceeded else ""
    )
    return format_html(
        '<span class="progress{}"><progress max="100" value="{}" aria-hidden="true"></progress>'
        ' <span class="progress-figure">{}</span>{}</span>',
        " progress-compact" if compact else "",
        f"{progress:.1f}",
        percent(progress),
        exceeded_note,
    )


@register.simple_tag
def schedule_badge(schedule, no_report=False):
    """The position in words; for an item or target with no approved report, "No report yet"
    in place of "Unknown", or beside the position it has been worked out to."""
    if no_report and (schedule is None or schedule == ""):
        return format_html('<span class="schedule schedule-no-report">{}</span>', NO_REPORT_LABEL)
    badge = format_html(
        '<span class="schedule schedule-{}">{}</span>',
        schedule_class(schedule),
        schedule_label(schedule),
    )
    if no_report:
        return format_html('{} <span class="flag">{}</span>', badge, _("no report yet"))
    return badge


@register.simple_tag
def outcome_badge(outcome, progress=None):
    """An item's outcome at the close of its round, "partly achieved" with its progress."""
    if not outcome:
        return ""
    outcome = Outcome(outcome)
    label = outcome.label
    if outcome == Outcome.PARTLY_ACHIEVED and progress not in (None, ""):
        label = _("%(outcome)s (%(progress)s)") % {"outcome": label, "progress": percent(progress)}
    return format_html(
        '<span class="outcome outcome-{}">{}</span>', outcome.value.replace("_", "-"), label
    )


@register.simple_tag
def stale_note(as_of, today=None):
    """ "not updated since <date>" for a figure older than TRACKER_STALE_AFTER_DAYS; empty for
    a recent one, or for none."""
    if as_of is None or as_of == "":
        return ""
    if isinstance(as_of, str):  # a date a database handed back as text
        as_of = date.fromisoformat(as_of[:10])
    if not is_stale(as_of, today or clock.today()):
        return ""
    return format_html(
        '<span class="flag flag-stale">{}</span>',
        _("not updated since %(date)s") % {"date": as_of.isoformat()},
    )


@register.simple_tag
def disagreement_note(disagreement, status, short=False):
    """Where the declared status contradicts the figures, in words: the whole sentence, or
    (short) the label a list row has room for; empty where they agree."""
    if not disagreement:
        return ""
    kind = Disagreement(disagreement)
    if short:
        return format_html('<span class="flag flag-disagrees">{}</span>', kind.label)
    return format_html(
        '<span class="flag flag-disagrees">{}</span> {}',
        _("Status disagrees with progress:"),
        kind.wording(status),
    )


@register.filter
def revised_value(value):
    """A value before or after a revision, as the public reads it: a date as 2026-12-31, a
    number as a figure, a choice as its label, "—" when there was none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return figure(value)
    return str(value)
