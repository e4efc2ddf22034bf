"""The staff admin: each member reports on its own items, the office reviews them.

Scope and rights are decided in initiatives/permissions.py and applied by admin/base.py.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  (registers the ModelAdmins)
    editions,
    items,
    notifications,
    periods,
    reference,
    revisions,
    targets,
)
from .two_factor import TwoFactorAuthenticationForm

admin.site.site_header = _("Yangtze River Delta Regional Cooperation Office")
admin.site.site_title = _("YRD integration tracker")
admin.site.index_title = _("Plan progress: staff administration")
# The lists are wide (progress, schedule, dates); give them the whole page.
admin.site.enable_nav_sidebar = False
# An empty cell reads as the tracker's own columns write it.
admin.site.empty_value_display = "—"
# Staff with two-factor sign-in give a code with their password.
admin.site.login_form = TwoFactorAuthenticationForm
admin.site.login_template = "admin/two_factor/login.html"
