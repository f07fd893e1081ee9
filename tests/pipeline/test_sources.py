"""Readers: every input kind and encoding, sniffed by content."""

from __future__ import annotations

import pytest

from lockstep.errors import SkipInput
from lockstep.sources.encoding import decode_text
from lockstep.sources.sniff import sniff_format
from tests.pipeline.builders import ARTICLE_EN, html_page, jsonl_bytes, warc_bytes

RUSSIAN = "Министр иностранных дел России Сергей Лавров заявил, что Запад пытается устроить цветную революцию."
CHINESE = "外交部发言人表示，中俄双方将继续在涉及彼此核心利益问题上相互坚定支持，反对颜色革命。"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (html_page("T", ARTICLE_EN).encode(), "page.txt", "html"),  # content wins over the suffix
        (b"WARC/1.1\r\nWARC-Type: response\r\n", "x.bin", "warc"),
        (b'{"title": "a", "text": "b"}\n{"title": "c"}\n', "dump", "jsonl"),
        (b"outlet,date,title\nrt,2022-01-01,A\ntass,2022-01-02,B\n", "export", "csv"),
        (b"PAR1\x00\x00", "t", "parquet"),
        (b"\x1f\x8b\x08\x00", "t", "gzip"),
        (b"%PDF-1.7 binary", "doc.txt", "binary"),
        (b"\x00\x01\x02\x03" * 100, "x.txt", "binary"),
        (b"", "empty.txt", "empty"),
        ("Plain scraped text\n\nwith paragraphs".encode(), "a.txt", "text"),
    ],
)
def test_sniff_format_decides_by_content(data, name, expected):
    assert sniff_format(data, name) == expected


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8_r", "utf-16"])
def test_russian_text_decodes_in_common_encodings(encoding):
    text = (RUSSIAN + "\n") * 3
    decoded, _ = decode_text(text.encode(encoding))
    assert "цветную революцию" in decoded


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5"])
def test_chinese_text_decodes_in_common_encodings(encoding):
    text = CHINESE if encoding != "big5" else "外交部發言人表示，中俄雙方將繼續在涉及彼此核心利益問題上相互堅定支持，反對顏色革命。"
    decoded, _ = decode_text((text * 3).encode(encoding))
    assert ("颜色革命" in decoded) or ("顏色革命" in decoded)


def test_undecodable_bytes_give_a_reason():
    noise = bytes(range(128, 256)) * 4
    try:
        decoded, encoding = decode_text(noise, "noise.txt")
    except SkipInput as exc:
        assert "noise.txt" in str(exc)
    else:  # a legacy code page may decode anything; then it must at least say which
        assert encoding and decoded


def test_warc_builder_roundtrip_is_readable(tmp_path):
    from lockstep.sources.files import ReadOptions, read_input

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes([("https://english.news.cn/a", html_page("A", ARTICLE_EN))]))
    records = list(read_input(path, "sha", ReadOptions()))
    assert [r.url for r in records] == ["https://english.news.cn/a"]
    assert records[0].kind == "html" and b"Wang Yi" in records[0].data


def test_jsonl_rows_map_common_column_names(tmp_path):
    from lockstep.sources.files import ReadOptions, read_input

    path = tmp_path / "dump.jsonl"
    path.write_bytes(jsonl_bytes([{"headline": "H1", "body": "B1", "date": "2022-03-01", "site": "TASS"}]))
    (record,) = read_input(path, "sha", ReadOptions())
    assert record.fields == {"title": "H1", "text": "B1", "published": "2022-03-01", "outlet": "TASS"}


def test_column_map_errors_are_specific():
    from lockstep.errors import InputError
    from lockstep.sources.files import parse_column_map

    assert parse_column_map("text=body,published=date") == {"text": "body", "published": "date"}
    with pytest.raises(InputError, match="unknown field"):
        parse_column_map("colour=body")
    with pytest.raises(InputError, match="field=column"):
        parse_column_map("text")
