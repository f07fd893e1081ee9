"""Property-based fuzzing of every reader with structured hostile inputs (bounded: 60 examples each, no deadline).

Random bytes alone rarely reach the paths that broke (a 5,000-digit number, 100,000-deep nesting, a lone
surrogate, a ragged row, a typed Parquet column, a file name that is not UTF-8), so these strategies build
them. Each property: the reader yields valid records or raises SkipInput naming the file, never anything else,
and what it yields can be stored (Arrow accepts it)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lockstep.errors import SkipInput
from lockstep.model import raw_to_batch
from lockstep.sources.cells import TEXT_FIELDS, cell_text
from lockstep.sources.encoding import MIN_UTF8_BYTES, decode_page
from lockstep.sources.files import ReadOptions, read_input
from lockstep.sources.walk import iter_inputs
from tests.pipeline.builders import ARTICLE_EN, html_page, warc_bytes

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
FIELD_NAMES = ("text", "title", "html", "url", "published", "outlet", "author", "id", "language", "extra")

# JSON as text, so that what json.dumps refuses to write (huge integers, lone surrogates, NaN) can be built too
json_scalars = st.one_of(
    st.sampled_from(["null", "true", "false", "NaN", "Infinity", "-Infinity", "1e999", "-0", "0.5",
                     '"\\ud800"', '"a\\udfffb"', '"http://[::1"', '"2022-03-04"', '"9999-99-99T99:99"']),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=200).map(lambda t: json.dumps(t, ensure_ascii=False)),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ",".join(items) + "]"),
        st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=4).map(
            lambda d: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in d.items()) + "}"),
    ),
    max_leaves=12,
)
deep = st.integers(min_value=1, max_value=120_000).map(lambda n: "[" * n + "]" * n)
json_objects = st.dictionaries(st.sampled_from(FIELD_NAMES), st.one_of(json_values, deep), min_size=1, max_size=6).map(
    lambda d: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in d.items()) + "}")
json_lines = st.one_of(json_objects, json_values, st.text(max_size=80))


def read_file(tmp_path: Path, name: str, data: bytes) -> tuple[list, str]:
    """(records, reason or "") for one file, checking the reader's contract on the way."""
    path = tmp_path / name
    path.write_bytes(data)
    records: list = []
    reason = ""
    try:
        records.extend(read_input(path, "sha", ReadOptions(max_bytes=1 << 20)))
    except SkipInput as exc:
        reason = str(exc)
        assert reason.startswith(str(path)) and "\n" not in reason.strip()
    if records:
        raw_to_batch(records)  # storable: no lone surrogate, no object Arrow refuses
    for record in records:
        for key, value in record.fields.items():
            assert isinstance(value, str), (key, value)
    return records, reason


@FUZZ
@given(lines=st.lists(json_lines, min_size=1, max_size=8))
def test_jsonl_of_hostile_values(tmp_path, lines):
    records, reason = read_file(tmp_path, "fuzz.jsonl", "\n".join(lines).encode("utf-8", "surrogatepass"))
    for record in records:
        assert record.fields.get("text") not in ("inf", "-inf", "nan", "True", "true", "None")


@FUZZ
@given(rows=st.lists(st.one_of(json_objects, json_values), max_size=6))
def test_json_array_of_hostile_values(tmp_path, rows):
    read_file(tmp_path, "fuzz.json", ("[" + ",".join(rows) + "]").encode("utf-8", "surrogatepass"))


@FUZZ
@given(width=st.integers(min_value=1, max_value=5), tsv=st.booleans(),
       rows=st.lists(st.lists(st.text(max_size=30), max_size=8), max_size=12))
def test_csv_and_tsv_with_ragged_rows_count_every_row(tmp_path, width, tsv, rows):
    header = ["text", *[f"c{i}" for i in range(1, width)]]
    rows = [[cell.replace("\x00", "") for cell in row] for row in rows]
    if tsv:  # tabs, line breaks and quotes are taken literally in a TSV: write it by hand
        rows = [[" ".join(cell.split()) for cell in row] for row in rows]
        data = "\n".join("\t".join(row) for row in [header, *rows]) + "\n"
        written = [row for row in rows if "\t".join(row)]  # an empty line is no row
    else:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)  # "\r\n" lines: a cell holding \r or \n is quoted
        writer.writerow(header)
        writer.writerows(rows)
        data = buffer.getvalue()
        written = [row for row in rows if row]
    records, reason = read_file(tmp_path, "fuzz.tsv" if tsv else "fuzz.csv", data.encode())
    if "binary file" in reason:  # control characters in a small file: refused whole, with that reason
        return
    too_long = sum(len(row) > width for row in written)
    assert len(records) == len(written) - too_long
    if too_long:
        assert f"{too_long} row(s) skipped" in reason


