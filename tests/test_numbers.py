"""Reading typed numbers and units: what people write, conversions, clashes and slip hints."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.numbers import format_number, parse_number, read_in_unit, slip_hint, unit_candidates

PARSES = [
    ("0.5", 0.5, ""),
    ("-3", -3.0, ""),
    ("−3", -3.0, ""),  # the Unicode minus sign
    ("+2", 2.0, ""),
    (".5", 0.5, ""),
    ("1e9", 1e9, ""),
    ("1.4e+21", 1.4e21, ""),
    ("1.4E21", 1.4e21, ""),
    ("1.4 × 10^21", 1.4e21, ""),
    ("1.4x10^21", 1.4e21, ""),
    ("2^30", 2.0**30, ""),
    ("1,000", 1000.0, ""),
    ("1,000,000.5", 1_000_000.5, ""),
    ("1 000", 1000.0, ""),
    ("1_000_000", 1e6, ""),
    ("2 GiB", 2.0, "GiB"),
    ("2GB", 2.0, "GB"),
    ("7B", 7.0, "B"),
    ("1.5k", 1.5, "k"),
    ("3.2 ms", 3.2, "ms"),
    ("50%", 50.0, "%"),
    ("~14", 14.0, ""),
    ("≈ 14", 14.0, ""),
    ("about 14", 14.0, ""),
    ("approx. 14", 14.0, ""),
    ("14 GB/s", 14.0, "GB/s"),
    ("2.5k tokens/s", 2.5, "k tokens/s"),
    ("1.4e21 FLOPs", 1.4e21, "FLOPs"),
    ("１４", 14.0, ""),  # full-width digits
    ("  14\t", 14.0, ""),
]


@pytest.mark.parametrize(("text", "value", "rest"), PARSES, ids=[p[0] for p in PARSES])
def test_parse_number_reads_what_people_type(text: str, value: float, rest: str) -> None:
    parsed = parse_number(text)
    assert parsed is not None
    assert parsed[0] == pytest.approx(value)
    assert parsed[1] == rest


@pytest.mark.parametrize("text", ["", "   ", "abc", "GB", "~", "-", ".", "e9", "1e99999", "9^99999", "0^-1",
                                  "10^99999999999999999999", "1" * 500, "\x00\x01"])
def test_parse_number_refuses_non_numbers(text: str) -> None:
    assert parse_number(text) is None


# (typed, question unit, expected value in the question's unit or None, a fragment of the note)
READS = [
    # no unit, or just a multiplier: the number is in the question's unit
    ("38.15", "GiB", 38.15, ""),
    ("7B", "parameters", 7e9, ""),
    ("7 billion", "parameters", 7e9, ""),
    ("1.5k", None, 1500.0, ""),
    ("2.5M", "tokens/s", 2.5e6, ""),
    # byte units: powers of 1000 and 1024, converted with a note
    ("2 GB", "GiB", 2e9 / 2**30, "Converted 2 GB to 1.86 GiB."),
    ("2 GiB", "GB", 2**31 / 1e9, "Converted 2 GiB to 2.15 GB."),
    ("2gib", "GiB", 2.0, ""),
    ("128 KiB", "KiB", 128.0, ""),
    ("131072 bytes", "KiB", 128.0, "Converted"),
    ("131,072 B", "KiB", 128.0, "Converted"),  # a bare B next to a byte unit means bytes
    ("0.5 TB", "GB", 500.0, "Converted"),
    ("1 PB", "TB", 1000.0, "Converted"),
    ("1 MiB", "KiB", 1024.0, "Converted"),
    ("14 GB/s", "GB/s", 14.0, ""),
    ("14 GB/s", "GiB/s", 14e9 / 2**30, "Converted"),
    ("14 MB/ms", "GB/s", 14.0, ""),  # the same factor: nothing to convert
    ("2.5 k tokens/ms", "tokens/s", 2.5e6, "Converted"),
    # time units
    ("3.2 ms", "ms", 3.2, ""),
    ("0.0032 s", "ms", 3.2, "Converted"),
    ("3200 us", "ms", 3.2, "Converted"),
    ("3200 µs", "ms", 3.2, "Converted"),
    ("3200000 ns", "ms", 3.2, "Converted"),
    ("1.5 h", "min", 90.0, "Converted"),
    ("2 days", "hours", 48.0, "Converted"),
    ("90 seconds", "min", 1.5, "Converted"),
    # opaque units: same word (any case, singular or plural), an optional multiplier before it
    ("7B parameters", "parameters", 7e9, ""),
    ("7 billion params", "parameters", 7e9, ""),
    ("1 parameter", "parameters", 1.0, ""),
    ("2.5k tokens/s", "tokens/s", 2500.0, ""),
    ("2500 tokens per second", "tokens/s", 2500.0, ""),
    ("2.5 tokens/ms", "tokens/s", 2500.0, "Converted"),
    ("1.4e21 FLOPs", "FLOPs", 1.4e21, ""),
    ("1.4e21 flops", "FLOPs", 1.4e21, ""),
    ("313 TFLOPS", "TFLOPS", 313.0, ""),
    ("3.13e14 FLOPS", "TFLOPS", 313.0, "Converted"),
    ("0.618 bits/byte", "bits/byte", 0.618, ""),
    ("24000 chunks", "chunks", 24000.0, ""),
    # percent
    ("24.15%", "%", 24.15, ""),
    ("24.15 percent", "%", 24.15, ""),
    ("50%", None, 0.5, "Read 50% as 0.5."),
    # a word after a plain count adds nothing
    ("6.05 ppl", None, 6.05, ""),
    # clashes
    ("3 ms", "GiB", None, "Units clash: you wrote ms, the answer is in GiB."),
    ("2 GB", "ms", None, "Units clash: you wrote GB, the answer is in ms."),
    ("5 widgets", "chunks", None, "Units clash"),
    ("0.5 ms", None, None, "the answer has no unit"),
    ("7 GB", "parameters", None, "Units clash"),
    # unreadable
    ("lots", "GB", None, "Could not read a number from 'lots'."),
    ("", None, None, "Could not read a number"),
    ("1,5", None, None, "Could not read a number from '1,5'."),
    ("14 and 15", None, None, "Could not read a number"),
    ("3 $$", "GB", None, "Could not read the unit '$$'."),
    # counts as Chinese engineers write them
    ("70亿", "parameters", 7e9, ""),
    ("1.5万", "tokens", 15000.0, ""),
    ("70亿 参数", "parameters", 7e9, ""),
    ("3万亿", "tokens", 3e12, ""),
    # currency: a leading $ is read as USD; a rate's own unit without its denominator is accepted
    ("$48,000", "USD", 48000.0, ""),
    ("US$ 48k", "USD", 48000.0, ""),
    ("0.93 $", "USD", 0.93, ""),
    ("$0.93", "USD/M tokens", 0.93, "Read $0.93 as 0.93 USD/M tokens."),
    ("100 GB", "GB/s", 100.0, "Read 100 GB as 100 GB/s."),
    ("$5", "GB/s", None, "Units clash: you wrote USD"),
]


@pytest.mark.parametrize(("text", "unit", "value", "note"), READS, ids=[f"{r[0]}->{r[1]}" for r in READS])
def test_read_in_unit(text: str, unit: str | None, value: float | None, note: str) -> None:
    reading = read_in_unit(text, unit)
    if value is None:
        assert reading.value is None
    else:
        assert reading.value == pytest.approx(value)
    assert note in reading.note
    if not note:
        assert reading.note == ""


def test_a_bare_b_is_billion_unless_bytes_are_asked_for() -> None:
    assert {u.family for u in unit_candidates("B")} == {"bytes", ""}
    assert read_in_unit("7B", None).value == pytest.approx(7e9)
    assert read_in_unit("7B", "bytes").value == pytest.approx(7.0)


# (typed value, answer, unit, tolerance, hint fragment or "" for no hint)
SLIPS = [
    (40.96, 38.15, "GiB", 0.02, "GB (10^9 bytes) and GiB (2^30 bytes)"),
    (41.0, 38.15, "GiB", 0.02, "GB (10^9 bytes) and GiB (2^30 bytes)"),  # rounded
    (38.15, 40.96, "GB", 0.02, "GB (10^9 bytes) and GiB (2^30 bytes)"),
    (15.5, 14.0, "GB/s", 0.02, ""),
    (15.0, 14.0, "GB/s", 0.02, "GB (10^9 bytes) and GiB"),  # 15 / 14 = 1.071
    (14.0 * 1.0737, 14.0, "GiB/s", 0.02, "GB (10^9 bytes) and GiB (2^30 bytes)"),
    (131.072, 128.0, "KiB", 0.02, "KB (1000 bytes) and KiB (1024 bytes)"),
    (125.0, 128.0, "KiB", 0.02, "KB (1000 bytes) and KiB (1024 bytes)"),
    (10.49, 10.0, "MiB", 0.02, "MiB"),
    (1.0995, 1.0, "TiB", 0.02, "TiB"),
    (0.2415, 24.15, "%", 0.02, "a fraction and a percentage"),
    (50.6, 0.506, None, 0.02, "a fraction and a percentage"),
    (9600.0, 9.6, "GB", 0.02, "factor of 1000"),
    (0.0096, 9.6, "GB", 0.02, "factor of 1000"),
    (7e9, 7.0, "parameters", 0.02, "factor of a billion"),
    (40.96, 38.15, "ms", 0.02, ""),  # byte slips only make sense for bytes
    (39.07, 38.15, "GiB", 0.02, ""),  # x1.024 is the KiB slip, not a GiB one
    (10.49, 10.0, "GiB", 0.02, ""),
    (39.5, 38.15, "GiB", 0.02, ""),  # an ordinary 3.5% error
    (42.0, 38.15, "GiB", 0.02, ""),  # near x1.0737, but not close enough to blame the unit
    (11.0, 10.0, "GB", 0.02, ""),
    (-40.96, 38.15, "GiB", 0.02, ""),
    (0.0, 38.15, "GiB", 0.02, ""),
    (2.4, 0.024, "GB", 0.02, ""),  # x100 only hints for percentages and plain ratios
]


@pytest.mark.parametrize(("value", "answer", "unit", "tol", "hint"), SLIPS)
def test_slip_hint(value: float, answer: float, unit: str | None, tol: float, hint: str) -> None:
    got = slip_hint(value, answer, unit, tol)
    assert (hint in got) if hint else got == ""


@pytest.mark.parametrize(("value", "text"), [(0.0, "0"), (1.862645, "1.86"), (24000.0, "24000"), (0.506, "0.506"),
                                             (2500.0, "2500"), (7e9, "7e+09"), (1e-5, "1e-05"), (-3.25, "-3.25")])
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_as_python_prints_it_reads_back(x: float) -> None:
    parsed = parse_number(repr(x))
    assert parsed is not None and parsed[1] == ""
    assert parsed[0] == x or math.isclose(parsed[0], x)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, "GiB", "ms", "%", "parameters", "tokens/s", "TFLOPS", "B"]))
def test_reading_never_raises(text: str, unit: str | None) -> None:
    reading = read_in_unit(text, unit)
    assert reading.value is None or math.isfinite(reading.value)
    assert len(reading.note) < 200
