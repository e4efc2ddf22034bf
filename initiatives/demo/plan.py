"""The ten initiatives, the eighteen cooperation projects and every figure the sources publish.

A `Figure` is a target. Its `published` reports carry the target's own source and are not
illustrative; its `series` are invented chart points, marked illustrative and citing the
illustrative source. Dates are ISO strings so the table reads like the documents.
"""

from dataclasses import dataclass, field

from .reference import CD_FORUM, YRD_BRIEFING

ALL = ("shanghai", "jiangsu", "zhejiang", "anhui")


@dataclass(frozen=True)
class Published:
    """A figure as a source gives it, reported against a target."""

    as_of: str
    value: str | None = None
    qualifier: str = ""
    narrative_en: str = ""
    narrative_zh: str = ""
    note: str = ""
    reached: bool = False


@dataclass(frozen=True)
class Figure:
    name_en: str
    name_zh: str
    unit_en: str = ""
    unit_zh: str = ""
    measure: str = "number"
    direction: str = "higher"
    baseline: str | None = None
    baseline_date: str | None = None
    target: str | None = None
    target_qualifier: str = ""
    target_date: str | None = None
    source: str | None = None
    headline: bool = False
    illustrative: bool = False
    published: tuple[Published, ...] = ()
    # Illustrative chart points: (as_of, value), or (as_of, True) when a milestone is reached.
    series: tuple[tuple[str, str | bool], ...] = ()
    # An illustrative per-member breakdown: (as_of, {member: value}).
    breakdown: tuple[str, dict] | None = None


@dataclass(frozen=True)
class Item:
    code: str
    area: int
    lead: str
    co: tuple[str, ...]
    title_en: str
    title_zh: str
    summary_en: str = ""
    summary_zh: str = ""
    status: str = "on_track"
    start: str = "2024-01-01"
    due: str = "2026-12-31"
    sources: tuple[str, ...] = (YRD_BRIEFING,)
    illustrative: bool = True
    figures: tuple[Figure, ...] = field(default=())


def others(lead):
    return tuple(slug for slug in ALL if slug != lead)


def milestone(name_en, name_zh, *, source=YRD_BRIEFING, target_date=None, **fields):
    return Figure(
        name_en, name_zh, measure="milestone", source=source, target_date=target_date, **fields
    )


def briefing(as_of="2024-12-04", value=None, qualifier="", en="", zh="", note="", reached=False):
    return Published(as_of, value, qualifier, en, zh, note, reached)


