"""Read the numbers people type (`~14`, `1.4e21 FLOPs`, `2 GiB`, `2.5k tokens/s`) and convert their units.

Pure functions, no I/O. A unit is reduced to a *family* (what it measures: bytes, time, percent, an
opaque word such as `parameter`, or a ratio such as `bytes/time`) and a factor to that family's base
unit, so any two units of one family convert and units of different families clash.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 200  # nobody types a number this long; refusing early keeps the regexes cheap

# Letters are case-sensitive (m is not M); spelled-out words are looked up casefolded.
MULTIPLIERS: dict[str, float] = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "b": 1e9, "G": 1e9, "T": 1e12, "P": 1e15}
MULTIPLIER_WORDS: dict[str, float] = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
                                      "trillion": 1e12,
                                      # as Chinese engineers write counts: 70亿 is 7B, 1.5万 is 15k
                                      "千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8, "十亿": 1e9,
                                      "百亿": 1e10, "千亿": 1e11, "万亿": 1e12}
_PREFIXES = "kKMGTP"  # may be glued to an opaque unit: TFLOPS = T x FLOPS

_BYTES = {"b": 1.0, "byte": 1.0, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "pb": 1e15,
          "kib": 2.0**10, "mib": 2.0**20, "gib": 2.0**30, "tib": 2.0**40, "pib": 2.0**50,
          "kilobyte": 1e3, "megabyte": 1e6, "gigabyte": 1e9, "terabyte": 1e12}
_TIME = {"ns": 1e-9, "nanosecond": 1e-9, "us": 1e-6, "μs": 1e-6, "microsecond": 1e-6,
         "ms": 1e-3, "msec": 1e-3, "millisecond": 1e-3, "s": 1.0, "sec": 1.0, "second": 1.0,
         "min": 60.0, "minute": 60.0, "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0,
         "d": 86400.0, "day": 86400.0}
_KNOWN: dict[str, tuple[str, float]] = {
    **{k: ("bytes", v) for k, v in _BYTES.items()},
    **{k: ("time", v) for k, v in _TIME.items()},
    **{k: ("percent", 1.0) for k in ("%", "percent", "pct")},
    **{k: ("usd", 1.0) for k in ("$", "usd", "us$", "dollar")},
}
PHYSICAL = frozenset({"bytes", "time", "percent"})
_ALIASES = {"param": "parameter", "tok": "token", "req": "request", "参数": "parameter", "个参数": "parameter"}

_APPROX = re.compile(r"(?:~=?|≈|≃|≅|=|about\b|approx(?:imately\b|\.|\b)|around\b|roughly\b|circa\b|ca\.)\s*",
                     re.IGNORECASE)
_NUMBER = re.compile(r"""
    (?P<mant>[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ _]\d{3})+(?![\d,])|\d+)(?:\.\d*)?|\.\d+))
    (?:[eE](?P<exp>[+-]?\d+))?
    (?:\s*(?:\^|\*\*)\s*(?P<pow>[+-]?\d+))?
    (?:\s*[x×*·]\s*10\s*(?:\^|\*\*)\s*(?P<exp10>[+-]?\d+))?
    """, re.VERBOSE)
_CURRENCY = re.compile(r"(?:US)?\$\s*")
_WORDS = re.compile(r"[^\W\d_]+(?:[ .\-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Unit:
    family: str  # "" for a plain number (possibly scaled by a multiplier such as k or B)
    factor: float  # value in this unit x factor = value in the family's base unit


@dataclass(frozen=True, slots=True)
class Reading:
    """A response read in the question's unit; `value` is None when it cannot be compared at all."""

    value: float | None
    note: str = ""


def clean(text: str) -> str:
    """NFKC (full-width digits, µ -> μ, odd spaces -> space), the minus sign, controls -> spaces."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-")
    return "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text).strip()


def format_number(v: float) -> str:
    """About three significant digits, without scientific notation for everyday magnitudes."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    mag = math.floor(math.log10(abs(v)))
    if mag >= 6 or mag < -3:
        return f"{v:.3g}"
    text = f"{v:.{max(0, 2 - mag)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def answer_number(v: float, tolerance: float) -> str:
    """A computed answer as a person would write it: a whole number below a trillion exactly, any other
    with the fewest significant digits (at least three) that keep it within a tenth of the question's
    tolerance, so the shown answer always grades as right; thousands separated, and as `m × 10^n` from
    a trillion up or below a thousandth."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    if v == int(v) and abs(v) < 1e12:  # a whole count (65,536 tokens, 6,738,415,616 parameters) exactly
        return f"{int(v):,}"
    limit = abs(v) * max(tolerance, 1e-12) / 10
    digits = 3
    while digits < 15 and abs(float(f"{v:.{digits - 1}e}") - v) > limit:
        digits += 1
    mantissa, exponent = f"{v:.{digits - 1}e}".split("e")
    mag = int(exponent)
    if mag >= 12 or mag < -3:
        return f"{mantissa.rstrip('0').rstrip('.')} × 10^{mag}"
    text = f"{float(f'{v:.{digits - 1}e}'):,.{max(0, digits - 1 - mag)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_text(v: float) -> str:
    """A parameter's value in a prompt: whole numbers with thousands separators (32,768), others as written."""
    if isinstance(v, int) or (math.isfinite(v) and v == int(v) and abs(v) < 1e15):
        return f"{int(v):,}"
    return f"{v:,.6g}"


