"""Text from the data made safe to print on a terminal: no escape sequences, no control characters.

Names, group labels and ids come from the exports, which anyone who could post a message or edit
a profile wrote. Printed raw, an escape sequence in a display name can move the cursor, rewrite
earlier lines, set the window title or hide text; rich escapes its own markup but not control
bytes. :func:`plain` removes them (and the Unicode controls that reorder or hide text) and is
applied to every value from the data the command line prints.

Examples
--------
>>> plain("Ana\\x1b[2J\\x1b]0;pwned\\x07 Lima\\r\\n")
'Ana Lima'
"""

from __future__ import annotations

import re

__all__ = ["CONTROL", "plain"]

#: ANSI/VT escape sequences (CSI, OSC, DCS and the like, and two-character escapes), matched
#: whole so that their parameters go with them.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI ... final byte
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC ... BEL or ST
    r"|\x9b[0-?]*[ -/]*[@-~]"            # 8-bit CSI
    r"|\x1b[ -~]?"                       # any other escape
)

#: Characters removed: C0 and C1 controls (tab, newline included), DEL, and the Unicode format
#: characters that reorder or hide text (bidirectional overrides and isolates, zero-width marks).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def plain(text: object) -> str:
    """``text`` as a string without escape sequences or control characters.

    Runs of white space left where controls stood become one space; the ends are trimmed.

    Examples
    --------
    >>> plain("x\\u202eevil"), plain(None), plain("a\\tb")
    ('xevil', 'None', 'a b')
    """
    s = _ESCAPES.sub("", str(text))
    s = re.sub(r"[\t\n\r\v\f]+", " ", s)
    s = CONTROL.sub("", s)
    return re.sub(r" {2,}", " ", s).strip()
