# Django date format syntax for display; Python strptime syntax for the input formats.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"Y-m-d H:i \U\T\CO"
SHORT_DATETIME_FORMAT = r"Y-m-d H:i \U\T\CO"

# strptime reads 12 and 2 alike for %m and %d, so 2026年12月2日 and 2026年12月02日 both read.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-02
    "%Y/%m/%d",  # 2026/12/02
    "%Y.%m.%d",  # 2026.12.02
    "%Y年%m月%d日",  # 2026年12月2日
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 14:05:00
    "%H:%M",  # 14:05
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-12-02 14:05:00
    "%Y-%m-%d %H:%M",  # 2026-12-02 14:05
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",  # 2026年12月2日 14:05
]

# Figures as the plan's Chinese documents print them: 600,000 and 1.55 (Django's own Chinese
# formats group by four with no separator, which no source here does).
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
