"""The interface catalogs: every message in the code has a Chinese translation, with the same
placeholders, and the compiled `.mo` matches its `.po` (so a translator's edit is never half-shipped)."""

from __future__ import annotations

import ast
import gettext
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.i18n import LOCALE_DIR, N_, _, language, ngettext, set_language
from quizzer.labels import days, rating_name, verdict_text

from .conftest import TEST_BANKS

PACKAGE = Path(__file__).parent.parent / "quizzer"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LANGUAGES = ["zh"]


def messages_in_code() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(PACKAGE, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str) -> Catalog:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "quizzer.po", "rb") as f:
        return read_po(f)


def forms(value: object) -> tuple[str, ...]:
    """A catalog entry's id or string as a tuple of forms (one, or singular and plural)."""
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value)
    return (str(value),) if value else ()


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_no_message_hides_inside_an_f_string() -> None:
    """The extractor does not look inside f-strings: a message written there would never reach the
    catalog and would stay in English."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [f"{path.name}:{call.lineno}" for call in ast.walk(node) if isinstance(call, ast.Call)
                           and isinstance(call.func, ast.Name) and call.func.id in KEYWORDS
                           and any(isinstance(arg, ast.Constant) for arg in call.args)]
    assert not hidden


def test_the_code_has_messages_to_translate() -> None:
    assert {"Again", "Today's review", "Key points"} <= messages_in_code()  # the extractor sees the markers


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_code_is_translated(lang: str) -> None:
    cat = catalog(lang)
    translated = {forms(m.id)[0] for m in cat if m.id and all(forms(m.string))}
    missing = messages_in_code() - translated
    assert not missing, f"untranslated in {lang}: {sorted(missing)[:10]}"
    unused = {forms(m.id)[0] for m in cat if m.id} - messages_in_code()
    assert not unused, f"no longer in the code, remove from {lang}: {sorted(unused)[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for m in catalog(lang):
        if not m.id:
            continue
        for text in forms(m.string):
            assert fields(text) == fields(forms(m.id)[0]), f"{m.id!r} -> {text!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_matches_its_source(lang: str) -> None:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "quizzer.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for m in catalog(lang):
        if not m.id:
            continue
        ids, strings = forms(m.id), forms(m.string)
        shipped = compiled.ngettext(ids[0], ids[1], 2) if len(ids) == 2 else compiled.gettext(ids[0])
        assert shipped == strings[0], f"{ids[0]!r}: run pybabel compile (docs/translating.md)"


@pytest.mark.parametrize(("lang", "again", "verdict", "two_days", "message"), [
    ("en", "Again", "Correct.", "2 days", "Keys"),
    ("zh", "重来", "正确。", "2 天", "按键"),
    ("fr", "Again", "Correct.", "2 days", "Keys"),  # no catalog: English, never blank
])
def test_labels_follow_the_language(lang: str, again: str, verdict: str, two_days: str, message: str) -> None:
    set_language(lang)
    assert language() == lang
    assert (rating_name(1), verdict_text("correct"), days(2), _("Keys")) == (again, verdict, two_days, message)
    assert N_("Keys") == "Keys"  # marked, not translated, until shown


def test_counted_messages_in_english_pick_the_form() -> None:
    assert [days(n) for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert ngettext("{n} review", "{n} reviews", 1).format(n=1) == "1 review"


def test_plain_mode_speaks_chinese_with_lang_zh() -> None:
    result = CliRunner().invoke(cli, ["--banks", str(TEST_BANKS), "--lang", "zh", "quiz", "--plain",
                                      "--type", "truefalse", "--seed", "1"], input="t\n")
    assert result.exit_code == 0, result.output
    assert "（对或错：true / false）" in result.output and "下次复习" in result.output
    assert "Rated" not in result.output and "next review" not in result.output
