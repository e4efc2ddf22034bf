"""The import and export pages' forms.

On the import page, a file past the limits is refused before any of it is read.

The limits are settings (tracker/settings.py): rows per file, bytes per upload, and bytes an
XLSX file unpacks to. An XLSX file is a zip archive: its declared sizes are checked first, then
its members are read with a cap, so that an archive whose members claim small sizes but expand
more is refused too, before openpyxl reads any of it. The preview's time limit is the
resources' (initiatives/resources.py), as it counts the rows being checked.

On the export page, each column is offered by its name in the page's language, the name the
exported file's header gives it.
"""

import csv
import io
import itertools
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX
from import_export.forms import ImportForm, SelectableFieldsExportForm
from openpyxl import load_workbook

CHUNK = 64 * 1024


def unpacked_size(archive, cap):
    """The bytes an archive's members unpack to, reading no further than `cap` plus a chunk."""
    total = 0
    for member in archive.infolist():
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > cap:
                    return total
    return total


def csv_rows(data, limit):
    text = io.StringIO(data.decode("utf-8-sig", errors="replace"), newline="")
    records = (record for record in csv.reader(text) if record)
    return sum(1 for _record in itertools.islice(records, limit + 2)) - 1


def xlsx_rows(data, limit):
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = book.active.iter_rows(values_only=True)
        return sum(1 for _row in itertools.islice(rows, limit + 2)) - 1
    finally:
        book.close()


def upload_problem(upload, is_xlsx):
    """Why `upload` is refused before it is read, or None. A file the library cannot read
    at all is left to its own message."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        return _("The file is %(size)s; files of at most %(limit)s are imported: split it.") % {
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
        }
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    limit = settings.IMPORT_MAX_ROWS
    if is_xlsx:
        cap = settings.IMPORT_MAX_UNPACKED_BYTES
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                declared = sum(member.file_size for member in archive.infolist())
                unpacked = declared if declared > cap else unpacked_size(archive, cap)
        except Exception:  # noqa: BLE001 - a damaged, encrypted or unsupported archive
            return _("The file cannot be read as XLSX: check the format chosen for it.")
        if unpacked > cap:
            return _(
                "The file unpacks to more than %(limit)s; XLSX files of at most %(limit)s "
                "unpacked are imported: split it, or save it as CSV."
            ) % {"limit": filesizeformat(cap)}
    try:
        rows = xlsx_rows(data, limit) if is_xlsx else csv_rows(data, limit)
    except Exception:  # noqa: BLE001 - the library's reading of the file says what is wrong
        return None
    if rows > limit:
        return _(
            "The file has more than %(limit)s rows; files of at most %(limit)s rows are "
            "imported: split it."
        ) % {"limit": number_format(limit, force_grouping=True)}
    return None


class LimitedImportForm(ImportForm):
    """django-import-export's import form, refusing a file past the limits with a form error."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.fields["import_file"].help_text = _(
            "At most %(rows)s rows and %(bytes)s; an XLSX file unpacks to at most %(unpacked)s."
        ) % {
            "rows": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
            "bytes": filesizeformat(settings.IMPORT_MAX_BYTES),
            "unpacked": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES),
        }

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        index = cleaned_data.get("format")
        if upload is None or not str(index or "").isdigit() or int(index) >= len(self.formats):
            return cleaned_data
        problem = upload_problem(upload, issubclass(self.formats[int(index)], XLSX))
        if problem:
            raise ValidationError({"import_file": problem})
        return cleaned_data


class LabelledExportForm(SelectableFieldsExportForm):
    """django-import-export's export form, its columns named as the file will name them
    (the library titles the field names: "Name En")."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        for resource_class in resources:
            resource = resource_class()
            for column in resource.get_export_order():
                name = self.create_boolean_field_name(resource_class, column)
                if name in self.fields:
                    self.fields[name].label = resource.label(column)
