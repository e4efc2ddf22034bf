"""Time and peak memory of the CSV export of every task, in this process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_scale \\
        .venv/bin/python benchmarks/export.py

Peak memory is the growth of the process's maximum resident set while the export is
produced and read to the end, chunk by chunk as a client would (the bytes are counted, not
kept); the page cache is off. `--format json` measures the JSON export instead.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from initiatives.models import Task  # noqa: E402

URL = "/tasks/?_export={}"


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main():
    export_format = "json" if sys.argv[1:] == ["--format", "json"] else "csv"
    settings.PAGE_CACHE = False
    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/tasks/T-001/", secure=True)  # load templates, translations, the connection
    before = peak_mib()
    started = time.perf_counter()
    response = client.get(URL.format(export_format), secure=True)
    size = sum(len(chunk) for chunk in response) if response.streaming else len(response.content)
    seconds = time.perf_counter() - started
    print(
        f"{Task.objects.count()} tasks, {size / 2**20:.1f} MiB of {export_format.upper()}: "
        f"{seconds:.2f} s, peak memory +{peak_mib() - before:.0f} MiB, "
        f"{'streamed' if response.streaming else 'built whole in memory'}"
    )


if __name__ == "__main__":
    main()
