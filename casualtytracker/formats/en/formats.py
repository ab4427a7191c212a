# English pages keep British formats (25 Oct 2006, Monday first), as when the site was English only (en-gb).
DATE_FORMAT = "j M Y"
TIME_FORMAT = "P"
DATETIME_FORMAT = "j M Y, P"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y P"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Only ISO dates (YYYY-MM-DD) are accepted where a date is typed: a day/month order is never guessed.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
