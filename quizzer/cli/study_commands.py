"""Commands that study and count: review, quiz, due and stats."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from quizzer.cli.context import TYPES, Context, check_categories, check_tags, complete_category, complete_tag, pass_ctx
from quizzer.studyday import utc_now

if TYPE_CHECKING:
    from quizzer.scheduler import Scheduler
    from quizzer.store import Store


SEED = click.option("--seed", type=click.IntRange(0, 2**63), metavar="N",
                    help="Same N, same order of questions and of choices (for answers read from a file).")
AI = click.option("--ai", "use_ai", is_flag=True,
                  help="Plain mode: the [ai] model grades open answers too, before you rate yourself.")
LIST = click.option("--list", "list_only", is_flag=True,
                    help="Print the ids the session would ask, in order, and start nothing.")


def _run_plain(obj: Context, kind: str, build: Any, filters: dict[str, Any], seed: int | None = None,
               list_only: bool = False, use_ai: bool = False) -> None:
    import random

    from quizzer.calibration import asks_confidence
    from quizzer.plain import PlainSession
    from quizzer.session import Session

    ai = obj.ai_settings() if use_ai else None
    library = obj.library()
    with obj.open_store() as store:
        scheduler = obj.scheduler(store)
        questions = build(library, store, scheduler, random.Random(seed))
        if list_only:
            for q in questions:
                click.echo(q.gid)
            return
        store.check_writable()
        session = Session(library, store, scheduler, utc_now, kind=kind, questions=questions, filters=filters,
                          rng=random.Random(seed), lang=obj.language(), leech_threshold=obj.leech_threshold(),
                          confidence=asks_confidence(kind, obj.config().values["study"]))
        try:
            PlainSession(session, library, sys.stdin.buffer, sys.stdout, ai=ai).run()
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


@click.command()
@click.option("--plain", is_flag=True, help="Line-oriented session on stdin/stdout (pipes, dumb terminals).")
@AI
@SEED
@LIST
@pass_ctx
def review(obj: Context, plain: bool, use_ai: bool, seed: int | None, list_only: bool) -> None:
    """Today's review: due questions first, then new ones up to the daily limit."""
    from quizzer.study_queue import todays_queue

    if not _tui_or_plain(plain) and not list_only:
        obj.run_app(start="review")
        return
    _run_plain(obj, "review", lambda lib, store, sch, rng: todays_queue(lib, store, sch, utc_now(), goal=obj.goal()),
               {}, seed, list_only, use_ai)


@click.command()
@click.option("--category", "categories", multiple=True, metavar="C", shell_complete=complete_category)
@click.option("--count", default=10, show_default=True, metavar="N", type=click.IntRange(1, 10_000))
@click.option("--level", "levels", multiple=True, metavar="L", type=click.IntRange(1, 3))
@click.option("--type", "types", multiple=True, metavar="T", type=TYPES)
@click.option("--tag", "tags", multiple=True, metavar="T", shell_complete=complete_tag)
@click.option("--new-only", is_flag=True, help="Only questions you have never answered.")
@click.option("--due-only", is_flag=True, help="Only questions due for review.")
@click.option("--cram", is_flag=True,
              help="Only questions not yet due, weakest predicted recall first (study ahead of the schedule).")
@click.option("--plain", is_flag=True, help="Line-oriented session on stdin/stdout (pipes, dumb terminals).")
@AI
@SEED
@LIST
@pass_ctx
def quiz(obj: Context, categories: tuple[str, ...], count: int, levels: tuple[int, ...], types: tuple[str, ...],
         tags: tuple[str, ...], new_only: bool, due_only: bool, cram: bool, plain: bool, use_ai: bool,
         seed: int | None,
         list_only: bool) -> None:
    """A quiz of N questions, filtered; due and unseen questions come first (--cram: not yet due ones)."""
    from quizzer.study_queue import cram_selection, quiz_selection

    if sum((new_only, due_only, cram)) > 1:
        raise click.UsageError("--new-only, --due-only and --cram exclude each other")
    library = obj.library()
    check_categories(library, categories)
    check_tags(library, tags)
    filters = {"categories": list(categories), "count": count, "levels": list(levels), "types": list(types),
               "tags": list(tags), "new_only": new_only, "due_only": due_only, **({"cram": True} if cram else {})}
    if not _tui_or_plain(plain) and not list_only:
        obj.run_app(start="quiz", filters=filters)
        return

    def build(lib: Any, store: Store, sch: Scheduler, rng: Any) -> Any:
        if cram:
            return cram_selection(lib, store, sch, utc_now(), categories=categories, levels=levels, types=types,
                                  tags=tags, count=count)
        return quiz_selection(lib, store, sch, utc_now(), categories=categories, levels=levels, types=types,
                              tags=tags, count=count, new_only=new_only, due_only=due_only, rng=rng)

    _run_plain(obj, "cram" if cram else "quiz", build, filters, seed, list_only, use_ai)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def due(obj: Context, as_json: bool) -> None:
    """How much is due now, in learning, and new today."""
    from quizzer.study_queue import due_counts

    library = obj.library()
    with obj.open_store() as store:
        counts = due_counts(library, store, obj.scheduler(store), utc_now(), goal=obj.goal())
    if as_json:
        click.echo(json.dumps({"due_now": counts.due_now, "learning": counts.learning,
                               "new_available": counts.new_available}))
    else:
        click.echo(f"due now: {counts.due_now}  learning: {counts.learning}  new today: {counts.new_available}")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def stats(obj: Context, as_json: bool) -> None:
    """Per category: questions, seen, due, reviews, retention (30 days) and mastery; the streak; how sure
    answers were against how often they were right (calibration), and the confidently wrong questions."""
    from quizzer.calibration import calibration, confidently_wrong_list
    from quizzer.labels import days
    from quizzer.stats import compute

    banks = obj.question_index()
    with obj.open_store() as store:
        data = compute(banks, store, utc_now())
        per, total = calibration(store)
        wrong = confidently_wrong_list(store)
    data["calibration"] = {"categories": {c: v.to_json() for c, v in per.items()}, "total": total.to_json()}
    data["confidently_wrong"] = [x.gid for x in wrong]
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{'category':<14}{'questions':>10}{'seen':>6}{'due':>5}{'reviews':>9}{'retention':>10}{'mastery':>9}")
    rows = [*data["categories"].items(), ("total", data["totals"])]
    for name, s in rows:
        ret = f"{s['retention_30d']:.0%}" if s["retention_30d"] is not None else "-"
        click.echo(f"{name:<14}{s['questions']:>10}{s['seen']:>6}{s['due_now']:>5}{s['reviews']:>9}"
                   f"{ret:>10}{s['mastery']:>9.0%}")
    click.echo(f"streak: {days(data['streak_days'])}")
    if per:
        click.echo(f"\n{'calibration':<14}{'answers':>8}{'sure: right':>13}{'Brier':>7}"
                   "   (0 is perfect; always unsure: 0.25)")
        for name, c in [*per.items(), ("total", total)]:
            sure = c.rate(3)
            shown = f"{sure:.0%}" if sure is not None else "-"
            click.echo(f"{name:<14}{c.answers:>8}{shown:>13}{c.brier or 0:>7.3f}")
    if wrong:
        click.echo("confidently wrong (asked first when due): " + ", ".join(x.gid for x in wrong[:10])
                   + (f" and {len(wrong) - 10} more" if len(wrong) > 10 else ""))
