# Only ISO dates (YYYY-MM-DD) are accepted where a date is typed: a day/month order is never guessed.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]

# Numbers are written with Latin digits (as the records and sources give them), grouped by thousands with a comma and
# a point before decimals, as the Unicode CLDR writes Arabic with Latin digits. Django's own Arabic formats give a
# point as the thousands separator (which would read as a decimal point here) and no grouping at all.
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
