"""The interface's own words (labels, keys, hints, verdicts) in the user's language, from gettext catalogs.

The catalogs live in `quizzer/locale/<lang>/LC_MESSAGES/quizzer.po` (edited by translators) and are
compiled to `.mo` next to them; `tests/test_i18n.py` checks that every message in the code has a
translation and that the compiled files match their sources. Bank text is not translated here: each
question carries its own `zh` block.

Messages are looked up when they are shown, not when a module is imported, so the language can be
chosen after start-up (the command line, the config file, the settings screen). Strings that must be
written down before that (binding descriptions, tables of labels) are marked with `N_` and passed
through `_` where they are drawn.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

DOMAIN = "quizzer"
LOCALE_DIR = Path(__file__).parent / "locale"

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


@functools.cache
def _catalog_of(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def set_language(lang: str) -> None:
    """Show the interface in `lang` from now on; a language without a catalog shows English."""
    global _catalog, _language
    _catalog = _catalog_of(lang)
    _language = lang


def language() -> str:
    return _language


def _(message: str) -> str:
    """`message` in the interface language (English when it has no translation)."""
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message that fits `n` ("1 day", "2 days"; Chinese has one form)."""
    return _catalog.ngettext(singular, plural, n)


def in_language(lang: str, message: str) -> str:
    """`message` in `lang`, whatever the interface's language: for a file written in a language of its
    own (`quizzer export markdown --lang zh`). Mark the message with `N_` for the catalog."""
    return _catalog_of(lang).gettext(message)


def N_(message: str) -> str:
    """Marks `message` for the catalog without translating it yet (it is translated where shown)."""
    return message