INITIATIVES = [
    Item(
        "I-01",
        2,
        "shanghai",
        others("shanghai"),
        "Add 660 km of railway lines",
        "新增铁路营业里程660公里",
        "One of the 10 key initiatives announced at the forum in Wenzhou: add 660 kilometres "
        "of railway lines this year.",
        "在温州举行的高层论坛发布的10项重点举措之一：年内新增铁路里程660公里。",
        status="completed",
        due="2024-12-31",
        sources=(CD_FORUM, YRD_BRIEFING),
        illustrative=False,
        figures=(
            Figure(
                "Railway lines added in the year",
                "年内新增铁路里程",
                "km",
                "公里",
                target="660",
                target_date="2024-12-31",
                source=CD_FORUM,
                headline=True,
                series=(
                    ("2024-03-31", "118"),
                    ("2024-06-30", "287"),
                    ("2024-09-30", "452"),
                    ("2024-12-31", "668"),
                ),
            ),
            Figure(
                "High-speed railway network in the region",
                "区域高铁营业里程",
                "km",
                "公里",
                baseline="4150",
                baseline_date="2018-12-31",
                source=YRD_BRIEFING,
                headline=True,
                published=(
                    briefing(
                        value="7600",
                        qualifier="over",
                        en="The “Super Loop” high-speed railway is operational; the network spans "
                        "over 7,600 km, an 80% increase from 4,150 km in 2018.",
                        zh="长三角“超级环线”高铁已开通运营，区域高铁营业里程超过7600公里，"
                        "较2018年的4150公里增长80%。",
                    ),
                ),
            ),
        ),
    ),
    Item(
        "I-02",
        2,
        "shanghai",
        others("shanghai"),
        "Install over 70,000 new public EV charging piles, bringing the total to 600,000",
        "新建公共充电桩7万个以上，总量达到60万个",
        "Announced at the forum in Wenzhou for the year; the cooperation office reported the "
        "yearly pace and the vehicle-to-pile ratio in December 2024.",
        "温州论坛发布的年度举措；长三角区域合作办公室于2024年12月通报了年度建设规模和车桩比。",
        status="completed",
        due="2024-12-31",
        sources=(CD_FORUM, YRD_BRIEFING),
        illustrative=False,
        figures=(
            Figure(
                "Public charging piles, total",
                "公共充电桩总量",
                "charging piles",
                "个",
                target="600000",
                target_date="2024-12-31",
                source=CD_FORUM,
                headline=True,
                series=(
                    ("2024-03-31", "541200"),
                    ("2024-06-30", "556800"),
                    ("2024-09-30", "579300"),
                    ("2024-12-31", "603400"),
                ),
            ),
            Figure(
                "New public charging piles installed in the year",
                "年内新建公共充电桩",
                "charging piles",
                "个",
                target="70000",
                target_qualifier="over",
                target_date="2024-12-31",
                source=CD_FORUM,
                series=(
                    ("2024-03-31", "11200"),
                    ("2024-06-30", "26800"),
                    ("2024-09-30", "49300"),
                    ("2024-12-31", "73400"),
                ),
            ),
            Figure(
                "Vehicle-to-charging-pile ratio",
                "车桩比",
                "vehicles per pile",
                "辆/桩",
                direction="lower",
                target="1.9",
                target_date="2024-12-31",
                source=YRD_BRIEFING,
                headline=True,
                published=(
                    briefing(
                        value="1.55",
                        en="A vehicle-to-pile ratio of 1.55, well ahead of the target of 1.9 "
                        "for the year.",
                        zh="车桩比达到1.55，明显优于年度目标1.9。",
                    ),
                ),
            ),
            Figure(
                "New public charging piles a year",
                "每年新建公共充电桩",
                "charging piles a year",
                "个/年",
                source=YRD_BRIEFING,
                published=(
                    briefing(
                        value="120000",
                        qualifier="over",
                        en="Over 120,000 new public charging piles are being built annually, "
                        "towards a unified network for NEV charging and swapping.",
                        zh="每年新建公共充电桩超过12万个，加快构建新能源汽车充换电一体化网络。",
                    ),
                ),
            ),
        ),
    ),
    Item(
        "I-03",
        2,
        "zhejiang",
        others("zhejiang"),
        "Establish over 200 virtual service points for remote government services across 41 cities",
        "在41个城市设立200个以上政务服务远程虚拟窗口",
        "Remote access to government services in the 41 major cities of the region.",
        "让区域41个主要城市的企业和群众远程办理政务服务。",
        status="completed",
        due="2024-12-31",
        sources=(CD_FORUM, YRD_BRIEFING),
        illustrative=False,
        figures=(
            Figure(
                "Virtual government service points",
                "政务服务远程虚拟窗口",
                "service points",
                "个",
                target="200",
                target_qualifier="over",
                target_date="2024-12-31",
                source=CD_FORUM,
                headline=True,
                series=(("2024-06-30", "74"), ("2024-09-30", "151"), ("2024-12-31", "212")),
            ),
            Figure(
                "Cities with virtual service points",
                "设立远程虚拟窗口的城市",
                "cities",
                "个",
                target="41",
                target_date="2024-12-31",
                source=CD_FORUM,
                series=(("2024-06-30", "17"), ("2024-09-30", "32"), ("2024-12-31", "41")),
            ),
            Figure(
                "High-frequency government services accessible across provinces",
                "跨省通办高频政务服务事项",
                "services",
                "项",
                source=YRD_BRIEFING,
                published=(
                    briefing(
                        value="170",
                        qualifier="over",
                        en="Over 170 high-frequency government services and applications are "
                        "accessible across provinces through unified service platforms.",
                        zh="超过170项高频政务服务事项和应用通过统一服务平台实现跨省通办。",
                    ),
                ),
            ),
        ),
    ),
    Item(
        "I-04",
        2,
        "jiangsu",
        others("jiangsu"),
        "Develop 300 new elderly care facilities",
        "新建养老服务设施300家",
        "One of the 10 key initiatives announced at the forum in Wenzhou.",
        "温州论坛发布的10项重点举措之一。",
        status="completed",
        due="2024-12-31",
        sources=(CD_FORUM,),
        illustrative=False,
        figures=(
            Figure(
                "New elderly care facilities",
                "新建养老服务设施",
                "facilities",
                "家",
                target="300",
                target_date="2024-12-31",
                source=CD_FORUM,
                headline=True,
                series=(("2024-06-30", "96"), ("2024-09-30", "188"), ("2024-12-31", "306")),
                breakdown=(
                    "2024-12-31",
                    {"shanghai": "68", "jiangsu": "92", "zhejiang": "85", "anhui": "61"},
                ),
            ),
        ),
    ),
    Item(
        "I-05",
        2,
        "zhejiang",
        others("zhejiang"),
        "Create an all-in-one card for visiting cultural and tourist attractions",
        "推出长三角文化旅游景点“一卡通”",
        "One card to visit cultural and tourist attractions across the region.",
        "一张卡畅游区域内文化旅游景点。",
        status="completed",
        due="2024-12-31",
        sources=(CD_FORUM,),
        illustrative=False,
        figures=(
            milestone(
                "All-in-one card accepted at attractions across the region",
                "“一卡通”在区域内文旅景点启用",
                source=CD_FORUM,
                target_date="2024-12-31",
                series=(("2024-12-20", True),),
            ),
        ),
    ),
    Item(
        "I-06",
        2,
        "shanghai",
        others("shanghai"),
        "Extend integration to healthcare",
        "推进医疗卫生服务一体化",
        "The forum's plans extend to healthcare. The region leads in piloting direct "
        "settlement of outpatient costs for cross-provincial medical treatment.",
        "论坛发布的计划延伸至医疗卫生领域。长三角率先开展跨省门诊费用直接结算试点。",
        sources=(CD_FORUM, YRD_BRIEFING),
        illustrative=False,
        figures=(
            Figure(
                "People benefiting from direct settlement of cross-provincial outpatient costs",
                "跨省门诊费用直接结算惠及人数",
                "people",
                "人",
                source=YRD_BRIEFING,
                published=(
                    briefing(
                        "2024-10-31",
                        "46000000",
                        "over",
                        "By the end of October 2024, more than 46 million people had benefitted.",
                        "截至2024年10月底，惠及超过4600万人。",
                        note="Reported in the briefing of 4 December 2024.",
                    ),
                ),
            ),
            Figure(
                "Patients' advance payments eliminated",
                "减少患者垫付资金",
                "yuan",
                "元",
                source=YRD_BRIEFING,
                published=(
                    briefing(
                        "2024-10-31",
                        "7000000000",
                        "over",
                        "Patients' advance payments exceeding 7 billion yuan were eliminated.",
                        "减少患者垫付资金超过70亿元。",
                        note="Reported in the briefing of 4 December 2024.",
                    ),
                ),
            ),
        ),
    ),
    Item(
        "I-07",
        2,
        "anhui",
        ("jiangsu", "zhejiang"),
        "Extend integration to rural development",
        "协同推进乡村振兴",
        "The forum's plans extend to rural development; the source gives no figure.",
        "论坛发布的计划延伸至乡村振兴领域；来源未给出具体数字。",
        sources=(CD_FORUM,),
        illustrative=False,
    ),
    Item(
        "I-08",
        3,
        "shanghai",
        others("shanghai"),
        "Visa-free transit of up to 144 hours for eligible foreigners",
        "符合条件的外国人过境免签停留最长144小时",
        "Eligible foreigners transiting through the region may stay up to 144 hours without "
        "a visa.",
        "符合条件的外国人经长三角过境可免签停留最长144小时。",
        sources=(CD_FORUM,),
        illustrative=False,
    ),
    Item(
        "I-09",
        2,
        "zhejiang",
        others("zhejiang"),
        "“One-stop service” for newborns across the region",
        "长三角新生儿出生“一件事”一站式服务",
        "Introduced in 2024, as the briefing of 4 December 2024 reports. That it is one of "
        "the 10 initiatives is assumed for the demo.",
        "2024年推出。将其列为10项举措之一为演示假设。",
        status="completed",
        due="2024-12-31",
    ),
    Item(
        "I-10",
        2,
        "anhui",
        others("anhui"),
        "Financial aid without application for students studying across provinces",
        "跨省就读家庭经济困难学生资助“免申即享”",
        "Introduced in 2024, as the briefing of 4 December 2024 reports. That it is one of "
        "the 10 initiatives is assumed for the demo.",
        "2024年推出。将其列为10项举措之一为演示假设。",
        start="2024-03-01",
    ),
]

