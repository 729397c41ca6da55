"""Commands that read the banks only: validate, list, show and the Markdown export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from quizzer.cli.context import (
    TYPES,
    Context,
    check_categories,
    check_tags,
    complete_category,
    complete_question_id,
    complete_tag,
    fail,
    pass_ctx,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--run-solutions", is_flag=True,
              help="Also RUN each code question's reference solution against its cases (in the sandbox). "
                   "This executes code from the banks: use it on banks you trust or are checking.")
@pass_ctx
def validate(obj: Context, paths: tuple[Path, ...], run_solutions: bool) -> None:
    """Check the banks in use, or the given files and folders."""
    from quizzer.banks import check
    from quizzer.paths import shipped_catalog

    result = check(list(paths) or obj.bank_dirs(), shipped_catalog())
    if result.library is None:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        fail(f"{len(result.problems)} problem(s) in {result.files} file(s)")
    n = len(result.library)
    if run_solutions:
        from quizzer.solutions import failing_solutions

        failures = failing_solutions(result.library)
        for problem in failures:
            click.echo(str(problem), err=True)
        ran = sum(q.type == "code" for q in result.library)
        if failures:
            fail(f"{len(failures)} of {ran} reference solution(s) fail their cases")
        click.echo(f"{ran} reference solution(s) pass their cases")
    click.echo(f"{n} questions in {result.files} bank{'s' if result.files != 1 else ''}: ok")


@click.group()
def export() -> None:
    """Export the banks."""


@export.command("markdown")
@click.option("--out", "out_arg", required=True, metavar="DIR", type=click.Path(file_okay=False, path_type=str),
              help="Folder to write README.md and one <category>.md per category into.")
@click.option("--category", "categories", multiple=True, metavar="C", shell_complete=complete_category,
              help="Only this category (repeatable).")
@click.option("--no-answers", is_flag=True, help="Leave out answers and explanations (a question sheet).")
@click.option("--force", is_flag=True, help="Replace pages in a folder that holds files quizzer did not write.")
@click.option("--lang", "lang", type=click.Choice(["en", "zh", "both"]), default="en", show_default=True,
              help="English, Chinese, or both (the Chinese under the English).")
@pass_ctx
def export_markdown_cmd(obj: Context, out_arg: str, categories: tuple[str, ...], no_answers: bool,
                        force: bool, lang: str) -> None:
    """Write the banks as Markdown pages that fold each answer.

    OUT must be new, empty or an earlier export, unless --force; the pages replace the old ones
    only once all are written."""
    from quizzer.export import export_markdown

    if not out_arg.strip():  # Path("") would be the current folder
        raise click.BadParameter("must name a folder", param_hint="--out")
    out = Path(out_arg)
    library = obj.library()
    check_categories(library, categories)
    written = export_markdown(library, out, categories, answers=not no_answers, force=force, lang=lang)
    click.echo(f"wrote {len(written)} files to {out}", err=True)


@click.command("list")
@click.option("--category", "categories", multiple=True, metavar="C", shell_complete=complete_category)
@click.option("--tag", "tags", multiple=True, metavar="T", shell_complete=complete_tag)
@click.option("--level", "levels", multiple=True, metavar="L", type=click.IntRange(1, 3))
@click.option("--type", "types", multiple=True, metavar="T", type=TYPES)
@click.option("--flagged", is_flag=True, help="Only questions you flagged as wrong or unclear.")
@click.option("--suspended", is_flag=True, help="Only questions you suspended.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_ctx
def list_cmd(obj: Context, categories: tuple[str, ...], tags: tuple[str, ...], levels: tuple[int, ...],
             types: tuple[str, ...], flagged: bool, suspended: bool, as_json: bool) -> None:
    """List questions: global id, type, level and the prompt's first line."""
    from quizzer.params import example
    from quizzer.render import one_line
    from quizzer.study_queue import matching

    library = obj.library()
    check_categories(library, categories)
    check_tags(library, tags)
    questions = matching(library, categories, levels, types, tags)
    if flagged or suspended:
        with obj.open_store() as store:
            cards = store.cards()
        questions = [q for q in questions if (c := cards.get(q.gid)) is not None
                     and (not flagged or c.flagged) and (not suspended or c.suspended)]
    if as_json:
        rows = [{"id": q.gid, "type": q.type, "level": q.level, "tags": list(q.tags),
                 "prompt": one_line(example(q).prompt, 10_000)} for q in questions]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for q in questions:
        click.echo(f"{q.gid:<48} {q.type:<9} L{q.level}  {one_line(example(q).prompt, 70)}")


