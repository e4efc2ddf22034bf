"""The Atom feeds: approved progress reports of a plan, of one item and of one member, and the
plan's editions.

Each follows RFC 4287: the feed and every entry name an author (the regional cooperation office,
or the member whose account reported the figure), every entry has an id, a title that names the
item and the figure, an updated date, a link to its page and a summary written as HTML
paragraphs. The data's licence is the feed's rights statement."""

from datetime import datetime, time
from typing import NamedTuple

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _

from .as_of import requested_as_of, with_as_of
from .models import Edition, Member, PlanItem
from .templatetags.figures import report_figure
from .views import approved_reports, viewed_plan

OFFICE = _("Yangtze River Delta Regional Cooperation Office")
ENTRIES = 50


class FeedOf(NamedTuple):
    """What one request of a feed is of: a plan, as of a day (None: today), and the item or
    member it is about (None: the whole plan)."""

    plan: object
    as_of: object
    subject: object = None

    def address(self, viewname, *args):
        return with_as_of(self.plan.reverse(viewname, args=args), self.as_of)


def paragraphs(*texts):
    """HTML paragraphs of `texts`, each escaped; a text's own blank lines start new ones."""
    html = "".join(linebreaks(str(text), autoescape=True) for text in texts if text)
    return html.replace("</p>\n\n<p>", "</p><p>")


def data_rights():
    licence = settings.DATA_LICENCE
    return _("Data: %(licence)s (%(url)s). The source documents keep their own terms.") % {
        "licence": licence["title"],
        "url": licence["path"],
    }


def report_author(report):
    """Who reported the figure: the member the reporting account works for, else the member
    the figure is for, else the regional cooperation office."""
    profile = getattr(report.reported_by, "staff_profile", None) if report.reported_by_id else None
    member = (profile.member if profile is not None else None) or report.member
    return member.name if member is not None else OFFICE


class ReportFeed(Feed):
    """Approved progress reports as Atom, in the language of the URL, newest first; with
    `?as_of=`, those dated and approved by the end of that day, as on the pages."""

    feed_type = Atom1Feed
    author_name = OFFICE
    page_name = feed_name = None  # the page the feed follows, and the feed's own address

    def get_object(self, request, plan=None, **subject):
        plan = viewed_plan(plan)[0]
        return FeedOf(plan, requested_as_of(request, plan), self.subject(plan, **subject))

    def subject(self, plan):
        return None

    def reports(self, scope):
        return approved_reports(scope.plan, scope.as_of)

    def heading(self, scope):
        raise NotImplementedError

    def title(self, scope):
        # Named as the pages are: what it is, then the plan's short name.
        title = f"{self.heading(scope)} · {scope.plan.short_name}"
        if scope.as_of:
            title += " · " + _("as of %(date)s") % {"date": scope.as_of.isoformat()}
        return title

    def subject_args(self, scope):
        return ()

    def link(self, scope):
        return scope.address(self.page_name, *self.subject_args(scope))

    def feed_url(self, scope):
        return scope.address(self.feed_name, *self.subject_args(scope))

    def feed_copyright(self):
        return data_rights()

    def items(self, scope):
        return (
            self.reports(scope)
            .select_related("reported_by__staff_profile__member")
            .order_by("-as_of", "-pk")[:ENTRIES]
        )

    def item_title(self, report):
        words = {
            "item": report.target.item.code,
            "target": report.target.name,
            "figure": report_figure(report),
            "date": report.as_of.isoformat(),
        }
        if report.member:
            return _("%(item)s %(target)s, %(member)s: %(figure)s (%(date)s)") % {
                **words,
                "member": report.member.name,
            }
        return _("%(item)s %(target)s: %(figure)s (%(date)s)") % words

    def item_description(self, report):
        item, target = report.target.item, report.target
        return paragraphs(
            f"{item.code} {item.title} · {target.code} {target.name}",
            report.narrative,
            report.source and _("Source: %(source)s") % {"source": report.source.localized_title},
            report.is_illustrative and _("Illustrative demo content."),
        )

    def item_link(self, report):
        return f"{report.target.item.get_absolute_url()}#target-{report.target.code}"

    def item_guid(self, report):
        return f"urn:uuid:{report.uuid}"

    item_guid_is_permalink = False

    def item_author_name(self, report):
        return report_author(report)

    def item_pubdate(self, report):
        return report.reviewed_at or timezone.make_aware(datetime.combine(report.as_of, time()))

    def item_updateddate(self, report):
        return report.updated_at

    def item_categories(self, report):
        return [report.target.item.code]


