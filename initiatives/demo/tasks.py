"""The 165 key tasks, grouped by the initiative or project they support.

The documents do not list the tasks, so every task here is illustrative. Each row is
(lead member, English title, Chinese title) with optional settings: `profile` pins how the task
is going (see fixture.PROFILES), `target` gives a numeric target instead of the generic share
of planned work, `figures` carries published figures that belong to no single project.
"""

from .plan import CD_FORUM, YRD_BRIEFING, Figure, briefing, monitored

# Region-wide indicators from the sources, kept by the monitoring task.
MONITORING_FIGURES = (
    monitored(
        "Regional GDP",
        "地区生产总值",
        "yuan",
        "元",
        "30000000000000",
        "over",
        "GDP surpassed 30 trillion yuan ($4.1 trillion) in 2023, accounting for roughly 24.2% of "
        "the nation's total.",
        "2023年地区生产总值突破30万亿元（4.1万亿美元），约占全国的24.2%。",
        source=CD_FORUM,
        as_of="2023-12-31",
    ),
    Figure(
        "Share of national economic output",
        "经济总量占全国比重",
        "%",
        "%",
        measure="percentage",
        baseline="23.9",
        baseline_date="2018-12-31",
        source=YRD_BRIEFING,
        headline=True,
        published=(
            briefing(
                "2023-12-31",
                "24.4",
                en="The combined economic output rose from 23.9% of the national total in 2018 "
                "to 24.4% in 2023.",
                zh="经济总量占全国比重从2018年的23.9%提高到2023年的24.4%。",
            ),
        ),
    ),
    monitored(
        "Growth rate, first three quarters of the year",
        "前三季度经济增速",
        "%",
        "%",
        "5.4",
        en="5.4% in the first three quarters of 2024, 0.6 percentage points above the national "
        "average.",
        zh="2024年前三季度增长5.4%，高于全国平均水平0.6个百分点。",
        measure="percentage",
        as_of="2024-09-30",
    ),
    Figure(
        "Cities with GDP over 1 trillion yuan",
        "GDP超万亿元城市",
        "cities",
        "个",
        baseline="6",
        baseline_date="2018-12-31",
        source=YRD_BRIEFING,
        published=(
            briefing(
                value="9",
                en="Up from six in 2018 to nine, over one-third of the national total.",
                zh="由2018年的6个增加到9个，占全国三分之一以上。",
            ),
        ),
    ),
)

AIR_FIGURES = (
    Figure(
        "Days of good air quality, January to October",
        "1—10月空气质量优良天数比率",
        "%",
        "%",
        measure="percentage",
        baseline="75.1",
        baseline_date="2018-10-31",
        source=YRD_BRIEFING,
        headline=True,
        published=(
            briefing(
                "2024-10-31",
                "83.3",
                en="Good air quality on 83.3% of days from January to October, 8.2 percentage "
                "points above the same period of 2018.",
                zh="1—10月空气质量优良天数比率为83.3%，较2018年同期提高8.2个百分点。",
                note="The 2018 baseline (75.1%) is implied by the 8.2-point rise.",
            ),
        ),
    ),
    Figure(
        "Average PM2.5 concentration",
        "PM2.5平均浓度",
        "µg/m³",
        "微克/立方米",
        direction="lower",
        baseline="42",
        baseline_date="2018-12-31",
        source=YRD_BRIEFING,
        headline=True,
        published=(
            briefing(
                "2024-10-31",
                "30",
                en="The average PM2.5 concentration dropped from 42 µg/m³ in 2018 to 30 µg/m³.",
                zh="PM2.5平均浓度从2018年的42微克/立方米下降至30微克/立方米。",
                note="Stated with the January to October 2024 air quality figures.",
            ),
        ),
    ),
)

DONE = {"profile": "done"}


def count(name_en, name_zh, unit_en, unit_zh, value):
    return {"target": (name_en, name_zh, unit_en, unit_zh, value)}