def parse_number(text: str) -> tuple[float, str] | None:
    """The number at the start of `text` (after `~`, `≈`, `about`) and the unit text after it."""
    s = clean(text)
    if not s or len(s) > MAX_CHARS:
        return None
    while (m := _APPROX.match(s)) and m.end() > 0:
        s = s[m.end():]
    if (currency := _CURRENCY.match(s)) is not None:  # $0.93, US$ 48k: the sign goes after the number
        s = s[currency.end():].strip()
        number = _NUMBER.match(s)
        if number is not None and not s[number.end():].strip(" kKMB"):
            s = f"{s} USD"
    match = _NUMBER.match(s)
    if match is None:
        return None
    mant = re.sub(r"[ ,_]", "", match["mant"])
    try:
        value = float(f"{mant}e{match['exp']}" if match["exp"] else mant)
        if match["pow"]:
            value = value ** int(match["pow"])
        if match["exp10"]:
            value *= 10.0 ** int(match["exp10"])
    except (ValueError, OverflowError, ZeroDivisionError):  # 9^99999, 0^-1, absurd exponents
        return None
    if not math.isfinite(value):
        return None
    return value, s[match.end():].strip()


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _multiplier(token: str) -> float | None:
    return MULTIPLIERS.get(token) or MULTIPLIER_WORDS.get(token.casefold())


def _known(part: str) -> Unit | None:
    key = part.casefold()
    hit = _KNOWN.get(key) or _KNOWN.get(_singular(key))
    return Unit(*hit) if hit else None


def _opaque(part: str) -> Unit | None:
    """A word unit such as `parameters` or `FLOPs`: its family is the word, casefolded and singular."""
    if not _WORDS.fullmatch(part):
        return None
    words = re.split(r"[ .\-]+", part.casefold())
    return Unit(" ".join(_ALIASES.get(w, w) for w in map(_singular, words) if w), 1.0)


def _part_candidates(part: str, allow_multiplier: bool) -> list[Unit]:
    """Readings of one side of a unit, most likely first (a bare `B` is both bytes and billion)."""
    known = _known(part)
    out = [known] if known else []
    if allow_multiplier:
        mult = _multiplier(part)
        if mult is not None:
            return [*out, Unit("", mult)]
        if known:
            return out
        head, sep, tail = part.partition(" ")
        mult = _multiplier(head) if sep else None
        if mult is None and len(part) > 1 and part[0] in _PREFIXES and part[1].isupper():
            mult, tail = MULTIPLIERS[part[0]], part[1:]  # glued prefix: TFLOPS, GFLOPs
        if mult is not None:
            out += [Unit(u.family, u.factor * mult) for u in _part_candidates(tail.strip(), False) if u.family]
    elif known:
        return out
    word = _opaque(part)
    return [*out, word] if word else out


def unit_candidates(text: str) -> list[Unit]:
    """Every plausible reading of a unit text (`GiB`, `k tokens/s`, `7B`'s `B`); [] if unreadable."""
    s = " ".join(clean(text).split()).rstrip(".")
    s = re.sub(r"\s+per\s+", "/", s, flags=re.IGNORECASE)
    if not s:
        return [Unit("", 1.0)]
    head, *dens = (p.strip() for p in s.split("/"))
    den_family, den_factor = [], 1.0
    for den in dens:
        found = _part_candidates(den, False)
        if not den or not found:
            return []
        den_family.append(found[0].family)
        den_factor *= found[0].factor
    if not head:
        return []
    out = []
    for u in _part_candidates(head, True):
        family = "/".join([u.family or "1", *den_family]) if dens else u.family
        out.append(Unit(family, u.factor / den_factor))
    return out


def _is_physical(family: str) -> bool:
    return any(p in PHYSICAL for p in family.split("/"))


