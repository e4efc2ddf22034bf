"""The tracker's today.

Every figure that depends on the date (schedule positions, a plan's state, what is late in a
reporting period) asks `today()`, never the system clock directly, so that a demo can be shown as
of another day with the TRACKER_TODAY setting (README, Configuration) and tests can fix it.
"""

from django.conf import settings
from django.utils import timezone


def today():
    """TRACKER_TODAY when it is set, else today's date in the site's time zone."""
    return settings.TRACKER_TODAY or timezone.localdate()
