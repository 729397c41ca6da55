"""Commands on the progress database itself: moving the log between machines, suspending,
resetting and repairing."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from quizzer.cli.context import (
    Context,
    check_categories,
    complete_category,
    complete_question_id,
    counted,
    fail,
    pass_ctx,
)
from quizzer.studyday import utc_now


@click.group()
def progress() -> None:
    """Move the review log between machines (JSON Lines)."""


@progress.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def progress_export(obj: Context, file: Path) -> None:
    """Write the whole review log to FILE ('-' for stdout); FILE is replaced only when complete."""
    from quizzer.ai_log import iter_records, to_json
    from quizzer.marklog import iter_marks
    from quizzer.safefile import refuse_database, replacing
    from quizzer.undo_log import iter_undos

    to_stdout = str(file) == "-"
    if not to_stdout:
        refuse_database(file, obj.db_path())
    with obj.open_store() as store:
        n = 0
        marks = 0
        with nullcontext(sys.stdout) if to_stdout else replacing(file) as out:
            for review in store.iter_reviews():
                out.write(review.to_json() + "\n")
                n += 1
            for mark in iter_marks(store):  # suspensions and flags, with their time
                out.write(mark.to_json() + "\n")
                marks += 1
            undos = 0
            for undo in iter_undos(store):  # reviews taken back: they must stay taken back elsewhere
                out.write(undo.to_json() + "\n")
                undos += 1
            ai = 0
            for record in iter_records(store):  # what the AI interviewer said: gradings, follow-ups, reports
                out.write(to_json(record) + "\n")
                ai += 1
    click.echo(f"exported {n} reviews, {marks} suspension and flag events, {counted(undos, 'undo')}"
               f" and {counted(ai, 'AI record')}", err=True)


@progress.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def progress_import(obj: Context, file: Path) -> None:
    """Merge a review log into this one; each review applies once, cards are rebuilt by replay."""
    from quizzer.ai_log import RECORD_TYPES, merge_records
    from quizzer.marklog import MarkRow, merge_marks
    from quizzer.records import ReviewRow
    from quizzer.sync import count_log, iter_log
    from quizzer.undo_log import UndoRow, merge_undos, undone_ids

    now = utc_now()
    total = count_log(file, now)  # every line checked before anything is written
    with obj.open_store() as store:
        scheduler = obj.scheduler(store)
        # Tombstones first: a review undone on either machine is removed here and never added back.
        undos, taken_back = merge_undos(store, (u for u in iter_log(file, now) if isinstance(u, UndoRow)),
                                        scheduler.replay)
        undone = undone_ids(store)
        added, rebuilt = store.merge_reviews(
            (r for r in iter_log(file, now) if isinstance(r, ReviewRow) and r.id not in undone), scheduler.replay)
        marks, _ = merge_marks(store, (m for m in iter_log(file, now) if isinstance(m, MarkRow)))
        ai = merge_records(store, (r for r in iter_log(file, now) if isinstance(r, RECORD_TYPES)))
    click.echo(f"imported {counted(added, 'new review')} ({total - added - marks - undos - ai} already here);"
               f" rebuilt {counted(rebuilt, 'card')}; {counted(marks, 'new suspension or flag event')};"
               f" {counted(undos, 'new undo')} ({taken_back} taken back here); {counted(ai, 'new AI record')}",
               err=True)


@click.command()
@pass_ctx
def undo(obj: Context) -> None:
    """Take back the last answer: it leaves the log and its question's schedule is as it was before."""
    from quizzer.leeches import forget_undone_leech
    from quizzer.render import fmt_due
    from quizzer.undo_log import last_review, undo_review

    with obj.open_store() as store:
        review = last_review(store)
        if review is None:
            fail("there is no answer to take back")
        now = utc_now()
        card = undo_review(store, review.id, obj.scheduler(store).replay, now)
        forget_undone_leech(store, review, card, int(obj.config().get("study", "leech_threshold")), now)
    from quizzer.labels import rating_name

    when = review.reviewed_at.astimezone().strftime("%Y-%m-%d %H:%M")
    after = f"next review {fmt_due(card.due, now)}" if card is not None else "it is new again"
    click.echo(f"took back your answer to {review.gid} ({rating_name(review.rating)}, {when}); {after}")


def _set_suspended(obj: Context, gid: str, value: bool) -> None:
    from quizzer.session import Session

    library = obj.library()
    q = library.get(gid)
    with obj.open_store() as store:
        if q is None:
            if value or store.card(gid) is None:
                fail(f"no question '{gid}'")
            store.set_flag(gid, "suspended", False)
        elif value:
            Session(library, store, obj.scheduler(store), utc_now, kind="manage", questions=[]).suspend(q)
        elif not store.set_flag(gid, "suspended", False):
            click.echo(f"{gid} was not suspended", err=True)
            return
    click.echo(f"{'suspended' if value else 'unsuspended'} {gid}", err=True)


@click.command()
@click.argument("question_id", metavar="ID", shell_complete=complete_question_id)
@pass_ctx
def suspend(obj: Context, question_id: str) -> None:
    """Stop asking a question until it is unsuspended."""
    _set_suspended(obj, question_id, True)


@click.command()
@click.argument("question_id", metavar="ID", shell_complete=complete_question_id)
@pass_ctx
def unsuspend(obj: Context, question_id: str) -> None:
    """Ask a suspended question again."""
    _set_suspended(obj, question_id, False)


@click.command()
@click.option("--category", "categories", multiple=True, metavar="C", shell_complete=complete_category,
              help="Only this category (repeatable).")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
@click.option("--forget-history", is_flag=True, help="Also delete the review log.")
@pass_ctx
def reset(obj: Context, categories: tuple[str, ...], yes: bool, forget_history: bool) -> None:
    """Clear schedules (all, or some categories); the review log is kept unless --forget-history."""
    if not yes:
        raise click.UsageError("reset clears your schedules: add --yes to confirm")
    check_categories(obj.library(), categories)
    with obj.open_store() as store:
        n = store.reset(categories, forget_history)
    what = "schedules and history" if forget_history else "schedules (history kept)"
    click.echo(f"reset {n} cards: {what}", err=True)


@click.command()
@click.option("--repair", is_flag=True, help="Copy the database aside, then remove or rebuild the damaged rows.")
@pass_ctx
def doctor(obj: Context, repair: bool) -> None:
    """Find rows of the progress database that no quizzer wrote (and, with --repair, mend them)."""
    from quizzer.doctor import backup, find_damage
    from quizzer.doctor import repair as mend

    with obj.open_store() as store:
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
        mend(store, damage, obj.scheduler(store).replay)
        store.damaged.clear()
        click.echo(f"repaired; the database as it was is in {saved}")
