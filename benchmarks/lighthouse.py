"""Lighthouse's four scores on every public page type, in both languages, from a running site.

It serves nothing itself: start the site on the demo data first (docs/testing.md says how),
then point this at it. Each page is audited once, as a phone on a throttled network
(Lighthouse's default), in Debian's Chromium, and a table of the four scores is printed.
The exit status is 1 when any score is below `--threshold` (95), 2 when Lighthouse could
not audit a page.

    benchmarks/lighthouse.py http://127.0.0.1:8731 --header X-Forwarded-Proto=https

Lighthouse comes from npm (`npm install lighthouse` in a directory of its own); give its
command with `--lighthouse` or LIGHTHOUSE (default: `npx lighthouse`), and Chromium with
CHROME_PATH (default /usr/bin/chromium). `--only /tasks/` audits the pages whose address
contains that text; `--keep DIR` keeps each page's JSON report there.
"""

import argparse
import json
import os
import shlex
import ssl
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

# One address per page type of the demo data; the same are audited under /zh-hans/.
PAGES = [
    "/",
    "/initiatives/",
    "/projects/",
    "/tasks/",
    "/initiatives/I-02/",
    "/projects/P-02/",
    "/tasks/T-001/",
    "/targets/I-02.1/embed/",
    "/members/",
    "/members/shanghai/",
    "/areas/",
    "/areas/green/",
    "/map/",
    "/search/?q=railway",
    "/sources/",
    "/updates/",
    "/methods/",
    "/editions/",
    "/editions/2024-12-04/",
    "/report/",
    "/plans/yrd-2027-2029/",
]
CHINESE_QUERIES = {"/search/?q=railway": "/search/?q=%E9%93%81%E8%B7%AF"}  # 铁路

CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)


def addresses():
    for path in PAGES:
        yield path
    for path in PAGES:
        yield "/zh-hans" + CHINESE_QUERIES.get(path, path)


def warm(url, headers):
    """Ask for the page once first, so that Lighthouse meets the page cache as a visitor does
    on a site in use. The certificate is not checked: this is a loopback measurement, often
    over a self-signed certificate."""
    request = urllib.request.Request(url, headers=headers)
    try:
        urllib.request.urlopen(request, context=ssl._create_unverified_context(), timeout=60)
    except OSError as error:
        print(f"could not fetch {url}: {error}", file=sys.stderr)


def audit(command, url, headers, chrome_flags, report_path):
    """Lighthouse's JSON report of `url`, or None with the reason printed."""
    args = [
        *command,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report_path}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join([CHROME_FLAGS, *chrome_flags])}",
    ]
    if headers:
        args.append(f"--extra-headers={json.dumps(headers)}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not report_path.exists():
        print(f"lighthouse failed on {url}: {result.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    report = json.loads(report_path.read_text())
    if report.get("runtimeError"):
        print(f"lighthouse failed on {url}: {report['runtimeError']['message']}", file=sys.stderr)
        return None
    return report


def scores(report):
    return {
        name: round(100 * category["score"]) if category["score"] is not None else None
        for name, category in report["categories"].items()
    }


def failed_audits(report):
    """The audits that lost points, worst first: what to fix."""
    failing = [
        (audit["score"], audit_id, audit["title"])
        for audit_id, audit in report["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    return [f"{audit_id} ({title})" for _score, audit_id, title in sorted(failing)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base_url", help="the running site, e.g. http://127.0.0.1:8731")
    parser.add_argument("--threshold", type=int, default=95, help="lowest passing score (95)")
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a header sent with every request, e.g. X-Forwarded-Proto=https (repeatable)",
    )
    parser.add_argument(
        "--chrome-flag",
        action="append",
        default=[],
        metavar="FLAG",
        help="another Chromium flag, e.g. --ignore-certificate-errors for a self-signed "
        "certificate (repeatable)",
    )
    parser.add_argument("--only", help="audit only the addresses that contain this text")
    parser.add_argument("--keep", type=Path, help="keep each page's JSON report in this folder")
    parser.add_argument(
        "--lighthouse",
        default=os.environ.get("LIGHTHOUSE", "npx lighthouse"),
        help="the Lighthouse command (LIGHTHOUSE, default `npx lighthouse`)",
    )
    options = parser.parse_args()
    command = shlex.split(options.lighthouse)
    headers = dict(header.split("=", 1) for header in options.header)
    base = options.base_url.rstrip("/")
    pages = [path for path in addresses() if not options.only or options.only in path]

    folder = options.keep or Path(tempfile.mkdtemp(prefix="lighthouse-"))
    folder.mkdir(parents=True, exist_ok=True)
    width = max(len(path) for path in pages)
    print(f"| {'page'.ljust(width)} | " + " | ".join(CATEGORIES) + " |")
    print(f"| {'-' * width} | " + " | ".join("-" * len(name) for name in CATEGORIES) + " |")
    below, broken = [], []
    for number, path in enumerate(pages):
        warm(base + path, headers)
        report = audit(
            command, base + path, headers, options.chrome_flag, folder / f"{number:02d}.json"
        )
        if report is None:
            broken.append(path)
            continue
        got = scores(report)
        cells = [str(got.get(name, "-")).rjust(len(name)) for name in CATEGORIES]
        print(f"| {path.ljust(width)} | " + " | ".join(cells) + " |", flush=True)
        if any(got.get(name) is None or got[name] < options.threshold for name in CATEGORIES):
            below.append((path, failed_audits(report)))

    for path, audits in below:
        print(f"\nbelow {options.threshold}: {path}\n  " + "\n  ".join(audits), file=sys.stderr)
    if broken:
        print(f"\nnot audited: {', '.join(broken)}", file=sys.stderr)
        return 2
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
