"""The protocol's messages (runtime/web/pgwire.py), byte for byte as the protocol's
documentation lays them out; test_postgres.py has a real server read them."""

from __future__ import annotations

import struct

import pytest

from tests.runtime.web.conftest import PGWIRE


def test_the_ssl_request_and_terminate_are_the_documented_bytes() -> None:
    assert PGWIRE.SSL_REQUEST == b"\x00\x00\x00\x08\x04\xd2\x16\x2f"  # 8, then 1234 and 5679
    assert PGWIRE.TERMINATE == b"X\x00\x00\x00\x04"


def test_startup_is_the_length_the_version_and_the_settings() -> None:
    packet = PGWIRE.startup({"user": "app", "database": "refarch"})

    assert packet == struct.pack("!ii", 35, 196608) + b"user\0app\0database\0refarch\0\0"


def test_an_extended_query_binds_each_value_apart_from_the_sql() -> None:
    request = PGWIRE.extended_query("SELECT $1, $2", ["it's", None])

    assert request == (
        b"P" + struct.pack("!i", 4 + 1 + 14 + 2) + b"\0SELECT $1, $2\0\0\0"
        + b"B" + struct.pack("!i", 4 + 2 + 2 + 2 + 4 + 4 + 4 + 2) + b"\0\0\0\0\0\x02"
        + struct.pack("!i", 4) + b"it's" + b"\xff\xff\xff\xff" + b"\0\0"
        + b"D\0\0\0\x06P\0"
        + b"E\0\0\0\x09\0\0\0\0\0"
        + b"S\0\0\0\x04"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, b"true"), (False, b"false"), (0, b"0"), (-1.5, b"-1.5"), ("é", "é".encode()), (None, None)],
)
def test_parameters_are_sent_as_text(value: object, text: bytes | None) -> None:
    assert PGWIRE.parameter(value) == text


def test_what_text_format_cannot_carry_is_refused() -> None:
    with pytest.raises(TypeError, match="not bytes"):
        PGWIRE.parameter(b"raw")
    with pytest.raises(ValueError, match="NUL"):
        PGWIRE.extended_query("SELECT '\0'", [])
    with pytest.raises(ValueError, match="at most 65535"):
        PGWIRE.extended_query("SELECT 1", [1] * 65536)


def test_rows_and_descriptions_are_parsed_and_malformed_ones_refused() -> None:
    row = struct.pack("!h", 2) + struct.pack("!i", 2) + b"hi" + struct.pack("!i", -1)
    description = struct.pack("!h", 1) + b"total\0" + bytes(18)

    assert PGWIRE.data_row(row) == ("hi", None)
    assert PGWIRE.column_names(description) == ("total",)
    with pytest.raises(ValueError, match="DataRow"):
        PGWIRE.data_row(struct.pack("!h", 1) + struct.pack("!i", 2) + b"h")  # a value cut short
    with pytest.raises(struct.error):
        PGWIRE.data_row(row[:-1])  # a length cut short
    with pytest.raises(ValueError, match="RowDescription"):
        PGWIRE.column_names(description + b"x")


def test_error_fields_and_parameter_status() -> None:
    assert PGWIRE.fields(b"SERROR\0C28P01\0Mno\0\0") == {"S": "ERROR", "C": "28P01", "M": "no"}
    assert PGWIRE.parameter_status(b"TimeZone\0UTC\0") == ("TimeZone", "UTC")
