"""How much one input may take: sizes checked before a file is read, the area a sheet may span, and
each file's time and memory budget in a batch (``xlgoals check -j``, the service). A file past a
limit is refused with one sentence saying which limit — never left to exhaust the machine."""

from __future__ import annotations

MB = 1 << 20

# Before reading: the file itself.
MAX_WORKBOOK_BYTES = 100 * MB
MAX_TEXT_BYTES = 20 * MB  # a published text of 44 tables is about 0.1 MB
MAX_JSON_BYTES = 50 * MB
MAX_DOCX_BYTES = 50 * MB

# Inside a package (.xlsx/.xlsm/.docx): what its members may inflate to.
MAX_MEMBERS = 5000
MAX_MEMBER_INFLATED = 200 * MB
MAX_TOTAL_INFLATED = 500 * MB

# What the workbook readers load of a sheet: no layout reaches past these.
MAX_COLUMNS = 200
MAX_ROWS = 200_000
# A sheet whose cells span more than this (rows × columns, as written in its XML) is read with the
# streaming reader: python-calamine allocates the whole span at once and aborts the process on a
# single far cell such as XFD1048576.
MAX_FAST_AREA = 4_000_000

# Text fed to the regular expressions of the readers and rules: a longer line or cell is not
# matched against patterns made for ordinary lines (it cannot be a title, a listed item, a value).
MAX_PATTERN_TEXT = 2000

# Per file in a batch (defaults of --timeout and --max-memory).
FILE_SECONDS = 120
FILE_MEMORY_MB = 2048
