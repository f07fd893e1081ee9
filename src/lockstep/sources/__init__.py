"""Readers: turn paths (files, directories, archives, tables) into RawRecords, sniffing each format.

`iter_inputs(paths)` walks paths into input files; `read_input(path, options)` yields RawRecords for one file
or a `SkipInput` reason. Format is decided by content (see `sniff.py`), not only by suffix.
"""

from lockstep.sources.files import InputFile, iter_inputs, read_input
from lockstep.sources.sniff import sniff_format

__all__ = ["InputFile", "iter_inputs", "read_input", "sniff_format"]