class UpdateFeed(ReportFeed):
    """The latest approved progress reports of one plan."""

    subtitle = _("Progress reported against the plan's targets, once reviewed and approved.")
    page_name, feed_name = "initiatives:update_list", "initiatives:update_feed"

    def heading(self, scope):
        return _("Yangtze River Delta integration plan: approved updates")


class ItemFeed(ReportFeed):
    """The approved progress reports on the targets of one initiative, project or task."""

    subtitle = _("Progress reported against this item's targets, once reviewed and approved.")

    def __init__(self, model):
        self.model = model
        self.page_name = f"initiatives:{model.KIND.value}_detail"
        self.feed_name = f"initiatives:{model.KIND.value}_feed"

    def subject(self, plan, code):
        return get_object_or_404(self.model.objects.in_plan(plan), code=code)

    def subject_args(self, scope):
        return (scope.subject.code,)

    def reports(self, scope):
        return super().reports(scope).filter(target__item=scope.subject)

    def heading(self, scope):
        item = scope.subject
        return _("%(code)s %(title)s: approved updates") % {"code": item.code, "title": item.title}


class MemberFeed(ReportFeed):
    """The approved figures for one member's part of the plan, and the whole-region figures
    on the items it leads or co-leads."""

    subtitle = _("Progress reported for this member, once reviewed and approved.")
    page_name, feed_name = "initiatives:member_detail", "initiatives:member_feed"

    def subject(self, plan, slug):
        return get_object_or_404(Member, slug=slug)

    def subject_args(self, scope):
        return (scope.subject.slug,)

    def reports(self, scope):
        member = scope.subject
        its_items = PlanItem.objects.in_plan(scope.plan).for_member(member)
        return (
            super()
            .reports(scope)
            .filter(Q(member=member) | Q(member__isnull=True, target__item__in=its_items))
        )

    def heading(self, scope):
        return _("%(member)s: approved updates") % {"member": scope.subject.name}


class EditionFeed(Feed):
    """The published editions of one plan, newest first, as Atom."""

    feed_type = Atom1Feed
    subtitle = _("The plan's figures as the office published them on a date, each fixed.")
    author_name = OFFICE

    def get_object(self, request, plan=None):
        return viewed_plan(plan)[0]

    def title(self, plan):
        heading = _("Yangtze River Delta integration plan: editions")
        return f"{heading} · {plan.short_name}"

    def link(self, plan):
        return plan.reverse("initiatives:edition_list")

    def feed_url(self, plan):
        return plan.reverse("initiatives:edition_feed")

    def feed_copyright(self):
        return data_rights()

    def items(self, plan):
        return Edition.objects.published().in_plan(plan).for_rows()[:ENTRIES]

    def item_title(self, edition):
        return _("%(title)s (as of %(date)s)") % {
            "title": edition.title,
            "date": edition.as_of.isoformat(),
        }

    def item_description(self, edition):
        return paragraphs(
            edition.description,
            edition.source and _("Source: %(source)s") % {"source": edition.source.localized_title},
            edition.is_illustrative and _("Illustrative demo content."),
        )

    def item_link(self, edition):
        return edition.get_absolute_url()

    def item_pubdate(self, edition):
        return edition.published_at

    def item_updateddate(self, edition):
        return edition.published_at  # Atom requires one; its figures stay as published

    def item_author_name(self, edition):
        return edition.source.localized_publisher if edition.source else OFFICE
