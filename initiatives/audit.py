"""The audit log: sign-in failures, refusals, reviews and imports, one JSON object a line.

Everything goes to the "tracker.audit" logger; the settings send it to standard error through
JsonFormatter, where a log system can ingest it.
"""

import json
import logging
from datetime import UTC, datetime

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("tracker.audit")

STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, event, then the record's extra fields."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def client_address(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def log(event, request=None, level=logging.INFO, **fields):
    """Record one event, with who made the request, from where and on which path."""
    if request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            fields.setdefault("user", user.get_username())
        fields.setdefault("address", client_address(request))
        fields.setdefault("method", request.method)
        fields.setdefault("path", request.path)
    logger.log(level, event, extra=fields)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the name is kept.
    log(
        "login_failed",
        request,
        level=logging.WARNING,
        username=credentials.get("username", ""),
    )
