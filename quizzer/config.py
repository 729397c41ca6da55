"""The config file: `config.toml` in the user config folder (platformdirs), moved by `--config` or
`QUIZZER_CONFIG`, with `QUIZZER_<SECTION>_<KEY>` environment overrides.

Read with tomllib, written with tomlkit so that a user's comments and order survive the settings
screen. Reading never fails: an unknown key, a bad value or a broken file gives one warning naming the
file, the key and why, and the default is used, so a typo never stops quizzer from opening.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from quizzer.errors import QuizzerError
from quizzer.scheduler import MAX_STEP_S, Settings

CONFIG_ENV = "QUIZZER_CONFIG"
ENV_PREFIX = "QUIZZER_"
LANGUAGES = ("en", "zh")
DEFAULT_THEME = "textual-dark"
# Themes quizzer stored before it had a config file, by their old names.
OLD_THEMES = {"dark": "textual-dark", "light": "textual-light"}


def _number(low: float, high: float) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and low <= v <= high


def _whole(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _steps(v: Any) -> bool:
    return isinstance(v, list) and all(_whole(1, MAX_STEP_S)(x) for x in v)


def _date(v: Any) -> bool:
    from datetime import datetime

    if v == "" or (isinstance(v, date) and not isinstance(v, datetime)):  # TOML's own date too
        return True
    try:
        return isinstance(v, str) and len(v) == 10 and date.fromisoformat(v).isoformat() == v
    except ValueError:
        return False


def _flag(v: Any) -> bool:
    return isinstance(v, bool)


def _text(v: Any) -> bool:
    return isinstance(v, str) and len(v) <= 500 and v.isprintable()


# section -> key -> (default, check, what a good value is)
SCHEMA: dict[str, dict[str, tuple[Any, Callable[[Any], bool], str]]] = {
    "study": {
        "desired_retention": (0.9, _number(0.7, 0.99), "a number from 0.70 to 0.99"),
        "new_per_day": (20, _whole(0, 10_000), "a whole number from 0 to 10000"),
        "reviews_per_day": (200, _whole(0, 10_000), "a whole number from 0 to 10000"),
        "learning_steps_s": ([60, 600], _steps, "a list of seconds, each from 1 to 2592000"),
        "relearning_steps_s": ([600], _steps, "a list of seconds, each from 1 to 2592000"),
        "day_rollover_hour": (4, _whole(0, 23), "an hour from 0 to 23"),
        "interview_date": ("", _date, "a date YYYY-MM-DD, or empty for none"),
        "interview_categories": ([], lambda v: isinstance(v, list) and all(
            isinstance(x, str) and x.replace("-", "").isalnum() and len(x) <= 40 for x in v),
            "a list of category names (empty: every category)"),
        "minutes_per_day": (30, _whole(5, 1440), "minutes from 5 to 1440"),
        "leech_threshold": (8, _whole(2, 1000), "a whole number from 2 to 1000"),
        "confidence_in_reviews": (False, _flag, "true or false"),
        "confidence_in_mock": (True, _flag, "true or false"),
    },
    "ui": {
        "theme": (DEFAULT_THEME, _text, "the name of a Textual theme"),
        "language": ("", lambda v: v in ("", *LANGUAGES), "en, zh, or empty to follow the locale"),
    },
    "ai": {
        "base_url": ("", lambda v: v == "" or (_text(v) and v.startswith(("http://", "https://"))),
                     "an http(s) URL of an OpenAI-compatible server"),
        "model": ("", _text, "a model name"),
        "api_key_env": ("QUIZZER_AI_API_KEY", lambda v: _text(v) and v.replace("_", "").isalnum(),
                        "the name of an environment variable"),
        "timeout_s": (60.0, _number(1, 600), "seconds from 1 to 600"),
    },
}
FREE_SECTIONS = ("keymap",)  # binding id -> keys; checked by the app, which knows its bindings


@dataclass(frozen=True)
class Config:
    path: Path
    values: Mapping[str, Mapping[str, Any]]  # section -> key -> effective value
    sources: Mapping[str, str]  # "section.key" -> "default", the file's name, or the variable's name
    keymap: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def study(self) -> Settings:
        return Settings.from_mapping(self.values["study"])

    @property
    def rollover_hour(self) -> int:
        return int(self.values["study"]["day_rollover_hour"])

    @property
    def interview_date(self) -> date | None:
        """The interview day set in [study], if any (written as text or as a TOML date)."""
        value = self.values["study"]["interview_date"]
        return value if isinstance(value, date) else date.fromisoformat(value) if value else None

    @property
    def theme(self) -> str:
        return str(self.values["ui"]["theme"])

    @property
    def language(self) -> str:
        """The language set in the file, or else the locale's (`LANG`/`LC_ALL` starting with zh)."""
        chosen = str(self.values["ui"]["language"])
        if chosen:
            return chosen
        for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if value := os.environ.get(var):
                return "zh" if value.lower().startswith("zh") else "en"
        return "en"

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key]


def default_path(arg: str | None = None) -> Path:
    """`--config`, else `QUIZZER_CONFIG`, else config.toml in the user config folder."""
    if arg:
        return Path(arg)
    if env := os.environ.get(CONFIG_ENV):
        return Path(env)
    import platformdirs

    return platformdirs.user_config_path("quizzer", appauthor=False) / "config.toml"