@click.command()
@click.argument("question_id", metavar="ID", shell_complete=complete_question_id)
@pass_ctx
def show(obj: Context, question_id: str) -> None:
    """Show one question with its answer, explanation and references."""
    from quizzer.render import question_text

    library = obj.library()
    q = library.get(question_id)
    if q is None:
        from quizzer.search import suggest

        hint = suggest(library, question_id)
        fail(f"no question '{question_id}'" + (f"; did you mean '{hint}'?" if hint else ""))
    click.echo(question_text(library, q, answer=True))


@click.command()
@click.argument("question_id", metavar="ID", shell_complete=complete_question_id)
@click.option("--answer", "answer", metavar="TEXT",
              help="The answer to grade (else read from standard input). Choices by letter in bank order or "
                   "by text; several separated by commas (letters) or ';' (texts).")
@click.option("--param", "assignments", metavar="NAME=VALUE", multiple=True,
              help="A parametrised question's number to grade against (repeatable); the others keep their "
                   "first values, as `show` prints them.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_ctx
def grade(obj: Context, question_id: str, answer: str | None, assignments: tuple[str, ...], as_json: bool) -> None:
    """Grade one answer to one question, recording nothing: verdict, score, proposed rating, key points.

    For a code question the answer is code, which runs in the sandbox."""
    import sys

    from quizzer.grading import grade as grade_answer
    from quizzer.grading import key_point_versions
    from quizzer.params import chosen
    from quizzer.plain import pick_choices

    library = obj.library()
    q = library.get(question_id)
    if q is None:
        from quizzer.search import suggest

        hint = suggest(library, question_id)
        fail(f"no question '{question_id}'" + (f"; did you mean '{hint}'?" if hint else ""))
    q = chosen(q, assignments)
    text = answer if answer is not None else sys.stdin.read()
    if q.type != "code":
        text = text.strip()
    response: str | list[str] = text
    if q.type in ("mcq", "multi"):
        picked = pick_choices(text, list(q.choices), q.type == "multi")
        if picked is not None:
            response = picked[0] if q.type == "mcq" else picked
        elif q.type == "multi":
            response = [p for p in text.split(";") if p.strip()]
    result = grade_answer(q, response)
    # The key points in the language questions are shown in; the marks hold for both.
    shown_points = key_point_versions(q)[-1] if obj.language() == "zh" else q.key_points
    verdict = "wrong" if result.verdict == "self" and result.rating == 1 else result.verdict
    if q.type == "open":
        verdict = "correct" if result.rating >= 3 else "partial" if result.rating == 2 else "wrong"
    data: dict[str, Any] = {"id": q.gid, "type": q.type, "verdict": verdict, "score": round(result.score, 4),
            "rating": result.rating,
            "key_points": [{"text": k, "covered": c} for k, c in zip(shown_points, result.covered, strict=False)],
            "note": result.note}
    if q.drawn:
        data["params"] = dict(q.drawn)
        data["answer"] = q.answer
    if result.run is not None:
        data["cases"] = [{"passed": r.passed, "got": r.got} for r in result.run.cases]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(f"{q.gid}: {verdict}, score {data['score']}, proposed rating {result.rating}"
               + (f" ({result.note})" if result.note else ""))
    for point in data["key_points"]:
        click.echo(f"  [{'x' if point['covered'] else ' '}] {point['text']}")
