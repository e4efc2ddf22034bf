"""The demo's editions: the office's media briefing of 4 December 2024, whose figures are those
of its press release, and one illustrative later edition."""

from datetime import date

from .reference import OFFICE, PLAN_SLUG, YRD_BRIEFING

# When the briefing's published figures were submitted and approved: by the briefing's day,
# so that its edition shows them.
BRIEFING_APPROVAL = {YRD_BRIEFING: (date(2024, 12, 4), date(2024, 12, 4))}

EDITIONS = [
    {
        "slug": "2024-12-04",
        "title_en": "Progress as presented at the media briefing of 4 December 2024",
        "title_zh": "2024年12月4日新闻发布会发布的进展",
        "description_en": (
            "The figures the Yangtze River Delta Regional Cooperation Office presented at its "
            "media briefing of 4 December 2024, the first year of the third three-year action "
            "plan: the plan as it stood that day."
        ),
        "description_zh": (
            "长三角区域合作办公室2024年12月4日新闻发布会发布的数据："
            "第三轮三年行动计划实施首年、当日的计划进展。"
        ),
        "as_of": "2024-12-04",
        "source": [YRD_BRIEFING],
        "published_at": "2024-12-04T17:00:00+08:00",
        "is_illustrative": False,
    },
    {
        "slug": "2025-12-31",
        "title_en": "Progress at the end of 2025",
        "title_zh": "2025年末进展",
        "description_en": (
            "An illustrative year-end edition: the sources describe no such publication. It "
            "shows the plan as it stood on 31 December 2025 in the demo's figures."
        ),
        "description_zh": (
            "示例年末版本：资料来源未记载此类发布。展示演示数据中2025年12月31日的计划进展。"
        ),
        "as_of": "2025-12-31",
        "source": None,
        "published_at": "2026-01-20T10:00:00+08:00",
        "is_illustrative": True,
    },
]


def add_editions(builder):
    for edition in EDITIONS:
        fields = {"plan": [PLAN_SLUG], **edition, "published_by": [OFFICE]}
        builder.add("initiatives.edition", fields, edition["slug"])
