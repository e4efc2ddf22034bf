"""A target's outlook from its trend (Target.outlook()) in one sentence, for the item page."""

from decimal import Decimal

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from initiatives.models import Measure
from initiatives.models import outlook as trend

from .figures import figure, measured

register = template.Library()


def pace(result, target):
    """The observed pace a year, signed: "+4.1 %" by growth, "+12.5 piles" or "+30.8
    percentage points" by the linear pace."""
    rate = result.observed_rate
    if result.method == trend.GROWTH:
        return _("%(rate)s %%") % {"rate": f"{rate * 100:+.1f}"}
    sign = "+" if rate >= 0 else "-"
    # Whole units from a hundred a year, tenths below: the pace is an estimate.
    amount = Decimal(str(round(abs(rate)) if abs(rate) >= 100 else round(abs(rate), 1)))
    if target.measure == Measure.PERCENTAGE:
        return _("%(rate)s percentage points") % {"rate": f"{sign}{figure(amount)}"}
    return f"{sign}{measured(amount, target.measure, target.unit)}"


def sentence(target, result):
    """What the trend says of the target, in words."""
    goal = measured(target.target_value, target.measure, target.unit, target.target_qualifier)
    outlook = str(result.outlook.label).lower()
    if result.reached:
        return _("The target of %(target)s has been met since %(date)s: %(outlook)s.") % {
            "target": goal,
            "date": result.projected_date.isoformat(),
            "outlook": outlook,
        }
    words = {
        "since": date_format(result.since, "YEAR_MONTH_FORMAT"),
        "pace": pace(result, target),
        "target": goal,
        "outlook": outlook,
    }
    if result.projected_date is None:
        return (
            _(
                "At the pace since %(since)s (%(pace)s a year) the target of %(target)s is "
                "not reached: %(outlook)s."
            )
            % words
        )
    words["month"] = date_format(result.projected_date, "YEAR_MONTH_FORMAT")
    return (
        _(
            "At the pace since %(since)s (%(pace)s a year) the target of %(target)s is "
            "reached in %(month)s: %(outlook)s."
        )
        % words
    )


@register.simple_tag
def outlook_sentence(target, result):
    """The sentence with the outlook marked for styling; empty without an outlook."""
    if result is None:
        return ""
    return format_html(
        '<span class="outlook outlook-{}">{}</span>',
        result.outlook.value.replace("_", "-"),
        sentence(target, result),
    )
