# Only ISO dates (YYYY-MM-DD) are accepted where a date is typed: a day/month order is never guessed.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
