"""The staff admin in Chinese shows none of the project's own English.

The project's own English is every message of its translation catalogue, every verbose name,
choice label and stored choice value of its models, every field name as code spells it
(`name_en`) and as django-import-export titles it ("Name En"), and the English of each record
that has a Chinese version (a source's title beside its Chinese title). English that exists only
in English is data and is left alone: a note typed in English, a username,
codes such as T-027, addresses.

The pages are those an editor and the office open, on the demo: the start page, every list, an
add form, a change form and a history of each model, the export and import pages with a
preview and a preview with row errors, the review queue and a review page, two-factor sign-in
and the notifications page. A page is read as a person sees or hears it: its text, its title,
aria-label, placeholder and alt attributes, its buttons and its options, not what is hidden
nor what a text input or text area holds (that is the record being edited). Where a page shows
a record's English field as such (a list's or form's "name (English)", an import preview's
columns), that field's English is expected.
"""

import csv
import io
import re
from collections import defaultdict
from html.parser import HTMLParser
from itertools import chain

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

from initiatives import permissions
from initiatives.resources import ProgressReportResource, TargetResource, TaskResource
from tests.shared import load_demo, shared_data

# Its data is built once for the module: keep its tests on one worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("admin-chinese")]

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>")
WORD = re.compile(r"[A-Za-z0-9_'’]+")
LATIN = re.compile(r"[A-Za-z]")
PATH = re.compile(r"\S*/\S*")  # addresses such as /plans/<slug>/ are not words
# Fragments of messages (what stands between their placeholders) too common to tell alone.
FILLER = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "s"}
FILLER |= {"the", "to", "with"}
# Django's own English, which the project cannot translate without copying Django's templates:
# the search box's icon is alt="Search" in admin/search_form.html, and Django 5.2's Chinese
# catalogue lacks the headers of admin/app_list.html.
DJANGO_OWN = {"Search", "Model name", "Change or view list link"}
# A column of each resource whose change is proposed for review, with a reason.
GOVERNED = {TaskResource: ["due_date"], TargetResource: ["target_date"], ProgressReportResource: []}
RESOURCES = {
    "task": TaskResource,
    "target": TargetResource,
    "progressreport": ProgressReportResource,
}


def words(text):
    return tuple(word.lower() for word in WORD.findall(text))


def catalogue_messages():
    """Each message the project translates; not those it keeps as they are in Chinese too
    (CSV)."""
    return {
        text
        for entry in polib.pofile(str(CATALOGUE))
        if not entry.obsolete and entry.msgstr != entry.msgid
        for text in (entry.msgid, entry.msgid_plural)
        if text
    }


def catalogue_english(messages):
    """The messages, cut at their placeholders."""
    for text in messages:
        yield from PLACEHOLDER.split(text)


def model_english():
    """The names, verbose names and choices of the project's models, in English."""
    with translation.override("en"):
        for model in apps.get_app_config("initiatives").get_models():
            yield str(model._meta.verbose_name)
            yield str(model._meta.verbose_name_plural)
            for field in model._meta.get_fields():
                yield field.name
                yield field.name.replace("_", " ").title()
                yield str(getattr(field, "verbose_name", ""))
                for value, label in getattr(field, "flatchoices", None) or ():
                    yield str(value)
                    yield str(label)


def resource_english():
    """The import and export columns' names, as code spells them and as titled."""
    for resource in RESOURCES.values():
        for name in resource().fields:
            yield name
            yield name.replace("_", " ").title()


def bilingual_fields(model):
    """{English field: Chinese field} of the model's texts kept in both languages."""
    names = {field.name for field in model._meta.concrete_fields}
    pairs = {}
    for name in names:
        if name.endswith("_zh"):
            english = next((n for n in (f"{name[:-3]}_en", name[:-3]) if n in names), None)
            if english:
                pairs[english] = name
    return pairs


def data_english(messages):
    """(English with a Chinese version, English only in English, the English fields' names)
    of the data. A history row's reason that is one of the project's `messages` is the
    tracker's own, stored in English: not data."""
    translated, untranslated, english_fields = set(), set(), set()
    for model in [*apps.get_app_config("initiatives").get_models(), get_user_model()]:
        pairs = bilingual_fields(model)
        english_fields |= {name for name in pairs if name.endswith("_en")}
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        for row in model._default_manager.values(*names) if names else ():
            for name, value in row.items():
                if name == "history_change_reason" and value in messages:
                    continue
                if value and LATIN.search(value):
                    chinese = row.get(pairs.get(name, ""))
                    (translated if chinese and chinese != value else untranslated).add(value)
    return translated, untranslated - translated, english_fields


def spaced(text):
    return " ".join(text.split())


