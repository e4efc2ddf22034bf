from django.utils.translation import get_language


def language_suffix():
    """The suffix of bilingual fields for the active language: "en" or "zh"."""
    return "zh" if (get_language() or "en").lower().startswith("zh") else "en"


def localized(obj, field):
    """A bilingual field in the active language, falling back to the other one."""
    suffix = language_suffix()
    other = "en" if suffix == "zh" else "zh"
    return getattr(obj, f"{field}_{suffix}") or getattr(obj, f"{field}_{other}")