def _only_multiplied(written: str, want: Unit) -> bool:
    """True for `7B parameters` or `2.5k tokens/s`: the question's own unit behind a multiplier, no note needed."""
    head, sep, tail = written.partition(" ")
    if not sep or _multiplier(head) is None:
        return False
    return any(u.family == want.family and math.isclose(u.factor, want.factor) for u in unit_candidates(tail))


def read_in_unit(text: str, unit: str | None) -> Reading:
    """Read `text` as a value in `unit`: convert within a family, refuse across families."""
    parsed = parse_number(text)
    shown = " ".join(clean(text).split())[:60]
    if parsed is None:
        return Reading(None, f"Could not read a number from '{shown}'.")
    value, written = parsed
    got = unit_candidates(written)
    if not got:
        if any(c.isdigit() for c in written):  # 1,5 or 3 4: the number itself is garbled
            return Reading(None, f"Could not read a number from '{shown}'.")
        return Reading(None, f"Could not read the unit '{written[:40]}'.")
    want = unit_candidates(unit or "") or [Unit((unit or "").casefold(), 1.0)]
    for w in want:
        for g in got:
            if g.family and g.family == w.family:
                converted = value * g.factor / w.factor
                if math.isclose(g.factor, w.factor, rel_tol=1e-12) or _only_multiplied(written, w):
                    return Reading(converted)
                return Reading(converted, f"Converted {shown} to {format_number(converted)} {unit}.")
    for g in got:
        if g.family == "":  # no unit, or only a multiplier (7B, 1.5k): the number is in the question's unit
            return Reading(value * g.factor)
    if not unit:
        for g in got:
            if g.family == "percent":
                converted = value * g.factor / 100
                return Reading(converted, f"Read {shown} as {format_number(converted)}.")
        if not _is_physical(got[0].family):  # "24000 chunks" for a plain count: the word adds nothing
            return Reading(value * got[0].factor)
        return Reading(None, f"Units clash: you wrote {written}, the answer has no unit.")
    head = re.split(r"/| per ", unit, maxsplit=1)[0].strip()
    if head != unit and "/" not in written and " per " not in written:
        # "$0.93" for a question in USD/M tokens: the rate's own unit without its denominator
        for w in unit_candidates(head):
            for g in got:
                if g.family and g.family == w.family and math.isclose(g.factor, w.factor, rel_tol=1e-12):
                    return Reading(value, f"Read {shown} as {format_number(value)} {unit}.")
    return Reading(None, f"Units clash: you wrote {written}, the answer is in {unit}.")


# Likely slips: (factor, what was mixed up, where the hint applies). Byte slips are keyed by the question's
# prefix so that an ordinary 3% error on a GiB question is not blamed on MiB.
_SLIPS: tuple[tuple[float, str, str], ...] = (
    (1.024, "KB (1000 bytes) and KiB (1024 bytes)", "kb"),
    (2.0**20 / 1e6, "MB (10^6 bytes) and MiB (2^20 bytes)", "mb"),
    (2.0**30 / 1e9, "GB (10^9 bytes) and GiB (2^30 bytes)", "gb"),
    (2.0**40 / 1e12, "TB (10^12 bytes) and TiB (2^40 bytes)", "tb"),
    (2.0**50 / 1e15, "PB (10^15 bytes) and PiB (2^50 bytes)", "pb"),
    (100.0, "a fraction and a percentage", "percent"),
    (1e3, "a factor of 1000 (check the unit prefix)", "*"),
    (1e6, "a factor of a million (check the unit prefix)", "*"),
    (1e9, "a factor of a billion (check the unit prefix)", "*"),
)


def _slip_keys(unit: str | None) -> set[str]:
    keys = {"*"}
    if not unit or any(u.family == "percent" for u in unit_candidates(unit)):
        keys.add("percent")  # a plain ratio answered as a percentage, or the other way round
    head = clean(unit or "").split("/")[0].strip().casefold().replace("i", "")
    return keys | {head}


def slip_hint(value: float, answer: float, unit: str | None, tolerance: float) -> str:
    """A hint when a wrong value is off by a telltale factor (GB vs GiB, fraction vs percent, 1000)."""
    if value == 0 or answer == 0 or (value > 0) != (answer > 0):
        return ""
    ratio = abs(value / answer)
    if ratio == 0 or not math.isfinite(ratio):
        return ""
    window = max(0.002, min(tolerance, 0.01))  # close to the slipped value, not merely in its neighbourhood
    keys = _slip_keys(unit)
    for factor, what, key in _SLIPS:
        if key in keys and min(abs(math.log(ratio * f)) for f in (factor, 1 / factor)) <= window:
            return f"Off by a telltale factor: did you mix up {what}?"
    return ""
