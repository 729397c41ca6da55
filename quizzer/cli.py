"""The `quizzer` command line.

Plain commands import only what they use: textual and fsrs are imported inside the commands
that need them, so `quizzer --version` and `quizzer validate` start fast.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from quizzer import __version__

if TYPE_CHECKING:
    from quizzer.model import Counted, Library, Question


class Context:
    """What the global options resolve to; passed to every command."""

    def __init__(self, banks: tuple[str, ...], db: str | None) -> None:
        self.bank_args = banks
        self.db_arg = db

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
        # thousands of questions (about 35 ms a time for 10,000).
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


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command with one printable line on stderr (the message may quote file content)."""
    from quizzer.safetext import one_line

    try:
        click.echo(f"quizzer: {one_line(message)}", err=True)
    except (OSError, ValueError, AttributeError):  # no stderr to write to: the exit code still tells
        pass
    sys.exit(code)


pass_ctx = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="quizzer", message="%(prog)s %(version)s")
@click.option("--banks", "banks", multiple=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=str),
              help="Use the banks in DIR instead of the shipped ones (repeatable; env QUIZZER_BANKS).")
@click.option("--db", "db", envvar="QUIZZER_DB", metavar="PATH",
              help="The progress database (default: quizzer.db in the user data dir; env QUIZZER_DB).")
@click.pass_context
def cli(ctx: click.Context, banks: tuple[str, ...], db: str | None) -> None:
    """quizzer: interview prep and self-assessment for LLM engineering.

    Run without a command to open the study app.
    """
    ctx.obj = Context(banks, db)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from quizzer.tui.launch import run_app

            run_app(ctx.obj, start="home")
            return
        # No terminal to draw on (a pipe, CI): say what is here and how to study without the app.
        library = ctx.obj.library()
        click.echo(f"{len(library)} questions in {len(library.banks)} banks")
        for category in library.categories():
            click.echo(f"  {category:<14} {len(library.in_category(category)):>4}  {library.title_of(category)}")
        click.echo()
        click.echo(ctx.get_help())


@cli.command()
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


@cli.group()
def export() -> None:
    """Export the banks."""


@export.command("markdown")
@click.option("--out", "out_arg", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder to write README.md and one <category>.md per category into.")
@click.option("--category", "categories", multiple=True, metavar="C", help="Only this category (repeatable).")
@click.option("--no-answers", is_flag=True, help="Leave out answers and explanations (a question sheet).")
@click.option("--force", is_flag=True, help="Replace pages in a folder that holds files quizzer did not write.")
@pass_ctx
def export_markdown_cmd(obj: Context, out_arg: str, categories: tuple[str, ...], no_answers: bool,
                        force: bool) -> None:
    """Write the banks as Markdown pages that fold each answer.

    OUT must be new, empty or an earlier export, unless --force; the pages replace the old ones
    only once all are written."""
    from quizzer.export import export_markdown

    if not out_arg.strip():  # Path("") would be the current folder
        raise click.BadParameter("must name a folder", param_hint="--out")
    out = Path(out_arg)
    library = obj.library()
    check_categories(library, categories)
    written = export_markdown(library, out, categories, answers=not no_answers, force=force)
    click.echo(f"wrote {len(written)} files to {out}", err=True)


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


def _filtered(library: Library, categories: tuple[str, ...], tags: tuple[str, ...],
              levels: tuple[int, ...], types: tuple[str, ...]) -> list[Question]:
    return [
        q for q in library
        if (not categories or q.category in categories)
        and (not tags or set(tags) & set(q.tags))
        and (not levels or q.level in levels)
        and (not types or q.type in types)
    ]


TYPES = click.Choice(["open", "mcq", "multi", "truefalse", "short", "numeric"])


@cli.command("list")
@click.option("--category", "categories", multiple=True, metavar="C")
@click.option("--tag", "tags", multiple=True, metavar="T")
@click.option("--level", "levels", multiple=True, type=click.IntRange(1, 3))
@click.option("--type", "types", multiple=True, type=TYPES)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_ctx
def list_cmd(obj: Context, categories: tuple[str, ...], tags: tuple[str, ...], levels: tuple[int, ...],
             types: tuple[str, ...], as_json: bool) -> None:
    """List questions: global id, type, level and the prompt's first line."""
    from quizzer.render import one_line

    library = obj.library()
    check_categories(library, categories)
    check_tags(library, tags)
    questions = _filtered(library, categories, tags, levels, types)
    if as_json:
        rows = [{"id": q.gid, "type": q.type, "level": q.level, "tags": list(q.tags),
                 "prompt": one_line(q.prompt, 10_000)} for q in questions]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for q in questions:
        click.echo(f"{q.gid:<48} {q.type:<9} L{q.level}  {one_line(q.prompt, 70)}")


@cli.command()
@click.argument("question_id", metavar="ID")
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


def main(argv: list[str] | None = None) -> Any:
    """Run the command line; an error the user can cause ends in one line and an exit code."""
    import os

    if sys.stdin is None:  # started with stdin closed: read it as empty (a session just ends)
        sys.stdin = open(os.devnull, encoding="utf-8")
    if sys.stdout is None:
        fail("standard output is closed; nothing was done")
    from quizzer.errors import QuizzerError

    try:
        return cli.main(args=argv, prog_name="quizzer", standalone_mode=True)
    except QuizzerError as exc:
        fail(str(exc), exc.exit_code)
    except OSError as exc:  # writing to a full disk, a closed pipe or a vanished device
        # Point stdout at /dev/null so that the interpreter's final flush does not fail again.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        where = f" ({exc.filename})" if exc.filename else ""
        fail(f"cannot write output{where}: {exc.strerror or exc}")
from quizzer import cli_progress  # noqa: E402,F401  (registers the progress commands)
