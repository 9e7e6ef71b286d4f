"""Checks drivers run on parameter text produced by a fast encoder (C JSON).

Backends that take parameters as text encode whole lists with :mod:`json` and
then check the output for what JSON writes differently from the backend, rather
than walking every element in Python first.
"""

from __future__ import annotations

__all__ = ["has_long_digit_run"]

# bytes.translate marks every ASCII digit "0" and every other byte "."; a run of
# 19 digits is then a plain substring search (a regular expression such as
# r"\d{19}" took 20x longer on digit-heavy text).
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x2E for b in range(256))
_LONG_RUN = b"0" * 19


def has_long_digit_run(data: bytes) -> bool:
    """Whether ``data`` holds 19 or more ASCII digits in a row.

    Every integer outside the 64-bit range has at least 19 digits; finding none
    proves that all integers in a JSON text fit (a match may be a long string of
    digits, or a 19-digit integer that fits: the caller checks those carefully).
    """
    return _LONG_RUN in data.translate(_DIGITS_ONLY)
