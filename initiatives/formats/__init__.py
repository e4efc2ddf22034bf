"""Date and time formats per language (settings FORMAT_MODULE_PATH), one of each everywhere.

A date is written 2026-12-02 in both languages, as the public pages and the plan's tables
write it; a timestamp 2026-12-02 14:05 UTC+0800, in the plan's time zone (settings TIME_ZONE)
with its offset from UTC, so that staff on a laptop set to another zone read it right. The
first input format of each kind is the one shown, so that a form gives back what it read; the
others are what people commonly type in that language. Numeric day-month orders (02/12/2026)
are not read in English: they mean two different days on either side of the Atlantic.

What a module leaves out (number separators, first day of the week) comes from Django's own
module for the language.
"""
