import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from initiatives.demo.fixture import build


class Command(BaseCommand):
    help = (
        "Write fixtures/demo.json from the tables in initiatives/demo/. The output depends on "
        "those tables only, so running it again gives the same file byte for byte."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "demo.json"),
            help="Where to write the fixture (default: fixtures/demo.json).",
        )

    def handle(self, *args, output, **options):
        rows = build()
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        counts = {}
        for row in rows:
            counts[row["model"]] = counts.get(row["model"], 0) + 1
        summary = ", ".join(f"{count} {model}" for model, count in counts.items())
        self.stdout.write(f"Wrote {path}: {summary}.")