class English:
    """Finds the project's English in a text, once the data shown in it is set aside."""

    def __init__(self, project, translated, untranslated):
        self.phrases = {p for p in map(words, chain(project, translated)) if not set(p) <= FILLER}
        self.longest = max(map(len, self.phrases))
        self.data = self.index(untranslated)
        self.all_data = self.index(chain(untranslated, translated))

    @staticmethod
    def index(texts):
        """Data by its first word."""
        by_word = defaultdict(set)
        for text in texts:
            first = words(text)
            if first:
                by_word[first[0]].add(spaced(text))
        return by_word

    def without_data(self, text, data):
        text = spaced(text)
        shown = {candidate for word in set(words(text)) for candidate in data.get(word, ())}
        for candidate in sorted(shown, key=len, reverse=True):
            if candidate in text:
                text = re.sub(rf"(?<!\w){re.escape(candidate)}(?!\w)", " · ", text)
        return PATH.sub(" ", text)

    def find(self, text, english_field=False):
        """The runs of `text` with the project's English in them; in an English field, the
        English of the data is expected."""
        text = self.without_data(text, self.all_data if english_field else self.data)
        found = []
        for run in re.findall(r"[A-Za-z][^\u3000-\u9fff\uff00-\uffef·]*", text):
            tokens = words(run)
            if any(
                tokens[start : start + size] in self.phrases
                for start in range(len(tokens))
                for size in range(1, min(self.longest, len(tokens) - start) + 1)
            ):
                found.append(run.strip())
        return found


ENGLISH_LABEL = "（英文）"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}


class PageText(HTMLParser):
    """What a person sees or hears of a page, as (text, whether it is an English field).

    An English field is an element of class field-<name> for a field that holds the English
    of a text kept in both languages (name_en), a preview of an import, or a value labelled
    as the English one ("说明（英文）").
    """

    UNREAD = {"script", "style", "textarea", "template"}
    SPOKEN = ("title", "aria-label", "placeholder", "alt")
    BUTTONS = {"submit", "button", "reset"}

    def __init__(self, html, english_fields):
        super().__init__(convert_charrefs=True)
        self.english_classes = {f"field-{name}" for name in english_fields} | {"import-preview"}
        self.parts, self.open = [], []  # open: (tag, unread, english field)
        self.label = ""  # the text of the last label, which names the value after it
        self.feed(html)
        self.close()

    def state(self):
        return any(o[1] for o in self.open), any(o[2] for o in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        unread = (
            tag in self.UNREAD
            or "hidden" in attrs
            or "hidden" in classes
            or attrs.get("aria-hidden") == "true"
        )
        labelled_english = "readonly" in classes and ENGLISH_LABEL in self.label
        if tag == "label":
            self.label = ""
        element = (tag, unread, bool(classes & self.english_classes) or labelled_english)
        if tag not in VOID:
            self.open.append(element)
        hidden, english_field = self.state()
        if hidden or unread:
            return
        self.parts += [(attrs[name], english_field) for name in self.SPOKEN if attrs.get(name)]
        if tag == "input" and attrs.get("type") in self.BUTTONS and attrs.get("value"):
            self.parts.append((attrs["value"], english_field))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                break

    def handle_data(self, data):
        if self.open and self.open[-1][0] == "label":
            self.label += data
        hidden, english_field = self.state()
        if not hidden and data.strip():
            self.parts.append((data, english_field))


@pytest.fixture(scope="module")
def english(django_db_setup, django_db_blocker):
    """The demo with its staff accounts (about 8 s), and the English to look for in it."""
    with shared_data(django_db_blocker):
        load_demo()
        with override_settings(DEBUG=True):
            call_command("create_demo_users", stdout=io.StringIO())
        messages = catalogue_messages()
        translated, untranslated, english_fields = data_english(messages)
        found = English(
            chain(catalogue_english(messages), model_english(), resource_english()),
            translated,
            untranslated,
        )
        yield found, english_fields


def english_on(html, english):
    finder, english_fields = english
    return sorted(
        {
            run
            for text, field in PageText(html, english_fields).parts
            for run in finder.find(text, field)
            if run not in DJANGO_OWN
        }
    )


def as_html(response):
    """The page, or the choices an autocomplete answers with as a list."""
    if response["Content-Type"].startswith("application/json"):
        choices = response.json()["results"]
        return "".join(format_html("<li>{}</li>", choice["text"]) for choice in choices)
    return response.content.decode()


def page(client, url, data=None):
    response = client.post(url, data) if data is not None else client.get(url, follow=True)
    assert response.status_code == 200, url
    return response


def admin_pages(client, user):
    """(address, response) for each page of the admin `user` opens, but import and export,
    and the choices of the report form's source picker."""
    index = page(client, reverse("admin:app_list", args=["initiatives"]))
    yield "/admin/initiatives/", index
    sources = "app_label=initiatives&model_name=progressreport&field_name=source"
    others = [
        "/admin/",
        reverse("admin_two_factor"),
        reverse("admin_notifications"),
        f"{reverse('admin:autocomplete')}?{sources}",  # the report form's source picker
    ]
    if permissions.can_review(user):
        others.append(reverse("review_queue"))
    for url in others:
        yield url, page(client, url)
    for app in index.context["app_list"]:
        for entry in app["models"]:
            listing = page(client, entry["admin_url"])
            yield entry["admin_url"], listing
            if entry.get("add_url"):
                yield entry["add_url"], page(client, entry["add_url"])
            shown = listing.context["cl"].result_list
            if shown:
                opts = shown[0]._meta
                for view in ("change", "history"):
                    url = reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[shown[0].pk]
                    )
                    yield url, page(client, url)