_ASSUMED = "Named in the briefing of 4 December 2024; that it is one of the 18 key cooperation "
_ASSUMED += "projects is assumed for the demo."
_ASSUMED_ZH = "见于2024年12月4日新闻发布会；将其列为18个重点合作项目之一为演示假设。"


def project(code, area, lead, co, title_en, title_zh, *figures, **fields):
    fields.setdefault("summary_en", _ASSUMED)
    fields.setdefault("summary_zh", _ASSUMED_ZH)
    return Item(code, area, lead, co, title_en, title_zh, figures=figures, **fields)


def monitored(name_en, name_zh, unit_en, unit_zh, value, qualifier="", en="", zh="", **fields):
    as_of = fields.pop("as_of", "2024-12-04")
    note = fields.pop("note", "")
    return Figure(
        name_en,
        name_zh,
        unit_en,
        unit_zh,
        source=fields.pop("source", YRD_BRIEFING),
        published=(briefing(as_of, value, qualifier, en, zh, note),),
        **fields,
    )


def reached(name_en, name_zh, en, zh, as_of="2024-12-04", **fields):
    return milestone(
        name_en, name_zh, published=(briefing(as_of, en=en, zh=zh, reached=True),), **fields
    )


PROJECTS = [
    project(
        "P-01",
        1,
        "shanghai",
        ("anhui",),
        "Collaboration between the Zhangjiang and Hefei comprehensive national science centres",
        "张江、合肥综合性国家科学中心协同",
    ),
    project(
        "P-02",
        1,
        "shanghai",
        others("shanghai"),
        "Joint research of the Yangtze River Delta Science and Technology Innovation Community",
        "长三角科技创新共同体联合攻关",
        Figure(
            "R&D expenditure intensity",
            "研发经费投入强度",
            "%",
            "%",
            measure="percentage",
            baseline="2.81",
            baseline_date="2018-12-31",
            source=YRD_BRIEFING,
            headline=True,
            published=(
                briefing(
                    "2023-12-31",
                    "3.34",
                    en="R&D expenditure intensity rose from 2.81% in 2018 to 3.34% in 2023.",
                    zh="研发经费投入强度从2018年的2.81%提高到2023年的3.34%。",
                ),
            ),
        ),
        monitored(
            "Share of national R&D spending",
            "研发投入占全国比重",
            "%",
            "%",
            "33.3",
            "about",
            "Research and development spending constitutes a third of the national total.",
            "研发投入占全国总量的三分之一。",
            measure="percentage",
            source=CD_FORUM,
            as_of="2023-12-31",
            note="Published as “a third of the national total”; the year is not given, so it is "
            "shown with the 2023 GDP figure it follows in the report.",
        ),
        monitored(
            "Joint research task lists released",
            "发布联合攻关任务清单",
            "task lists",
            "项",
            "41",
            en="The third batch of 41 task lists has been publicly released.",
            zh="第三批41项任务清单已公开发布。",
        ),
        monitored(
            "Innovation consortia established",
            "组建创新联合体",
            "consortia",
            "个",
            "12",
            en="The first 12 Yangtze River Delta innovation consortia have been established.",
            zh="首批12个长三角创新联合体已组建。",
            note="The forum report (cd-2024-forum) also names the establishment of 12 "
            "innovative consortia.",
        ),
        monitored(
            "Global Innovation Index 2024 rank, Shanghai-Suzhou cluster",
            "2024年全球创新指数科技集群排名：上海—苏州",
            "rank",
            "位",
            "5",
            en="The Shanghai-Suzhou cluster ranked fifth globally.",
            zh="上海—苏州集群位列全球第五。",
            direction="lower",
        ),
        monitored(
            "Global Innovation Index 2024 rank, Nanjing cluster",
            "2024年全球创新指数科技集群排名：南京",
            "rank",
            "位",
            "9",
            en="The Nanjing cluster entered the top 10 for the first time, placing ninth.",
            zh="南京集群首次进入前十，位列第九。",
            direction="lower",
        ),
        sources=(YRD_BRIEFING, CD_FORUM),
    ),
    project(
        "P-03",
        1,
        "shanghai",
        others("shanghai"),
        "Yangtze River Delta Science and Technology Resource Sharing Service Platform",
        "长三角科技资源共享服务平台",
        monitored(
            "Large scientific instruments on the sharing platform",
            "平台集聚大型科学仪器",
            "instruments",
            "台（套）",
            "46441",
            en="The platform now hosts 46,441 large scientific instruments.",
            zh="平台集聚大型科学仪器46441台（套）。",
        ),
    ),
    project(
        "P-04",
        1,
        "zhejiang",
        others("zhejiang"),
        "Yangtze River Delta Science and Technology Innovation Voucher",
        "长三角科技创新券",
        monitored(
            "Innovation voucher uses",
            "创新券支持企业次数",
            "times",
            "次",
            "7000",
            "over",
            "Vouchers have supported enterprises over 7,000 times in acquiring innovation "
            "services.",
            "创新券支持企业购买创新服务超过7000次。",
        ),
        monitored(
            "Cumulative innovation voucher funding",
            "创新券累计支持金额",
            "yuan",
            "元",
            "170000000",
            "over",
            "Cumulative funding exceeds 170 million yuan.",
            "累计支持金额超过1.7亿元。",
        ),
    ),
    project(
        "P-05",
        1,
        "anhui",
        others("anhui"),
        "New energy vehicle industry chain",
        "新能源汽车产业链协同",
        monitored(
            "Share of national new energy vehicle output",
            "新能源汽车产量占全国比重",
            "%",
            "%",
            "40",
            en="The region accounts for four out of every 10 new energy vehicles produced "
            "nationwide.",
            zh="全国每生产10辆新能源汽车，就有4辆来自长三角。",
            measure="percentage",
        ),
    ),
    project(
        "P-06",
        2,
        "shanghai",
        ("jiangsu", "zhejiang"),
        "Shanghai-Suzhou-Huzhou high-speed railway",
        "沪苏湖高铁",
        milestone(
            "The 163 km line open to traffic",
            "163公里线路建成通车",
            target_date="2024-12-31",
            series=(("2024-12-31", True),),
        ),
        Figure(
            "Travel time from Shanghai to Huzhou",
            "上海至湖州通行时间",
            "minutes",
            "分钟",
            direction="lower",
            baseline="120",
            target="40",
            target_date="2024-12-31",
            source=YRD_BRIEFING,
            series=(("2024-12-31", "40"),),
        ),
        status="completed",
        due="2024-12-31",
    ),
    project(
        "P-07",
        2,
        "shanghai",
        (),
        "Airport link line between Hongqiao and Pudong international airports",
        "虹桥、浦东国际机场联络线",
        milestone(
            "The 68.6 km line in operation",
            "68.6公里线路投入运营",
            target_date="2024-12-31",
            series=(("2024-12-31", True),),
        ),
        Figure(
            "Travel time between the two airports",
            "两场间通行时间",
            "minutes",
            "分钟",
            direction="lower",
            target="40",
            target_date="2024-12-31",
            source=YRD_BRIEFING,
            series=(("2024-12-31", "40"),),
        ),
        status="completed",
        due="2024-12-31",
    ),
    project(
        "P-08",
        2,
        "shanghai",
        ("jiangsu", "zhejiang"),
        "Shanghai-Suzhou-Jiaxing intercity railway",
        "沪苏嘉城际铁路",
        status="delayed",
    ),
    project(
        "P-09",
        2,
        "shanghai",
        ("jiangsu", "zhejiang"),
        "Eco-Green Integrated Development Demonstration Zone projects",
        "生态绿色一体化发展示范区重点项目",
        monitored(
            "Institutional innovations launched in the Demonstration Zone",
            "示范区推出制度创新成果",
            "innovations",
            "项",
            "18",
            en="18 new institutional innovations were launched in 2024.",
            zh="2024年推出18项制度创新成果。",
        ),
        reached(
            "Demonstration Zone High-Quality Development Regulations in effect",
            "示范区高质量发展条例施行",
            "The regulations came into effect on 1 May, China's first cross-provincial "
            "comprehensive legislative initiative since the revision of the Legislation Law.",
            "条例于5月1日起施行，是立法法修改后全国首部省际共同制定的综合性法规。",
            as_of="2024-05-01",
        ),
        reached(
            "Huawei R&D Center completed and launched",
            "华为研发中心建成投用",
            "The Huawei R&D Center was completed and launched.",
            "华为研发中心建成投用。",
        ),
    ),
    project(
        "P-10",
        3,
        "shanghai",
        (),
        "Shanghai Eastern Hub International Business Cooperation Zone",
        "上海东方枢纽国际商务合作区",
        reached(
            "Construction started",
            "开工建设",
            "Construction started for the cooperation zone.",
            "合作区已开工建设。",
        ),
    ),
    project(
        "P-11",
        3,
        "shanghai",
        others("shanghai"),
        "Hongqiao International Hub for Opening-up",
        "虹桥国际开放枢纽",
        reached(
            "2024-2026 action plan issued",
            "2024—2026年行动方案印发实施",
            "The 2024-2026 action plan has been issued and put into effect.",
            "2024—2026年行动方案已印发实施。",
        ),
        monitored(
            "Intended transactions at the China International Import Expo",
            "进博会意向成交额",
            "US dollars",
            "美元",
            "80000000000",
            en="At the 7th CIIE, intended transactions reached $80 billion, up 2% from the "
            "previous expo.",
            zh="第七届进博会意向成交额达800亿美元，比上届增长2%。",
        ),
        reached(
            "Belt and Road promotion association inaugurated",
            "“一带一路”高质量发展促进会成立",
            "The Yangtze River Delta “Belt and Road” High-Quality Development Promotion "
            "Association has been inaugurated.",
            "长三角“一带一路”高质量发展促进会已成立。",
        ),
        sources=(YRD_BRIEFING, CD_FORUM),
    ),
    project(
        "P-12",
        3,
        "jiangsu",
        others("jiangsu"),
        "Regional market integration and logistics",
        "区域市场一体化与物流降本增效",
        monitored(
            "Initiatives for logistics quality, efficiency and lower costs",
            "物流提质增效降本举措",
            "initiatives",
            "项",
            "30",
            "over",
            "Over 30 targeted initiatives improve logistics quality and efficiency and reduce "
            "costs.",
            "推出30余项物流提质增效降本举措。",
        ),
    ),
    project(
        "P-13",
        3,
        "zhejiang",
        others("zhejiang"),
        "Food safety traceability and regional standards",
        "食品安全追溯与区域标准",
        monitored(
            "Regional standards jointly issued",
            "联合发布区域标准",
            "sets",
            "项",
            "27",
            en="The region has jointly issued 27 sets of regional standards.",
            zh="联合发布区域标准27项。",
        ),
        reached(
            "Regional food safety information traceability standards issued",
            "区域食品安全信息追溯标准发布",
            "The first regional food safety information traceability standards in China.",
            "全国首个区域食品安全信息追溯标准。",
        ),
    ),
    project(
        "P-14",
        4,
        "jiangsu",
        others("jiangsu"),
        "Yangtze River ecological corridor and regional greenways",
        "长江生态廊道与区域绿道",
        milestone(
            "Initial connectivity of the Yangtze River mainstream ecological corridor at "
            "provincial level",
            "长江干流生态廊道省际初步贯通",
            target_date="2025-12-31",
            series=(("2025-12-31", True),),
        ),
        reached(
            "Regional Greenway Connection Standard issued",
            "《区域绿道贯通标准》发布",
            "China's first cross-provincial greenway construction standard.",
            "全国首个跨省域绿道建设标准。",
        ),
    ),
    project(
        "P-15",
        4,
        "shanghai",
        others("shanghai"),
        "Cross-regional emissions trading pilots in Qingpu, Wujiang, Jiashan and Guangde",
        "青浦、吴江、嘉善、广德跨区域排污权交易试点",
        monitored(
            "National carbon market cumulative trading volume",
            "全国碳市场累计成交量",
            "tons of quotas",
            "吨",
            "494000000",
            "over",
            "Cumulative trading volumes exceed 494 million tons of carbon emission quotas.",
            "碳排放配额累计成交量超过4.94亿吨。",
            as_of="2024-10-31",
            note="By the end of October 2024.",
        ),
        monitored(
            "National carbon market cumulative turnover",
            "全国碳市场累计成交额",
            "yuan",
            "元",
            "29700000000",
            "over",
            "Total transactions surpass 29.7 billion yuan.",
            "累计成交额超过297亿元。",
            as_of="2024-10-31",
            note="By the end of October 2024.",
        ),
    ),
    project(
        "P-16",
        5,
        "shanghai",
        others("shanghai"),
        "Science and technology finance pilots in Shanghai, Nanjing, Hangzhou, Hefei and Jiaxing",
        "上海、南京、杭州、合肥、嘉兴科创金融改革试验",
        monitored(
            "Sub-funds of the Collaborative Advantage Industry Fund",
            "长三角协同优势产业基金投资子基金",
            "sub-funds",
            "支",
            "47",
            en="The fund has invested in 47 sub-funds across two phases.",
            zh="基金两期累计投资子基金47支。",
        ),
        monitored(
            "Direct projects of the Collaborative Advantage Industry Fund",
            "长三角协同优势产业基金直投项目",
            "projects",
            "个",
            "52",
            en="The fund has invested in 52 direct projects across two phases.",
            zh="基金两期累计直投项目52个。",
        ),
        monitored(
            "Underlying projects supported by the fund",
            "基金支持底层项目",
            "projects",
            "个",
            "1000",
            "nearly",
            "The fund's investments support nearly 1,000 underlying projects.",
            "支持底层项目近1000个。",
        ),
        monitored(
            "National “little giant” enterprises fostered",
            "培育国家级专精特新“小巨人”企业",
            "enterprises",
            "家",
            "312",
            en="312 national-level specialised and sophisticated “little giant” enterprises "
            "have been fostered in the region.",
            zh="培育国家级专精特新“小巨人”企业312家。",
        ),
    ),
    project(
        "P-17",
        5,
        "shanghai",
        ("jiangsu", "zhejiang"),
        "Natural gas interconnection lines",
        "天然气管网互联互通",
        monitored(
            "Inter-provincial natural gas capacity added",
            "新增省际天然气输配能力",
            "cubic metres a year",
            "立方米/年",
            "3000000000",
            "over",
            "Phase 2 of the Shanghai-Suzhou and Shanghai-Zhejiang interconnection lines added "
            "over 3 billion cubic metres of annual capacity.",
            "沪苏、沪浙天然气联络线二期建成投运，新增省际年输配能力超过30亿立方米。",
        ),
        status="at_risk",
    ),
    project(
        "P-18",
        5,
        "jiangsu",
        others("jiangsu"),
        "Yangtze River Delta power market",
        "长三角电力市场",
        reached(
            "Construction of the regional power market started",
            "区域电力市场建设启动",
            "Construction of the Yangtze River Delta power market has commenced.",
            "长三角电力市场建设已启动。",
        ),
    ),
]