parquet_columns = st.sampled_from([
    pa.array([1, 2, None], pa.int64()), pa.array([1.5, float("inf"), float("nan")], pa.float64()),
    pa.array(["a story", None, "\u00e9t\u00e9"], pa.string()), pa.array([True, False, None], pa.bool_()),
    pa.array([["para one", "para two"], [], None], pa.list_(pa.string())),
    pa.array([b"bytes \xff", b"utf-8 text", None], pa.binary()),
    pa.array([0, 10**12, None], pa.timestamp("ms")), pa.array([[1, 2], [3], None], pa.list_(pa.int64())),
    pa.array([{"x": 1}, None, {"x": 2}], pa.struct([("x", pa.int64())])),
])


@FUZZ
@given(columns=st.dictionaries(st.sampled_from(FIELD_NAMES), parquet_columns, min_size=1, max_size=4))
def test_parquet_of_every_column_type(tmp_path, columns):
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    records, reason = read_file(tmp_path, "fuzz.parquet", buffer.getvalue())
    for record in records:
        for name in TEXT_FIELDS:
            if name in record.fields:  # text came from text: a string, UTF-8 bytes or a list of strings
                assert pa.types.is_string(columns[name].type) or pa.types.is_binary(columns[name].type) or \
                    columns[name].type == pa.list_(pa.string())


@FUZZ
@given(cut=st.integers(min_value=0, max_value=6000), gz=st.booleans(), junk=st.binary(max_size=40),
       statuses=st.lists(st.sampled_from(["200 OK", "404 Not Found", "301 Moved"]), min_size=1, max_size=3))
def test_warc_cut_anywhere(tmp_path, cut, gz, junk, statuses):
    pages = [(f"https://tass.com/{i}", html_page(f"Story {i}", ARTICLE_EN)) for i in range(len(statuses))]
    archive = warc_bytes(pages, gz=gz)
    records, reason = read_file(tmp_path, "fuzz.warc.gz" if gz else "fuzz.warc", archive[:cut] + junk)
    assert len(records) <= len(pages)
    if "truncated or corrupt WARC" in reason:
        assert f"the {len(records)} page(s) before it were kept" in reason or "no page before it" in reason


alphabets = st.sampled_from(["Министр заявил, что Запад вмешивается во внутренние дела государств.",
                             "外交部发言人表示，中俄双方将继续相互坚定支持。",
                             "Foreign Minister Wang Yi said on Sunday that China would deepen ties."])
encoded_lines = st.tuples(alphabets, st.sampled_from(["utf-8", "cp1251", "koi8_r", "gb18030", "big5"])).map(
    lambda pair: pair[0].encode(pair[1], errors="ignore"))


@FUZZ
@given(lines=st.lists(st.one_of(encoded_lines, st.binary(max_size=30)), min_size=1, max_size=10))
def test_mixed_encodings_keep_every_utf8_line(lines):
    data = b"\n".join(line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines)
    try:
        decoded = decode_page(data, "x.txt")
    except SkipInput as exc:
        assert "x.txt" in str(exc)
        return
    decoded.text.encode("utf-8")  # valid text
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        for line in data.split(b"\n"):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if sum(byte > 127 for byte in line) >= MIN_UTF8_BYTES or "utf-8" in decoded.encoding:
                assert text in decoded.text  # a UTF-8 line is never lost or re-decoded in a mixed file


cell_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40), st.binary(max_size=20),
              st.dates(), st.datetimes(), st.decimals()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner), st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3)),
    max_leaves=8,
)


@FUZZ
@given(value=cell_values, name=st.sampled_from(FIELD_NAMES))
def test_any_cell_value_gives_text_nothing_or_a_reason(value, name):
    text, why = cell_text(value, name)
    assert text is None or isinstance(text, str)
    assert not (text and why)
    if text is not None:
        text.encode("utf-8")
    if name in TEXT_FIELDS and text and not isinstance(value, (str, bytes, list, tuple)):
        raise AssertionError(f"a {type(value).__name__} became the text {text!r}")
    if isinstance(value, float) and not math.isfinite(value) and name in TEXT_FIELDS:
        assert text is None


@FUZZ
@given(names=st.lists(st.binary(min_size=1, max_size=12).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_")),
                      min_size=1, max_size=6, unique=True))
def test_any_file_name_is_walked_once_with_a_printable_name(tmp_path, names):
    root = tmp_path / "names"
    root.mkdir(exist_ok=True)
    for old in root.iterdir():
        old.unlink()
    made = set()
    for name in names:
        if name in (b".", b"..") or name.startswith((b".", b"_", b"~")):
            continue
        (root / os.fsdecode(name)).write_bytes(b"some text")
        made.add(os.fsdecode(name))
    found = list(iter_inputs([str(root)]))
    assert sorted(item.path.name for item in found) == sorted(made)
    for item in found:
        assert not item.missing_reason
        item.name.encode("utf-8")
