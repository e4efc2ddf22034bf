from datetime import datetime, time
from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .as_of import requested_as_of
from .models import Edition
from .templatetags.figures import report_figure
from .views import approved_reports, viewed_plan


class FeedOf(NamedTuple):
    """What one request of the updates feed is of: a plan, as of a day (None: today)."""

    plan: object
    as_of: object

    def address(self, viewname):
        url = self.plan.reverse(viewname)
        return f"{url}?as_of={self.as_of.isoformat()}" if self.as_of else url


class UpdateFeed(Feed):
    """The latest approved progress reports of one plan, as Atom, in the language of the URL;
    with `?as_of=`, those dated and approved by the end of that day, as on the pages."""

    feed_type = Atom1Feed
    subtitle = _("Progress reported against the plan's targets, once reviewed and approved.")

    def get_object(self, request, plan=None):
        plan = viewed_plan(plan)[0]
        return FeedOf(plan, requested_as_of(request, plan))

    def title(self, scope):
        # Named as the pages are: what it is, then the plan's short name.
        # Outside the f-string, where makemessages finds it.
        heading = _("Yangtze River Delta integration plan: approved updates")
        title = f"{heading} · {scope.plan.short_name}"
        if scope.as_of:
            title += " · " + _("as of %(date)s") % {"date": scope.as_of.isoformat()}
        return title

    def link(self, scope):
        return scope.address("initiatives:update_list")

    def feed_url(self, scope):
        return scope.address("initiatives:update_feed")

    def items(self, scope):
        return approved_reports(scope.plan, scope.as_of).order_by("-as_of", "-pk")[:50]

    def item_title(self, report):
        where = report.member.name if report.member else _("whole region")
        return _("%(target)s: %(figure)s (%(where)s, as of %(date)s)") % {
            "target": report.target.name,
            "figure": report_figure(report),
            "where": where,
            "date": report.as_of.isoformat(),
        }

    def item_description(self, report):
        parts = [report.narrative]
        if report.source:
            parts.append(_("Source: %(source)s") % {"source": report.source.localized_title})
        if report.is_illustrative:
            parts.append(str(_("Illustrative demo content.")))
        return "\n".join(str(part) for part in parts if part)

    def item_link(self, report):
        return f"{report.target.item.get_absolute_url()}#target-{report.target.code}"

    def item_guid(self, report):
        return f"urn:uuid:{report.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, report):
        return report.reviewed_at or timezone.make_aware(datetime.combine(report.as_of, time()))

    def item_updateddate(self, report):
        return report.updated_at

    def item_categories(self, report):
        return [report.target.item.code]


class EditionFeed(Feed):
    """The published editions of one plan, newest first, as Atom."""

    feed_type = Atom1Feed
    subtitle = _("The plan's figures as the office published them on a date, each fixed.")
    author_name = _("Yangtze River Delta Regional Cooperation Office")

    def get_object(self, request, plan=None):
        return viewed_plan(plan)[0]

    def title(self, plan):
        heading = _("Yangtze River Delta integration plan: editions")
        return f"{heading} · {plan.short_name}"

    def link(self, plan):
        return plan.reverse("initiatives:edition_list")

    def feed_url(self, plan):
        return plan.reverse("initiatives:edition_feed")

    def items(self, plan):
        return Edition.objects.published().in_plan(plan).for_rows()[:50]

    def item_title(self, edition):
        return _("%(title)s (as of %(date)s)") % {
            "title": edition.title,
            "date": edition.as_of.isoformat(),
        }

    def item_description(self, edition):
        parts = [edition.description]
        if edition.source:
            parts.append(_("Source: %(source)s") % {"source": edition.source.localized_title})
        if edition.is_illustrative:
            parts.append(str(_("Illustrative demo content.")))
        return "\n".join(str(part) for part in parts if part)

    def item_link(self, edition):
        return edition.get_absolute_url()

    def item_pubdate(self, edition):
        return edition.published_at

    def item_updateddate(self, edition):
        return edition.published_at  # Atom requires one; its figures stay as published

    def item_author_name(self, edition):
        return edition.source.localized_publisher if edition.source else self.author_name
