"""What every command shares: the global options resolved, the banks and the progress store
opened with one way of failing, and the checks of arguments that name banks' contents."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from quizzer.safetext import one_line

if TYPE_CHECKING:
    from quizzer.ai_client import AISettings
    from quizzer.config import Config
    from quizzer.model import Counted, Library
    from quizzer.plan import InterviewGoal
    from quizzer.scheduler import Scheduler
    from quizzer.store import Store

QUESTION_TYPE_NAMES = ["open", "mcq", "multi", "truefalse", "short", "numeric", "code"]
TYPES = click.Choice(QUESTION_TYPE_NAMES)


class Context:
    """What the global options resolve to; passed to every command."""

    def __init__(self, banks: tuple[str, ...], db: str | None, config: str | None = None,
                 lang: str | None = None) -> None:
        self.bank_args = banks
        self.db_arg = db
        self.config_arg = config
        self.lang_arg = lang
        self._config: Config | None = None

    def config(self) -> Config:
        """The settings in effect (file, then environment); its warnings are printed once."""
        if self._config is None:
            from quizzer import config as config_file
            from quizzer.studyday import set_rollover_hour

            self._config = config_file.load(config_file.default_path(self.config_arg))
            set_rollover_hour(self._config.rollover_hour)
            for warning in self._config.warnings:
                click.echo(f"quizzer: {one_line(warning)}", err=True)
        return self._config

    def ai_settings(self) -> AISettings:
        """The [ai] settings; a user error when they do not name a server and a model (nothing is sent)."""
        from quizzer.ai_client import AISettings
        from quizzer.errors import QuizzerError

        settings = AISettings.from_config(self.config())
        if not settings.configured:
            raise QuizzerError("the AI interviewer is not configured: set base_url and model in the [ai] section "
                               f"of {self.config().path} (or QUIZZER_AI_BASE_URL and QUIZZER_AI_MODEL)")
        return settings

    def goal(self) -> InterviewGoal | None:
        """The interview date and minutes a day set in the config file, if a date is set."""
        from quizzer.plan import InterviewGoal

        return InterviewGoal.from_settings(self.config().values["study"])

    def leech_threshold(self) -> int:
        return int(self.config().get("study", "leech_threshold"))

    def bank_dirs(self) -> list[Path]:
        from quizzer.paths import bank_dirs

        return bank_dirs(self.bank_args)

    def db_path(self) -> Path:
        from quizzer.paths import default_db

        return Path(self.db_arg) if self.db_arg else default_db()

    def library(self) -> Library:
        """The banks in use; invalid banks end the command with their first problems."""
        from quizzer.bankcache import BankCache, default_cache_file
        from quizzer.banks import check
        from quizzer.paths import shipped_catalog

        paths = self.bank_dirs()
        # The banks live as long as this process: once loaded (with the cyclic collector paused, as
        # check does), they are frozen out of its sight, so that no later collection rescans
        # thousands of questions.
        gc.disable()
        try:
            result = check(paths, shipped_catalog(), BankCache(default_cache_file(paths)))
        finally:
            gc.freeze()
            gc.enable()
        if result.library is None:
            for problem in result.problems[:5]:
                click.echo(str(problem), err=True)
            more = len(result.problems) - 5
            if more > 0:
                click.echo(f"... and {more} more", err=True)
            fail("the banks have problems; run 'quizzer validate' for the full list")
        return result.library

    def question_index(self) -> Counted:
        """What counting progress needs of the banks: their ids from the bank cache alone when no
        file changed (no question is built), else the full library, validated."""
        from quizzer.bankcache import BankCache, default_cache_file
        from quizzer.banks import cached_index
        from quizzer.paths import shipped_catalog

        paths = self.bank_dirs()
        cache_file = default_cache_file(paths)
        index = cached_index(paths, shipped_catalog(), BankCache(cache_file)) if cache_file else None
        return index if index is not None else self.library()

    @contextmanager
    def open_store(self) -> Iterator[Store]:
        """The progress database, closed at the end; a database error becomes a StoreError, which
        `main` reports as one line (nothing is lost: every answer was committed as it was given)."""
        import sqlite3

        from quizzer.errors import StoreError
        from quizzer.store import Store

        self.config()  # the study day's rollover hour applies to everything the store counts
        path = self.db_path()
        store = Store.open(path)
        try:
            yield store
            if store.damaged:
                shown = ", ".join(sorted(store.damaged)[:3])
                click.echo(f"quizzer: skipped {len(store.damaged)} damaged row(s) of {path} ({shown}); "
                           "run 'quizzer doctor' to repair them", err=True)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the progress database {path} could not be used ({exc}); nothing was lost") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the progress database {path} is damaged ({exc}); it was left as it is") from None
        finally:
            store.close()

    def language(self) -> str:
        """The language questions are shown in: --lang, else QUIZZER_LANG or the config file, else the locale.
        The interface's own words follow it from here on."""
        from quizzer.i18n import set_language

        lang = self.lang_arg or self.config().language
        set_language(lang)
        return lang

    def run_app(self, start: str = "home", filters: dict[str, Any] | None = None) -> None:
        """Open the study app on the banks and database in use (the app never reads the CLI)."""
        from quizzer.tui.launch import run_app

        library = self.library()
        with self.open_store() as store:
            store.check_writable()
            scheduler = self.scheduler(store)
            run_app(library, store, scheduler, self.config(), start=start, filters=filters, lang=self.language())

    def scheduler(self, store: Store) -> Scheduler:
        """The scheduler with the config file's study settings. The first time, settings that an
        earlier version kept in the database move into a new config file."""
        from quizzer import config as config_file
        from quizzer.scheduler import Scheduler

        config = self.config()
        if not config.path.exists() and (stored := store.settings()):
            if config_file.migrate_from_database(config.path, stored):
                click.echo(f"quizzer: moved your settings from the database into {config.path}", err=True)
                self._config = config = config_file.load(config.path)
        return Scheduler(config.study)


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command with one printable line on stderr (the message may quote file content)."""
    from quizzer.safetext import one_line

    try:
        click.echo(f"quizzer: {one_line(message)}", err=True)
    except (OSError, ValueError, AttributeError):  # no stderr to write to: the exit code still tells
        pass
    sys.exit(code)


pass_ctx = click.make_pass_decorator(Context)


def counted(n: int, word: str) -> str:
    """'1 review', '2 reviews': the command line's English counts (the app's come from the catalogs)."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def check_categories(library: Library, categories: tuple[str, ...]) -> None:
    known = library.categories()
    for c in categories:
        if c not in known:
            raise click.BadParameter(f"unknown category '{c}' (one of: {', '.join(known)})",
                                     param_hint="--category")


