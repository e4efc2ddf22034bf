"""Read back what an admin page would post: its forms' current values, as POST data."""

import datetime
import decimal


def _encode(value):
    if isinstance(value, (datetime.date, decimal.Decimal, int)):
        return str(value)
    if hasattr(value, "pk"):
        return str(value.pk)
    return value


def _add_form(data, form):
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [_encode(v) for v in value]
        else:
            data[key] = _encode(value)


def _add_formset(data, formset):
    _add_form(data, formset.management_form)
    for form in formset.forms:
        _add_form(data, form)


def change_form_data(response):
    """The POST data of an admin change or add page, as rendered."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_formset(data, inline.formset)
    return data


def changelist_form_data(response):
    """The POST data of a changelist's in-place edits, as rendered."""
    data = {"_save": "Save"}
    _add_formset(data, response.context["cl"].formset)
    return data


def seen_versions(objects):
    return [f"{obj.pk}:{obj.version}" for obj in objects]
