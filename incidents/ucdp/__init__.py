"""UCDP GED: reading its files (`reader`), the one mapping to our model (`mapping`), writing the records in bulk (`writer`)."""

from .reader import REQUIRED_COLUMNS, GedFormatError, GedWarning, read_ged_csv
from .writer import ImportResult, import_ged_events, import_ged_file

__all__ = ["REQUIRED_COLUMNS", "GedFormatError", "GedWarning", "ImportResult", "import_ged_events", "import_ged_file", "read_ged_csv"]