def check_tags(library: Library, tags: tuple[str, ...]) -> None:
    """An unknown tag is a usage error, with the closest known tag, rather than an empty result."""
    import difflib

    known = sorted({t for q in library for t in q.tags})
    for t in tags:
        if t not in known:
            hint = difflib.get_close_matches(t, known, n=1)
            raise click.BadParameter(f"unknown tag '{t}'" + (f"; did you mean '{hint[0]}'?" if hint else
                                                            "; 'quizzer list --json' shows the tags"),
                                     param_hint="--tag")


# ---- shell completion of what the banks hold --------------------------------------------------

def _completion_library(ctx: click.Context) -> Library | None:
    banks = ctx.find_root().params.get("banks") or ()
    try:
        from quizzer.banks import check
        from quizzer.paths import bank_dirs, shipped_catalog

        return check(bank_dirs(tuple(banks)), shipped_catalog()).library
    except Exception:  # completion must never print a traceback into the user's shell
        return None


def complete_category(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from quizzer.model import CATEGORIES

    return [c for c in CATEGORIES if c.startswith(incomplete)]


def complete_tag(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    library = _completion_library(ctx)
    return sorted({t for q in library for t in q.tags if t.startswith(incomplete)}) if library else []


def complete_question_id(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    library = _completion_library(ctx)
    return [q.gid for q in library if q.gid.startswith(incomplete)][:200] if library else []
