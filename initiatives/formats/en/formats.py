# Django date format syntax for display; Python strptime syntax for the input formats.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"Y-m-d H:i \U\T\CO"
SHORT_DATETIME_FORMAT = r"Y-m-d H:i \U\T\CO"

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-02
    "%Y/%m/%d",  # 2026/12/02
    "%Y.%m.%d",  # 2026.12.02
    "%d %B %Y",  # 2 December 2026
    "%d %b %Y",  # 2 Dec 2026
    "%B %d, %Y",  # December 2, 2026
    "%b %d, %Y",  # Dec 2, 2026
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
]

# Figures: 600,000 and 1.55.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