# Tasks under an initiative or a project: parent code -> rows.
BY_PARENT = {
    "I-01": [
        (
            "shanghai",
            "Complete track laying on new railway sections in Shanghai",
            "完成上海境内新建铁路区段铺轨",
        ),
        (
            "jiangsu",
            "Put new intercity sections in southern Jiangsu into service",
            "苏南新建城际铁路区段投入运营",
            count("Intercity line put into service", "投入运营城际线路", "km", "公里", "180"),
        ),
        (
            "zhejiang",
            "Finish acceptance tests on new lines in northern Zhejiang",
            "完成浙北新建线路联调联试",
        ),
        ("anhui", "Connect new lines in Anhui to the regional network", "安徽新建线路接入区域路网"),
        (
            "shanghai",
            "Publish a joint timetable for cross-border rail services",
            "发布跨省市铁路客运联合时刻表",
        ),
    ],
    "I-02": [
        (
            "shanghai",
            "Install fast chargers at public car parks in the city centre",
            "在中心城区公共停车场建设快充桩",
        ),
        (
            "jiangsu",
            "Add charging piles at expressway service areas in Jiangsu",
            "江苏高速公路服务区增设充电桩",
            count(
                "Charging piles at service areas",
                "服务区新增充电桩",
                "charging piles",
                "个",
                "2400",
            ),
        ),
        (
            "zhejiang",
            "Bring public charging to rural townships in Zhejiang",
            "推进公共充电设施覆盖浙江乡镇",
        ),
        (
            "anhui",
            "Build battery swapping stations along main freight corridors",
            "沿主要货运通道建设换电站",
            count("Battery swapping stations", "换电站", "stations", "座", "60"),
        ),
        (
            "shanghai",
            "Link members' charging apps on one payment platform",
            "打通各地充电平台，实现一码支付",
        ),
    ],
    "I-03": [
        (
            "zhejiang",
            "Set up virtual service points in county-level service halls",
            "在县级政务服务大厅设立远程虚拟窗口",
        ),
        (
            "jiangsu",
            "Train service-hall staff in remote cross-provincial handling",
            "开展跨省远程办理窗口人员培训",
        ),
        (
            "anhui",
            "Open virtual service points in Anhui's prefecture-level cities",
            "在安徽各地级市开设远程虚拟窗口",
        ),
        ("shanghai", "Agree common standards for remote identity checks", "统一远程身份核验标准"),
    ],
    "I-04": [
        (
            "jiangsu",
            "Open community elderly care centres in Jiangsu",
            "江苏新建社区养老服务中心",
            count("Community centres opened", "新建社区养老服务中心", "centres", "家", "90"),
        ),
        (
            "shanghai",
            "Let long-term care insurance be used across the region",
            "推动长期护理保险跨区域结算",
        ),
        (
            "zhejiang",
            "Publish a shared list of care homes that accept residents from other members",
            "发布接收异地老人的养老机构共享名单",
        ),
        (
            "anhui",
            "Build elderly care facilities in Anhui counties near the core cities",
            "在毗邻中心城市的安徽县域建设养老设施",
        ),
    ],
    "I-05": [
        (
            "zhejiang",
            "Sign up attractions to the all-in-one card",
            "推动景区加入文旅“一卡通”",
            count(
                "Attractions accepting the card", "接入“一卡通”的景区", "attractions", "家", "400"
            ),
        ),
        (
            "shanghai",
            "Launch the card in the members' tourism apps",
            "在各地文旅应用中上线“一卡通”",
        ),
        ("anhui", "Add museums and libraries to the card", "将博物馆、图书馆纳入“一卡通”"),
    ],
    "I-06": [
        (
            "shanghai",
            "Extend direct settlement to outpatient treatment of chronic diseases",
            "将门诊慢特病纳入跨省直接结算",
        ),
        (
            "jiangsu",
            "Recognise medical test results across member hospitals",
            "推进成员医院检查检验结果互认",
        ),
        (
            "zhejiang",
            "Share electronic health records across the region",
            "推进电子健康档案跨区域共享",
        ),
        (
            "anhui",
            "Send specialist teams to county hospitals in Anhui",
            "组织专家团队下沉安徽县级医院",
        ),
        (
            "shanghai",
            "Coordinate emergency medical rescue across borders",
            "建立跨区域紧急医疗救援协同机制",
        ),
    ],
    "I-07": [
        (
            "anhui",
            "Link rural produce to markets in the region's cities",
            "推动农产品对接区域城市市场",
        ),
        ("jiangsu", "Run joint training for rural entrepreneurs", "联合开展农村创业人才培训"),
        (
            "zhejiang",
            "Share the beautiful countryside model with other members",
            "推广美丽乡村建设经验",
        ),
        (
            "anhui",
            "Improve rural roads linking villages on member borders",
            "改善省际毗邻村庄农村公路",
            count("Rural roads improved", "改善农村公路", "km", "公里", "320"),
        ),
        ("jiangsu", "Pilot cross-border rural revitalisation areas", "建设跨省乡村振兴示范片区"),
    ],
    "I-08": [
        (
            "shanghai",
            "Open all eligible ports of entry for 144-hour transit",
            "开放符合条件的口岸办理144小时过境免签",
        ),
        (
            "jiangsu",
            "Publish multilingual guides for transit visitors",
            "发布面向过境旅客的多语种指南",
        ),
        (
            "zhejiang",
            "Make mobile payment easier for foreign visitors",
            "提升境外来访人员移动支付便利度",
        ),
    ],
    "I-09": [
        (
            "zhejiang",
            "Put newborn registration services on the unified platform",
            "将新生儿出生登记事项接入统一平台",
        ),
        (
            "shanghai",
            "Let parents enrol a newborn in medical insurance across provinces",
            "实现新生儿医保参保跨省办理",
        ),
        (
            "anhui",
            "Handle birth certificates and household registration together",
            "出生医学证明与户口登记联办",
        ),
    ],
    "I-10": [
        (
            "anhui",
            "Share data on students' family finances between education departments",
            "教育部门共享学生家庭经济状况数据",
        ),
        (
            "jiangsu",
            "Pay aid to eligible students without an application",
            "对符合条件的学生“免申即享”发放资助",
        ),
        ("zhejiang", "Publish the list of aid schemes covered", "公布纳入范围的资助项目清单"),
    ],
    "P-01": [
        (
            "shanghai",
            "Open shared beam time at large research facilities",
            "开放大科学装置共享机时",
        ),
        ("anhui", "Run joint calls for basic research", "联合发布基础研究项目指南"),
        (
            "shanghai",
            "Set up joint laboratories between the two science centres",
            "两大科学中心共建联合实验室",
            count("Joint laboratories", "联合实验室", "laboratories", "个", "8"),
        ),
        (
            "anhui",
            "Exchange researchers between Zhangjiang and Hefei",
            "推进张江与合肥科研人员交流",
        ),
        ("shanghai", "Share data from major research facilities", "推动重大科研设施数据共享"),
        (
            "anhui",
            "Plan the next generation of research facilities together",
            "联合谋划新一代重大科技基础设施",
        ),
    ],
    "P-02": [
        ("shanghai", "Release the joint research task lists", "发布联合攻关任务清单", DONE),
        ("jiangsu", "Fund joint research on integrated circuits", "支持集成电路联合攻关项目"),
        ("zhejiang", "Fund joint research on artificial intelligence", "支持人工智能联合攻关项目"),
        ("anhui", "Fund joint research on quantum information", "支持量子信息联合攻关项目"),
        ("shanghai", "Set up innovation consortia led by enterprises", "组建企业牵头的创新联合体"),
        ("jiangsu", "Evaluate finished joint research projects", "开展已结题联合攻关项目评估"),
    ],
    "P-03": [
        (
            "shanghai",
            "Connect the members' instrument sharing platforms",
            "打通各地大型仪器共享平台",
        ),
        ("jiangsu", "Publish common rules for instrument sharing fees", "制定仪器共享收费统一规则"),
        (
            "zhejiang",
            "Add testing and inspection services to the platform",
            "将检验检测服务纳入平台",
        ),
        (
            "anhui",
            "Bring university instruments in Anhui onto the platform",
            "推动安徽高校大型仪器接入平台",
            count(
                "University instruments added", "新接入高校仪器", "instruments", "台（套）", "1500"
            ),
        ),
        ("shanghai", "Rate instrument owners on service quality", "开展仪器共享服务质量评价"),
        ("zhejiang", "Promote the platform to small enterprises", "面向中小企业推广共享平台"),
    ],
    "P-04": [
        ("zhejiang", "Accept vouchers in all four members", "实现创新券四地通用通兑"),
        ("shanghai", "Register service providers for the voucher scheme", "开展创新券服务机构登记"),
        ("jiangsu", "Put voucher applications online", "实现创新券网上申领"),
        (
            "anhui",
            "Extend vouchers to enterprises in Anhui's development zones",
            "将创新券覆盖至安徽开发区企业",
        ),
        ("zhejiang", "Audit the use of voucher funds", "开展创新券资金使用审计"),
        ("shanghai", "Report on what the vouchers achieved", "发布创新券实施成效报告"),
    ],
    "P-05": [
        (
            "anhui",
            "Map the regional supply chain for new energy vehicles",
            "绘制新能源汽车区域产业链图谱",
        ),
        (
            "shanghai",
            "Test intelligent connected vehicles on cross-border roads",
            "开展智能网联汽车跨省道路测试",
            count("Cross-border test roads opened", "开放跨省测试道路", "km", "公里", "500"),
        ),
        ("jiangsu", "Build shared testing sites for vehicle batteries", "共建动力电池检测基地"),
        (
            "zhejiang",
            "Set common data rules for the Internet of Vehicles",
            "制定车联网数据共性规则",
        ),
        ("anhui", "Match parts suppliers with vehicle makers", "组织零部件企业与整车企业对接"),
        (
            "jiangsu",
            "Recycle used batteries through a regional network",
            "建设区域动力电池回收利用网络",
        ),
    ],
    "P-06": [
        ("shanghai", "Finish the Shanghai section of the line", "完成上海段工程建设"),
        ("jiangsu", "Finish the Suzhou section of the line", "完成苏州段工程建设"),
        ("zhejiang", "Finish the Huzhou section of the line", "完成湖州段工程建设"),
        ("shanghai", "Complete joint commissioning tests", "完成联调联试"),
        ("zhejiang", "Open new stations with connecting bus services", "新建车站同步开通接驳公交"),
        ("jiangsu", "Adjust train services after opening", "开通后优化列车开行方案"),
    ],
    "P-07": [
        ("shanghai", "Finish tunnelling on the airport link line", "完成机场联络线盾构施工"),
        ("shanghai", "Install signalling and power systems", "完成信号和供电系统安装"),
        (
            "shanghai",
            "Open check-in at Hongqiao for flights from Pudong",
            "在虹桥开通浦东航班值机服务",
        ),
        ("shanghai", "Run trial operation", "开展试运行"),
        ("shanghai", "Integrate fares with the metro", "实现与轨道交通票务衔接"),
        ("shanghai", "Publish the service timetable", "公布运营时刻表"),
    ],
    "P-08": [
        ("shanghai", "Bore the tunnel sections in Qingpu", "完成青浦段隧道掘进"),
        ("jiangsu", "Build the Wujiang section", "推进吴江段工程建设"),
        ("zhejiang", "Build the Jiashan section", "推进嘉善段工程建设"),
        (
            "shanghai",
            "Agree how the line is run across the three members",
            "明确跨省市运营管理模式",
        ),
        ("zhejiang", "Plan development around the stations", "开展站点周边综合开发规划"),
        ("jiangsu", "Connect the line with the Suzhou metro", "实现与苏州轨道交通衔接"),
    ],
    "P-09": [
        ("shanghai", "Move research teams into the Huawei R&D Center", "推进华为研发中心团队入驻"),
        (
            "shanghai",
            "Build the Xicen Science and Technology Innovation Center",
            "加快建设西岑科创中心",
        ),
        ("zhejiang", "Build the Watertown Living Room", "加快建设“水乡客厅”"),
        ("jiangsu", "Publish the zone's institutional innovations", "发布示范区制度创新成果"),
        (
            "shanghai",
            "Put the Demonstration Zone regulations into practice",
            "贯彻实施示范区高质量发展条例",
        ),
        (
            "zhejiang",
            "Run river and lake chiefs jointly for the One River and Three Lakes",
            "“一河三湖”联合河湖长制",
        ),
    ],
    "P-10": [
        ("shanghai", "Start construction of the cooperation zone", "合作区开工建设", DONE),
        (
            "shanghai",
            "Agree the rules for entering and leaving the zone",
            "明确合作区人员出入管理规则",
        ),
        ("shanghai", "Plan the zone's transport connections", "规划合作区交通衔接"),
        ("shanghai", "Attract international business organisations", "吸引国际商务机构入驻"),
        ("shanghai", "Build the zone's digital services platform", "建设合作区数字化服务平台"),
        ("shanghai", "Set up customs facilities", "建设海关监管设施"),
    ],
    "P-11": [
        ("shanghai", "Issue the 2024-2026 action plan", "印发实施2024—2026年行动方案", DONE),
        (
            "jiangsu",
            "Open the Hongqiao overseas trade centre to members' firms",
            "向成员企业开放虹桥海外贸易中心",
        ),
        (
            "zhejiang",
            "Spread the benefits of the import expo to member cities",
            "放大进博会溢出效应",
        ),
        (
            "anhui",
            "Match expo exhibitors with investment opportunities",
            "建立展商变投资商对接机制",
        ),
        (
            "shanghai",
            "Support the work of the Belt and Road promotion association",
            "支持“一带一路”高质量发展促进会开展工作",
        ),
        ("jiangsu", "Add international flights at Hongqiao", "拓展虹桥机场国际航线"),
    ],
    "P-12": [
        (
            "jiangsu",
            "Remove barriers to market entry across the region",
            "清理妨碍区域统一市场的准入壁垒",
        ),
        (
            "shanghai",
            "Lower logistics costs on the main freight corridors",
            "降低主要货运通道物流成本",
        ),
        ("zhejiang", "Develop river-sea combined transport", "发展江海联运"),
        (
            "anhui",
            "Build regional cold chain hubs",
            "建设区域冷链物流枢纽",
            count("Cold chain hubs in operation", "建成冷链物流枢纽", "hubs", "个", "6"),
        ),
        ("jiangsu", "Share credit information on market players", "共享市场主体信用信息"),
        ("zhejiang", "Digitalise shipping and trade documents", "推进航运贸易单证数字化"),
    ],
    "P-13": [
        (
            "zhejiang",
            "Issue food safety information traceability standards",
            "发布食品安全信息追溯标准",
            DONE,
        ),
        ("shanghai", "Connect the members' food traceability platforms", "对接各地食品追溯平台"),
        ("jiangsu", "Draft regional standards for public services", "起草公共服务领域区域标准"),
        ("anhui", "Train enterprises to apply regional standards", "开展区域标准实施培训"),
        ("zhejiang", "Review regional standards three years after issue", "开展区域标准实施复审"),
        (
            "shanghai",
            "Publish regional standards in one online catalogue",
            "建设区域标准统一查询目录",
        ),
    ],
    "P-14": [
        (
            "jiangsu",
            "Connect greenways across member borders",
            "推进跨省绿道贯通",
            count("Greenway connected across borders", "跨省贯通绿道", "km", "公里", "300"),
        ),
        (
            "shanghai",
            "Issue the Regional Greenway Connection Standard",
            "发布《区域绿道贯通标准》",
            DONE,
        ),
        ("anhui", "Restore wetlands along the Yangtze in Anhui", "修复长江安徽段沿岸湿地"),
        ("zhejiang", "Plant shelter forests along the corridor", "沿廊道营造防护林带"),
        ("jiangsu", "Monitor biodiversity along the corridor", "开展廊道生物多样性监测"),
        ("anhui", "Relocate chemical plants away from the river banks", "推动沿江化工企业搬迁"),
    ],
    "P-15": [
        ("shanghai", "Launch emissions trading in Qingpu", "启动青浦排污权交易试点", DONE),
        ("jiangsu", "Launch emissions trading in Wujiang", "启动吴江排污权交易试点", DONE),
        ("zhejiang", "Launch emissions trading in Jiashan", "启动嘉善排污权交易试点", DONE),
        ("anhui", "Launch emissions trading in Guangde", "启动广德排污权交易试点", DONE),
        ("shanghai", "Agree a common method for pricing emission rights", "统一排污权定价方法"),
        (
            "jiangsu",
            "Report on the first year of cross-regional trades",
            "发布跨区域交易首年评估报告",
        ),
    ],
    "P-16": [
        (
            "shanghai",
            "Offer intellectual property pledge loans to technology firms",
            "开展知识产权质押融资",
        ),
        ("jiangsu", "Run the finance pilot in Nanjing", "推进南京科创金融改革试验"),
        (
            "zhejiang",
            "Run the finance pilots in Hangzhou and Jiaxing",
            "推进杭州、嘉兴科创金融改革试验",
        ),
        ("anhui", "Run the finance pilot in Hefei", "推进合肥科创金融改革试验"),
        (
            "shanghai",
            "Invest through the Collaborative Advantage Industry Fund",
            "发挥长三角协同优势产业基金作用",
        ),
        ("jiangsu", "Share risk data between financial regulators", "加强金融监管风险信息共享"),
    ],
    "P-17": [
        (
            "shanghai",
            "Complete phase 2 of the Shanghai-Suzhou interconnection line",
            "建成沪苏天然气联络线二期",
            DONE,
        ),
        (
            "zhejiang",
            "Complete phase 2 of the Shanghai-Zhejiang interconnection line",
            "建成沪浙天然气联络线二期",
            DONE,
        ),
        ("jiangsu", "Agree rules for emergency gas transfers", "制定天然气应急互济规则"),
        ("shanghai", "Expand LNG storage at coastal terminals", "扩建沿海液化天然气储罐"),
        (
            "zhejiang",
            "Connect city gas grids near the members' borders",
            "推进省界毗邻地区城燃管网互通",
        ),
        ("jiangsu", "Run a joint gas supply emergency drill", "开展天然气保供联合演练"),
    ],
    "P-18": [
        ("jiangsu", "Draft the regional power market rules", "起草区域电力市场规则"),
        ("shanghai", "Run trial electricity trading between members", "开展省间电力交易试运行"),
        ("zhejiang", "Build the market's trading platform", "建设区域电力交易平台"),
        ("anhui", "Send more power from Anhui to the region", "扩大皖电东送规模"),
        ("jiangsu", "Share peak-load support among members", "建立迎峰度夏电力互济机制"),
        ("shanghai", "Publish market data every month", "按月发布电力市场信息"),
    ],
}

