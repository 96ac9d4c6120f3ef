"""The errors of reading a form file: what cannot be read, and what holds no table."""


class ReadError(Exception):
    """A file that cannot be read as a declaration; the message is for the user (Chinese)."""


class NoTable(ReadError):
    """A file read without fault that holds no indicator table (a folder walk skips it)."""
