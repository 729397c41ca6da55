"""Commands that use the progress database: sessions, due, stats, progress sync, suspend, reset.

Heavy modules (fsrs, the session loop) are imported inside the commands that need them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from quizzer.cli import TYPES, Context, check_categories, check_tags, cli, fail, pass_ctx

if TYPE_CHECKING:  # loaded by the commands that use them: `quizzer --version` needs neither
    from quizzer.scheduler import Scheduler
    from quizzer.store import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def open_store(obj: Context) -> Iterator[Store]:
    import sqlite3

    from quizzer.errors import StoreError
    from quizzer.store import Store

    path = obj.db_path()
    try:
        store = Store.open(path)
    except StoreError as exc:
        fail(str(exc))
    try:
        yield store
        if store.damaged:
            shown = ", ".join(sorted(store.damaged)[:3])
            click.echo(f"quizzer: skipped {len(store.damaged)} damaged row(s) of {path} ({shown}); "
                       "run 'quizzer doctor' to repair them", err=True)
    except sqlite3.OperationalError as exc:
        fail(f"the progress database {path} could not be used ({exc}); nothing was lost")
    except sqlite3.DatabaseError as exc:
        fail(f"the progress database {path} is damaged ({exc}); it was left as it is")
    finally:
        store.close()


def scheduler_for(store: Store) -> Scheduler:
    from quizzer.scheduler import Scheduler, Settings

    return Scheduler(Settings.from_mapping(store.settings()))


def _run_plain(obj: Context, kind: str, build: Any, filters: dict[str, Any]) -> None:
    from quizzer.plain import PlainSession
    from quizzer.session import Session

    library = obj.library()
    with open_store(obj) as store:
        store.check_writable()
        scheduler = scheduler_for(store)
        questions = build(library, store, scheduler)
        session = Session(library, store, scheduler, utc_now, kind=kind, questions=questions, filters=filters)
        try:
            PlainSession(session, library, sys.stdin.buffer, sys.stdout).run()
        except BrokenPipeError:  # the reader went away: everything answered is already saved
            # Point stdout at /dev/null so that the interpreter's final flush does not complain.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except KeyboardInterrupt:
            session.finish()
            click.echo("\ninterrupted: every answer given is saved", err=True)
            sys.exit(130)


def _tui_or_plain(plain: bool) -> bool:
    """True when the plain mode should run: asked for, or no terminal to draw the app on."""
    return plain or not (sys.stdin.isatty() and sys.stdout.isatty())


@cli.command()
@click.option("--plain", is_flag=True, help="Line-oriented session on stdin/stdout (pipes, dumb terminals).")
@pass_ctx
def review(obj: Context, plain: bool) -> None:
    """Today's review: due questions first, then new ones up to the daily limit."""
    from quizzer.study_queue import todays_queue

    if not _tui_or_plain(plain):
        from quizzer.tui.launch import run_app

        run_app(obj, start="review")
        return
    _run_plain(obj, "review", lambda lib, store, sch: todays_queue(lib, store, sch, utc_now()), {})


