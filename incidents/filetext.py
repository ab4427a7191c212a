"""The words every import (the admin's upload, `import_ucdp`) uses to say where a file is wrong: row, column, line.

One wording for both layouts, so an editor reads the same sentence whichever file they sent, and a test can hold it.
"""

from django.utils.translation import gettext, ngettext


class NotUtf8(ValueError):
    """A file that is not UTF-8 text, with the line (1 = first) where the first undecodable byte sits."""

    def __init__(self, *, line: int, byte: int):
        self.line, self.byte = line, byte
        super().__init__(gettext("Line %(line)s is not UTF-8 text (byte 0x%(byte)02x); save the file as “CSV UTF-8” and "
                                 "upload it again.") % {"line": f"{line:,}", "byte": byte})


def decode_utf8(content: bytes) -> str:
    """The file as text (a UTF-8 byte-order mark dropped); `NotUtf8` names the line of the first bad byte.

    The line is counted from the byte offset Python reports, so a 20 MB file is decoded once, not line by line.
    """
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotUtf8(line=content.count(b"\n", 0, error.start) + 1, byte=content[error.start]) from error


def cell_error(row: int, column: str, message: str) -> str:
    """'Row 12, column `best`: “12a” is not a whole number.' — row 1 is the header, as a spreadsheet numbers them."""
    if not column:
        return gettext("Row %(row)s: %(message)s") % {"row": row, "message": message}
    return gettext("Row %(row)s, column `%(column)s`: %(message)s") % {"row": row, "column": column, "message": message}


def not_a_whole_number(value: str) -> str:
    """What is wrong with a count cell that is not a count (a letter, a sign, a fraction, too many digits)."""
    return gettext("“%(value)s” is not a whole number.") % {"value": value[:40]}


def missing_columns(layout: str, missing: list[str]) -> str:
    """'This file looks like UCDP GED but has no column `high`.' — the layout a file claims, and what it lacks."""
    names = ", ".join(f"`{name}`" for name in missing)
    return ngettext("This file looks like %(layout)s but has no column %(names)s.",
                    "This file looks like %(layout)s but has no columns %(names)s.", len(missing)) % {
        "layout": layout, "names": names}


def more_problems(count: int) -> str:
    """The line that ends a capped list of errors."""
    return ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", count) % {"count": f"{count:,}"}
