"""The staff groups. Their permissions are set by a data migration, never by hand."""

from django.utils.translation import gettext_lazy as _

MEMBER_EDITORS = "Member editors"
OFFICE_REVIEWERS = "Office reviewers"

GROUP_DESCRIPTIONS = {
    MEMBER_EDITORS: _("Report progress on what their member leads or co-leads."),
    OFFICE_REVIEWERS: _("Review reports and keep the lists current, for the whole region."),
}