def first_rows(content, resource, errors=False):
    """An exported file's first two rows; with `errors`, and the first again naming an
    unknown plan, and again changing a date that needs a reason without giving one."""
    rows = list(csv.reader(io.StringIO(content)))[:3]
    if errors and len(rows) > 1:
        with translation.override("zh-hans"):
            labels = [resource().label(column) for column in ("plan", *GOVERNED[resource])]
        for column, value in zip(labels, ("nowhere", "2031-12-31"), strict=False):
            row = rows[1][:]
            row[rows[0].index(column)] = value
            rows.append(row)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def import_export_pages(client):
    """The export and import pages of each resource, with a preview of an exported file, as
    is and with row errors."""
    for model, resource in RESOURCES.items():
        export_url = reverse(f"admin:initiatives_{model}_export")
        yield export_url, page(client, export_url)
        fields = {
            f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()
        }
        exported = page(client, export_url, {"format": "0", "resource": "0", **fields})
        content = exported.content.decode("utf-8-sig")
        import_url = reverse(f"admin:initiatives_{model}_import")
        yield import_url, page(client, import_url)
        for name in ("preview", "errors"):
            text = first_rows(content, resource, errors=name == "errors")
            upload = SimpleUploadedFile(f"{name}.csv", text.encode(), content_type="text/csv")
            data = {"resource": "0", "format": "0", "import_file": upload}
            yield f"{import_url} ({name})", page(client, import_url, data)


@pytest.mark.parametrize("username", ["jiangsu", "office"])
def test_the_admin_in_chinese_shows_none_of_the_projects_english(client, english, username):
    """About 5 s for each account (some 70 pages of the demo, three imports previewed twice),
    after the module's 8 s of demo: the one check that a page anywhere in the admin, as a
    Chinese editor or reviewer meets it, does not fall back to English."""
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    leaks = {}
    for url, response in chain(admin_pages(client, user), import_export_pages(client)):
        found = english_on(as_html(response), english)
        if found:
            leaks[url] = found
    assert leaks == {}, "\n".join(f"{url}: {found}" for url, found in leaks.items())


def test_the_scan_finds_the_projects_english(english):
    """The scan's own check: what it must find, and what it must leave alone."""
    page_text = """
        <h1>导出</h1><label>Name En</label> <code>revision_reason</code>
        <span class="validation-error-field-label">REVISION_REASON</span>
        <td>percentage</td><option>Illustrative demo content (not a published document)</option>
        <p title="Waiting for review">审核</p><input type="submit" value="Submit for review">
        <td>Add 660 km of railway lines this year</td>
    """
    assert english_on(page_text, english) == [
        "Add 660 km of railway lines this year",
        "Illustrative demo content (not a published document)",
        "Name En",
        "REVISION_REASON",
        "Submit for review",
        "Waiting for review",
        "percentage",
        "revision_reason",
    ]
    data_only = """
        <p>T-027 jiangsu https://example.org/plans/yrd/</p>
        <div hidden>Name En</div><textarea>Name En</textarea>
        <div class="form-row field-title_en">
          <div class="readonly">Add 660 km of railway lines this year</div>
        </div>
    """
    assert english_on(data_only, english) == []


@pytest.mark.parametrize("language, name", [("zh-hans", "江苏省编辑"), ("en", "Jiangsu Editor")])
def test_staff_are_named_in_the_pages_language(client, english, language, name):
    """The greeting and the review queue name people as the demo names them, not by their
    accounts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(get_user_model().objects.get(username="jiangsu"))
    assert f"<strong>{name}</strong>" in page(client, "/admin/").content.decode()
    client.force_login(get_user_model().objects.get(username="office"))
    authors = {row[4] for row in page(client, reverse("review_queue")).context["rows"]}
    assert name in authors
    assert not authors & set(get_user_model().objects.values_list("username", flat=True))
