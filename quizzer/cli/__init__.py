"""The `quizzer` command line: the click group and its global options, built from one module per
family of commands (each imports only `context`, so there is no import cycle).

Plain commands import only what they use: textual and fsrs are imported inside the commands that
need them, so `quizzer --version` and `quizzer validate` start fast.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from quizzer import __version__
from quizzer.cli import (
    ai_commands,
    anki_commands,
    bank_commands,
    config_commands,
    plan_commands,
    progress_commands,
    study_commands,
)
from quizzer.cli.context import Context, fail

__all__ = ["Context", "cli", "main"]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="quizzer", message="%(prog)s %(version)s")
@click.option("--banks", "banks", multiple=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=str),
              help="Use the banks in DIR instead of the shipped ones (repeatable; env QUIZZER_BANKS).")
@click.option("--db", "db", envvar="QUIZZER_DB", metavar="PATH",
              help="The progress database (default: quizzer.db in the user data dir; env QUIZZER_DB).")
@click.option("--config", "config", metavar="PATH",
              help="The config file (default: config.toml in the user config dir; env QUIZZER_CONFIG).")
@click.option("--lang", "lang", type=click.Choice(["en", "zh"]),
              help="Show questions in English or Chinese (env QUIZZER_LANG; default: config file, else locale).")
@click.pass_context
def cli(ctx: click.Context, banks: tuple[str, ...], db: str | None, config: str | None, lang: str | None) -> None:
    """quizzer: interview prep and self-assessment for LLM engineering.

    Run without a command to open the study app.
    """
    ctx.obj = Context(banks, db, config, lang)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            ctx.obj.run_app(start="home")
            return
        # No terminal to draw on (a pipe, CI): say what is here and how to study without the app.
        library = ctx.obj.library()
        click.echo(f"{len(library)} questions in {len(library.banks)} banks")
        for category in library.categories():
            click.echo(f"  {category:<14} {len(library.in_category(category)):>4}  {library.title_of(category)}")
        click.echo()
        click.echo(ctx.get_help())


for command in (bank_commands.validate, bank_commands.export, bank_commands.list_cmd, bank_commands.show,
                bank_commands.grade, anki_commands.import_cmd,
                study_commands.review, study_commands.quiz, study_commands.due, study_commands.stats,
                plan_commands.plan, plan_commands.leeches,
                progress_commands.progress, progress_commands.suspend, progress_commands.unsuspend,
                progress_commands.undo, progress_commands.reset, progress_commands.doctor, config_commands.config,
                config_commands.completion, ai_commands.ai):
    cli.add_command(command)
bank_commands.export.add_command(anki_commands.export_anki_cmd)


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
