# Arabic pages: day, month name, year (25 أكتوبر 2006), Saturday first. Numbers keep Western separators ("1,234.5"):
# Django's Arabic default (a dot between thousands) would read 1.234 as one point two three four to a reader of the
# English pages or the exports. Digits are Western unless ARABIC_INDIC_DIGITS is on (casualtytracker/i18n.py).
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 6
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Only ISO dates (YYYY-MM-DD) are accepted where a date is typed: a day/month order is never guessed.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]

# Numbers are written with Latin digits (as the records and sources give them), grouped by thousands with a comma and
# a point before decimals, as the Unicode CLDR writes Arabic with Latin digits. Django's own Arabic formats give a
# point as the thousands separator (which would read as a decimal point here) and no grouping at all.
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
