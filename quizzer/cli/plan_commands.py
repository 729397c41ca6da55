"""Commands for studying towards an interview date: the plan and readiness, and the leeches."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from quizzer.cli.context import Context, check_categories, complete_category, counted, fail, pass_ctx
from quizzer.studyday import utc_now


def _interview_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("bad")
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date YYYY-MM-DD") from None


@click.command()
@click.option("--interview", "interview", metavar="YYYY-MM-DD", callback=_interview_date,
              help="Set the interview date (saved in the config file).")
@click.option("--minutes", type=click.IntRange(5, 1440), metavar="N", help="Minutes a day to study (saved).")
@click.option("--category", "categories", multiple=True, metavar="C", shell_complete=complete_category,
              help="Plan for these categories only (repeatable; saved; default: all).")
@click.option("--all-categories", is_flag=True, help="Plan for every category again.")
@click.option("--clear", is_flag=True, help="Remove the interview date.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_ctx
def plan(obj: Context, interview: date | None, minutes: int | None, categories: tuple[str, ...],
         all_categories: bool, clear: bool, as_json: bool) -> None:
    """Readiness for the interview day and a day-by-day plan that fits your minutes a day.

    Readiness is the predicted chance of recalling each question on the interview day (FSRS), unseen
    questions counting as 0, averaged per category and in total. `quizzer review` follows the plan.
    """
    from quizzer import config as config_file
    from quizzer.plan import InterviewGoal, plan_for
    from quizzer.readiness import days_left
    from quizzer.study_queue import new_answered_today

    if clear and (interview or minutes or categories):
        raise click.UsageError("--clear removes the date; give it alone")
    changes: dict[str, Any] = {}
    if clear:
        changes["interview_date"] = ""
    if interview is not None:
        if days_left(interview, utc_now()) < 1:
            raise click.BadParameter(f"{interview} is not after today", param_hint="--interview")
        changes["interview_date"] = interview.isoformat()
    if minutes is not None:
        changes["minutes_per_day"] = minutes
    library = obj.library()
    if categories:
        check_categories(library, categories)
        changes["interview_categories"] = list(categories)
    elif all_categories:
        changes["interview_categories"] = []
    cfg = obj.config()
    if changes:
        config_file.save(cfg.path, {"study": changes})
        cfg = config_file.load(cfg.path)
    if clear:
        click.echo("interview date removed; the daily review follows [study] new_per_day again", err=True)
        return
    goal = InterviewGoal.from_settings(cfg.values["study"])
    if goal is None:
        fail("no interview date set: run 'quizzer plan --interview YYYY-MM-DD [--minutes N]'")
    now = utc_now()
    with obj.open_store() as store:
        result = plan_for(library, store, obj.scheduler(store), now, goal, new_today=new_answered_today(store, now))
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    ready = result.readiness
    when = "today" if result.days_left == 0 else "passed" if result.days_left < 0 else \
        f"in {counted(result.days_left, 'day')}"
    scope = ", ".join(goal.categories) if goal.categories else "every category"
    click.echo(f"interview {goal.day.isoformat()} ({when}); {scope}; {goal.minutes_per_day} min a day")
    click.echo(f"readiness: {ready.total:.0%} of {counted(ready.questions, 'question')} would be recalled "
               "on the day (unseen count as 0)")
    for category, value in sorted(ready.categories.items(), key=lambda kv: kv[1]):
        click.echo(f"  {category:<14}{value:>5.0%}")
    if not result.daily:
        return
    click.echo(f"{'date':<12}{'new':>5}{'reviews':>9}{'minutes':>9}")
    for day in result.daily:
        click.echo(f"{day.day.isoformat():<12}{day.new:>5}{day.reviews:>9}{day.minutes:>9.0f}")
    if result.unseen_after:
        click.echo(f"{counted(result.unseen_after, 'question')} will still be unseen on the day at "
                   f"{goal.minutes_per_day} min a day: give more minutes or fewer categories")
    else:
        click.echo(f"every question is seen by {result.daily[-1].day.isoformat()}; "
                   "the last day before the interview is for review")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_ctx
def leeches(obj: Context, as_json: bool) -> None:
    """Questions you keep forgetting (lapses at or over [study] leech_threshold), with your wrong answers."""
    from quizzer.i18n import _
    from quizzer.leeches import ADVICE
    from quizzer.leeches import leeches as find_leeches
    from quizzer.safetext import one_line

    threshold = int(obj.config().get("study", "leech_threshold"))
    with obj.open_store() as store:
        found = find_leeches(store, threshold)
    if as_json:
        click.echo(json.dumps([{"id": x.gid, "lapses": x.lapses, "suspended": x.suspended,
                                "wrong_answers": list(x.wrong_answers)} for x in found], indent=2,
                              ensure_ascii=False))
        return
    if not found:
        click.echo(f"no leeches: no question has {threshold} lapses or more")
        return
    for leech in found:
        state = "suspended" if leech.suspended else "not suspended"
        click.echo(f"{leech.gid}  {counted(leech.lapses, 'lapse')}, {state}")
        for answer in leech.wrong_answers:
            click.echo(f"    wrong: {one_line(answer)[:100]}")
    click.echo(_(ADVICE))