def load(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """The effective settings: defaults, then the file, then the environment; never raises."""
    environ = os.environ if environ is None else environ
    warnings: list[str] = []
    data: dict[str, Any] = {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as exc:
        warnings.append(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc}); using the defaults")
    except tomllib.TOMLDecodeError as exc:
        warnings.append(f"{path}: not valid TOML ({exc}); using the defaults")
    values = {section: {k: spec[0] for k, spec in keys.items()} for section, keys in SCHEMA.items()}
    sources = {f"{s}.{k}": "default" for s, keys in SCHEMA.items() for k in keys}
    for section, table in data.items():
        if section in FREE_SECTIONS:
            continue
        if section not in SCHEMA or not isinstance(table, dict):
            warnings.append(f"{path}: unknown section [{section}]; ignored")
            continue
        for key, value in table.items():
            _apply(values, sources, warnings, section, key, value, path.name, f"{path}: [{section}] {key}")
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name in (CONFIG_ENV, "QUIZZER_DB", "QUIZZER_BANKS",
                                                       "QUIZZER_CACHE_DIR", "QUIZZER_LANG"):
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("_")
        if section in SCHEMA and key in SCHEMA[section]:
            _apply(values, sources, warnings, section, key, _env_value(raw), name, name)
    if lang := environ.get("QUIZZER_LANG"):
        _apply(values, sources, warnings, "ui", "language", lang, "QUIZZER_LANG", "QUIZZER_LANG")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        warnings.append(f"{path}: [keymap] must map binding ids to key names (strings); ignored")
        keymap = {}
    if isinstance(values["study"]["interview_date"], date):  # an unquoted TOML date: kept as text, as JSON shows it
        values["study"]["interview_date"] = values["study"]["interview_date"].isoformat()
    values["ui"]["theme"] = OLD_THEMES.get(values["ui"]["theme"], values["ui"]["theme"])
    return Config(path, values, sources, dict(keymap), tuple(warnings))


def _env_value(raw: str) -> Any:
    """An environment value read as a TOML value (`0.85`, `[60, 600]`), or else as text."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _apply(values: dict[str, dict[str, Any]], sources: dict[str, str], warnings: list[str], section: str,
           key: str, value: Any, source: str, where: str) -> None:
    spec = SCHEMA[section].get(key)
    if spec is None:
        import difflib

        hint = difflib.get_close_matches(key, list(SCHEMA[section]), n=1)
        warnings.append(f"{where}: unknown key{f' (did you mean {hint[0]}?)' if hint else ''}; ignored")
        return
    default, check, good = spec
    if not check(value):
        warnings.append(f"{where}: {value!r} is not {good}; using {default!r}")
        return
    values[section][key] = value
    sources[f"{section}.{key}"] = source


def save(path: Path, changes: Mapping[str, Mapping[str, Any]]) -> None:
    """Write `changes` (section -> key -> value) into the file, keeping everything else in it, its
    comments and its order; the file is replaced only once written in full."""
    import tomlkit

    from quizzer.safefile import replacing

    try:
        doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise QuizzerError(f"{path}: cannot update it ({exc}); fix or remove it first") from None
    for section, table in changes.items():
        if section not in doc:
            doc.add(section, tomlkit.table())
        target = doc[section]
        for key, value in table.items():
            target[key] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizzerError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    with replacing(path) as out:
        out.write(tomlkit.dumps(doc))


def migrate_from_database(path: Path, stored: Mapping[str, Any]) -> bool:
    """Move the settings that earlier versions kept in the progress database into a new config
    file, once: only when there is no file yet. Returns whether it wrote one."""
    if path.exists():
        return False
    study = {k: stored[k] for k in SCHEMA["study"] if k in stored and SCHEMA["study"][k][1](_listed(stored[k]))}
    ui = {"theme": OLD_THEMES[stored["theme"]]} if stored.get("theme") in OLD_THEMES else {}
    if not study and not ui:
        return False
    save(path, {"study": {k: _listed(v) for k, v in study.items()}, **({"ui": ui} if ui else {})})
    return True


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


TEMPLATE = """# quizzer's settings. Every key is optional; delete one to get its default back.
# `quizzer config show` lists the effective settings and where each came from.

[study]
# desired_retention = 0.9        # FSRS's target probability of recall when a card falls due
# new_per_day = 20
# reviews_per_day = 200
# learning_steps_s = [60, 600]
# relearning_steps_s = [600]
# day_rollover_hour = 4          # the study day starts at this local hour (a late session counts for the day before)
# interview_date = "2026-12-20"  # readiness and the daily plan aim at this day (`quizzer plan`)
# interview_categories = []      # the categories the plan covers (empty: every category)
# minutes_per_day = 30           # the time the plan may fill each day
# leech_threshold = 8            # lapses after which a question is suspended as a leech
# confidence_in_reviews = false  # ask how sure you are (1 guess, 2 unsure, 3 sure) before checking
# confidence_in_mock = true

[ui]
# theme = "textual-dark"        # any Textual theme: textual-light, nord, gruvbox, dracula, ...
# language = "en"               # en or zh; empty follows the locale

[keymap]
# "session.skip" = "ctrl+k"     # binding id = keys; `quizzer config show` lists the ids

[ai]
# Nothing is sent anywhere unless both base_url and model are set. The key is read from the variable
# api_key_env names (then OPENAI_API_KEY) and never written here. `quizzer ai check` tests the set-up.
# base_url = "http://localhost:11434/v1"   # Ollama; OpenAI: https://api.openai.com/v1
# model = "qwen2.5:7b"
# api_key_env = "QUIZZER_AI_API_KEY"
# timeout_s = 60
"""