@cli.command()
@click.option("--category", "categories", multiple=True, metavar="C")
@click.option("--count", default=10, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--level", "levels", multiple=True, type=click.IntRange(1, 3))
@click.option("--type", "types", multiple=True, type=TYPES)
@click.option("--tag", "tags", multiple=True, metavar="T")
@click.option("--new-only", is_flag=True, help="Only questions you have never answered.")
@click.option("--due-only", is_flag=True, help="Only questions due for review.")
@click.option("--plain", is_flag=True, help="Line-oriented session on stdin/stdout (pipes, dumb terminals).")
@pass_ctx
def quiz(obj: Context, categories: tuple[str, ...], count: int, levels: tuple[int, ...], types: tuple[str, ...],
         tags: tuple[str, ...], new_only: bool, due_only: bool, plain: bool) -> None:
    """A quiz of N questions, filtered; due and unseen questions come first."""
    from quizzer.study_queue import quiz_selection

    if new_only and due_only:
        raise click.UsageError("--new-only and --due-only exclude each other")
    library = obj.library()
    check_categories(library, categories)
    check_tags(library, tags)
    filters = {"categories": list(categories), "count": count, "levels": list(levels), "types": list(types),
               "tags": list(tags), "new_only": new_only, "due_only": due_only}
    if not _tui_or_plain(plain):
        from quizzer.tui.launch import run_app

        run_app(obj, start="quiz", filters=filters)
        return

    def build(lib: Any, store: Store, sch: Scheduler) -> Any:
        return quiz_selection(lib, store, sch, utc_now(), categories=categories, levels=levels, types=types,
                              tags=tags, count=count, new_only=new_only, due_only=due_only)

    _run_plain(obj, "quiz", build, filters)


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def due(obj: Context, as_json: bool) -> None:
    """How much is due now, in learning, and new today."""
    from quizzer.study_queue import due_counts

    library = obj.library()
    with open_store(obj) as store:
        counts = due_counts(library, store, scheduler_for(store), utc_now())
    if as_json:
        click.echo(json.dumps({"due_now": counts.due_now, "learning": counts.learning,
                               "new_available": counts.new_available}))
    else:
        click.echo(f"due now: {counts.due_now}  learning: {counts.learning}  new today: {counts.new_available}")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def stats(obj: Context, as_json: bool) -> None:
    """Per category: questions, seen, due, reviews, retention (30 days) and mastery; the streak."""
    from quizzer.stats import compute

    banks = obj.question_index()
    with open_store(obj) as store:
        data = compute(banks, store, utc_now())
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{'category':<14}{'questions':>10}{'seen':>6}{'due':>5}{'reviews':>9}{'retention':>10}{'mastery':>9}")
    rows = [*data["categories"].items(), ("total", data["totals"])]
    for name, s in rows:
        ret = f"{s['retention_30d']:.0%}" if s["retention_30d"] is not None else "-"
        click.echo(f"{name:<14}{s['questions']:>10}{s['seen']:>6}{s['due_now']:>5}{s['reviews']:>9}"
                   f"{ret:>10}{s['mastery']:>9.0%}")
    click.echo(f"streak: {data['streak_days']} day(s)")


@cli.group()
def progress() -> None:
    """Move the review log between machines (JSON Lines)."""


@progress.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def progress_export(obj: Context, file: Path) -> None:
    """Write the whole review log to FILE ('-' for stdout); FILE is replaced only when complete."""
    from quizzer.safefile import refuse_database, replacing

    to_stdout = str(file) == "-"
    if not to_stdout:
        refuse_database(file, obj.db_path())
    with open_store(obj) as store:
        n = 0
        with nullcontext(sys.stdout) if to_stdout else replacing(file) as out:
            for review in store.iter_reviews():
                out.write(review.to_json() + "\n")
                n += 1
    click.echo(f"exported {n} reviews", err=True)


@progress.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def progress_import(obj: Context, file: Path) -> None:
    """Merge a review log into this one; each review applies once, cards are rebuilt by replay."""
    from quizzer.sync import count_log, iter_log

    now = utc_now()
    total = count_log(file, now)  # every line checked before anything is written
    with open_store(obj) as store:
        scheduler = scheduler_for(store)
        added, rebuilt = store.merge_reviews(iter_log(file, now), scheduler.replay)
    click.echo(f"imported {added} new review{'s' if added != 1 else ''} ({total - added} already here);"
               f" rebuilt {rebuilt} card{'s' if rebuilt != 1 else ''}", err=True)


def _set_suspended(obj: Context, gid: str, value: bool) -> None:
    from quizzer.session import Session

    library = obj.library()
    q = library.get(gid)
    with open_store(obj) as store:
        if q is None:
            if value or store.card(gid) is None:
                fail(f"no question '{gid}'")
            store.set_flag(gid, "suspended", False)
        elif value:
            Session(library, store, scheduler_for(store), utc_now, kind="manage", questions=[]).suspend(q)
        elif not store.set_flag(gid, "suspended", False):
            click.echo(f"{gid} was not suspended", err=True)
            return
    click.echo(f"{'suspended' if value else 'unsuspended'} {gid}", err=True)


@cli.command()
@click.argument("question_id", metavar="ID")
@pass_ctx
def suspend(obj: Context, question_id: str) -> None:
    """Stop asking a question until it is unsuspended."""
    _set_suspended(obj, question_id, True)


@cli.command()
@click.argument("question_id", metavar="ID")
@pass_ctx
def unsuspend(obj: Context, question_id: str) -> None:
    """Ask a suspended question again."""
    _set_suspended(obj, question_id, False)


@cli.command()
@click.option("--category", "categories", multiple=True, metavar="C", help="Only this category (repeatable).")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
@click.option("--forget-history", is_flag=True, help="Also delete the review log.")
@pass_ctx
def reset(obj: Context, categories: tuple[str, ...], yes: bool, forget_history: bool) -> None:
    """Clear schedules (all, or some categories); the review log is kept unless --forget-history."""
    if not yes:
        raise click.UsageError("reset clears your schedules: add --yes to confirm")
    check_categories(obj.library(), categories)
    with open_store(obj) as store:
        n = store.reset(categories, forget_history)
    what = "schedules and history" if forget_history else "schedules (history kept)"
    click.echo(f"reset {n} cards: {what}", err=True)


@cli.command()
@click.option("--repair", is_flag=True, help="Copy the database aside, then remove or rebuild the damaged rows.")
@pass_ctx
def doctor(obj: Context, repair: bool) -> None:
    """Find rows of the progress database that no quizzer wrote (and, with --repair, mend them)."""
    from quizzer.doctor import backup, find_damage
    from quizzer.doctor import repair as mend

    with open_store(obj) as store:
        damage = find_damage(store)
        if not damage:
            click.echo(f"{store.path}: no damaged rows")
            return
        for line in damage.lines():
            click.echo(line)
        if not repair:
            click.echo("run 'quizzer doctor --repair' to repair them (the database is copied aside first)")
            sys.exit(1)
        saved = backup(store, utc_now())
        mend(store, damage, scheduler_for(store).replay)
        store.damaged.clear()
        click.echo(f"repaired; the database as it was is in {saved}")