# Tasks that support no single initiative or project: focus area number -> rows.
BY_AREA = {
    1: [
        (
            "jiangsu",
            "Train engineers for the region's integrated circuit industry",
            "联合培养集成电路产业工程师",
        ),
        ("zhejiang", "Open public data for research use", "推动公共数据开放用于科研"),
        ("anhui", "Support start-ups from the region's universities", "支持高校科技成果转化创业"),
    ],
    2: [
        (
            "shanghai",
            "Monitor the region's integrated development",
            "开展长三角一体化发展监测",
            {"profile": "monitoring", "figures": MONITORING_FIGURES},
        ),
        (
            "shanghai",
            "Draft the integration blueprint for the 15th Five-Year Plan period",
            "编制“十五五”时期长三角一体化发展蓝图",
        ),
        (
            "jiangsu",
            "Use social security cards as one card across the region",
            "推进社会保障卡居民服务“一卡通”",
        ),
        (
            "zhejiang",
            "Let public library users borrow and return across members",
            "推动公共图书馆通借通还",
        ),
        ("anhui", "Recognise professional qualifications across members", "推进职业资格跨区域互认"),
    ],
    3: [
        ("shanghai", "Share customs clearance data between the region's ports", "共享口岸通关数据"),
        ("zhejiang", "Help enterprises exhibit abroad together", "组织企业联合出海参展"),
        ("jiangsu", "Align the rules for cross-border e-commerce", "统一跨境电商监管规则"),
    ],
    4: [
        (
            "zhejiang",
            "Control air pollution jointly, including ozone",
            "大气污染联防联控（含臭氧）",
            {"profile": "monitoring", "figures": AIR_FIGURES},
        ),
        (
            "shanghai",
            "Clean up coastal waters of the Yangtze Estuary and Hangzhou Bay",
            "开展长江口—杭州湾近岸海域综合治理",
        ),
        (
            "jiangsu",
            "Keep a white list for the disposal of solid and hazardous waste",
            "建立固体废物和危险废物利用处置“白名单”",
        ),
        (
            "anhui",
            "Compensate upstream areas for protecting water quality",
            "完善上下游生态保护补偿",
        ),
    ],
    5: [
        ("anhui", "Hold joint reserves of emergency supplies", "联合储备应急物资"),
        ("zhejiang", "Hold a joint flood control exercise", "开展联合防汛演练"),
    ],
}
