"""Members, focus areas, sources, the plan and the demo staff accounts."""

CD_FORUM = "cd-2024-forum"
YRD_BRIEFING = "yrd-2024-12-04"
ILLUSTRATIVE = "illustrative-demo"

MEMBERS = [
    # slug, English name, Chinese name, short Chinese name, kind
    ("shanghai", "Shanghai", "上海市", "沪", "municipality"),
    ("jiangsu", "Jiangsu", "江苏省", "苏", "province"),
    ("zhejiang", "Zhejiang", "浙江省", "浙", "province"),
    ("anhui", "Anhui", "安徽省", "皖", "province"),
]
MEMBER_SLUGS = [slug for slug, *_ in MEMBERS]

FOCUS_AREAS = [
    {
        "number": 1,
        "slug": "innovation",
        "name_en": "Science, technology and industrial innovation",
        "name_zh": "科技创新和产业创新",
        "summary_en": (
            "Cultivating new quality productive forces through cross-regional coordination "
            "in scientific, technological and industrial innovation."
        ),
        "summary_zh": "加强科技创新和产业创新跨区域协同，培育和发展新质生产力。",
    },
    {
        "number": 2,
        "slug": "institutions",
        "name_en": "Institutional support for integration",
        "name_zh": "一体化发展体制机制",
        "summary_en": (
            "Public services, infrastructure connectivity, energy infrastructure and the "
            "Eco-Green Integrated Development Demonstration Zone."
        ),
        "summary_zh": (
            "公共服务便利共享、基础设施互联互通、能源基础设施建设和生态绿色一体化发展示范区。"
        ),
    },
    {
        "number": 3,
        "slug": "opening-up",
        "name_en": "Coordinated opening-up",
        "name_zh": "高水平协同开放",
        "summary_en": (
            "Building a dual-circulation strategic hub: opening-up platforms and regional "
            "market integration."
        ),
        "summary_zh": "建设国内国际双循环战略枢纽，推进开放平台建设和区域市场一体化。",
    },
    {
        "number": 4,
        "slug": "green",
        "name_en": "Green and beautiful Yangtze River Delta",
        "name_zh": "绿色美丽长三角",
        "summary_en": "Joint protection and governance of the ecological environment.",
        "summary_zh": "生态环境共保联治。",
    },
    {
        "number": 5,
        "slug": "safe-development",
        "name_en": "Risk prevention and safe development",
        "name_zh": "风险防范和安全发展",
        "summary_en": "Coordinated financial reform and energy mutual assistance.",
        "summary_zh": "协同推进金融改革创新，增强能源互济互保能力。",
    },
]

SOURCES = [
    {
        "key": CD_FORUM,
        "title": "Yangtze River Delta region set for leap in integration",
        # The report is in English; its Chinese title here is a translation, and says so.
        "title_zh": "长三角地区一体化将迈上新台阶（英文报道，标题为译文）",
        "publisher": "China Daily",
        "publisher_zh": "中国日报",
        "published_on": None,
        "date_note": "2024; the forum marked the sixth year of the strategy (day not given)",
        "date_note_zh": "2024年；论坛时值长三角一体化发展上升为国家战略六周年（具体日期未注明）",
        "url": "",
        "reference": "News report on the high-level forum in Wenzhou, Zhejiang",
        "reference_zh": "关于浙江温州长三角高层论坛的新闻报道",
        "is_illustrative": False,
    },
    {
        "key": YRD_BRIEFING,
        "title": (
            "Press Release for Media Briefing of the Yangtze River Delta Regional "
            "Cooperation Office"
        ),
        # Read in its English version; the Chinese title is a translation, and says so.
        "title_zh": "长三角区域合作办公室新闻发布会新闻稿（英文版，标题为译文）",
        "publisher": "Yangtze River Delta Regional Cooperation Office",
        "publisher_zh": "长三角区域合作办公室",
        "published_on": "2024-12-04",
        "date_note": "",
        "date_note_zh": "",
        "url": "",
        "reference": "Press briefing “Promoting High-quality Development”, 4 December 2024",
        "reference_zh": "2024年12月4日“推动高质量发展”主题新闻发布会",
        "is_illustrative": False,
    },
    {
        "key": ILLUSTRATIVE,
        "title": "Illustrative demo content (not a published document)",
        "title_zh": "示例演示内容（非公开发布文件）",
        "publisher": "Demo data of this tracker",
        "publisher_zh": "本跟踪平台的演示数据",
        "published_on": None,
        "date_note": "Not published: invented to show how the tracker works",
        "date_note_zh": "未公开发布：为演示本平台功能而虚构",
        "url": "",
        "reference": "",
        "reference_zh": "",
        "is_illustrative": True,
    },
]

# The plan round the items belong to (yrd-2024-12-04: "the third phase of the three-year action
# plan"); the site opens on it.
PLAN_SLUG = "yrd-2024-2026"
PLAN = {
    "slug": PLAN_SLUG,
    "name_en": "Yangtze River Delta integration: third three-year action plan (2024-2026)",
    "name_zh": "长三角地区一体化发展三年行动计划（2024—2026年）",
    "short_name_en": "YRD 2024-2026",
    "short_name_zh": "长三角 2024—2026",
    "region_en": "Yangtze River Delta",
    "region_zh": "长三角",
    "members": MEMBER_SLUGS,
    "start_date": "2024-01-01",
    "end_date": "2026-12-31",
    "sources": [CD_FORUM, YRD_BRIEFING],
    "is_current": True,
}

# The demo staff accounts. The fixture holds them with an unusable password because reviewed
# reports must name their reviewer; create_demo_users sets the password and the group.
# Nobody approves a report or a revision they wrote: the office's own reports are approved by
# its second reviewer.
OFFICE = "office"
REVIEWER = "reviewer"
ACCOUNTS = [
    # username, member slug (None for the regional cooperation office), first name, last name
    (OFFICE, None, "Regional Cooperation", "Office"),
    ("shanghai", "shanghai", "Shanghai", "Editor"),
    ("jiangsu", "jiangsu", "Jiangsu", "Editor"),
    ("zhejiang", "zhejiang", "Zhejiang", "Editor"),
    ("anhui", "anhui", "Anhui", "Editor"),
    (REVIEWER, None, "Second", "Reviewer"),
]
