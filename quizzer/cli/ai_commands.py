"""The optional AI interviewer from the command line: check the connection, read a mock interview's report."""

from __future__ import annotations

import json

import click

from quizzer.cli.context import Context, fail, pass_ctx

CHECK_MESSAGES = [{"role": "user", "content": "Reply with the single word: ok"}]


@click.group()
def ai() -> None:
    """The optional AI interviewer ([ai] in the config file; nothing is sent unless it is set)."""


@ai.command("check")
@pass_ctx
def ai_check(obj: Context) -> None:
    """Send one tiny request to the [ai] server; print the reply time, or the exact problem (exit 1)."""
    import asyncio

    from quizzer.ai_client import AIUnavailable, chat
    from quizzer.safetext import one_line

    settings = obj.ai_settings()
    try:
        reply = asyncio.run(chat(settings, CHECK_MESSAGES, max_tokens=5, stream=False))
    except AIUnavailable as exc:
        fail(f"AI check failed: {exc}")
    click.echo(f"{settings.model} at {settings.base_url} replied in {reply.seconds:.2f} s: "
               f"{one_line(reply.text.strip())[:80]}")


@ai.command("report")
@click.argument("session", required=False, metavar="[SESSION]")
@click.option("--json", "as_json", is_flag=True, help="Print the report as a JSON object.")
@pass_ctx
def ai_report(obj: Context, session: str | None, as_json: bool) -> None:
    """Print a mock interview's report (the latest, or SESSION's): transcript, feedback, strengths, gaps."""
    from quizzer.ai_interview import report_lines
    from quizzer.ai_store import load_report

    with obj.open_store() as store:
        found = load_report(store, session)
    if found is None:
        fail(f"no mock interview report{f' for session {session}' if session else ''} yet")
    session_id, report = found
    if as_json:
        click.echo(json.dumps({"session": session_id, **report}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Mock interview {session_id}")
    for line in report_lines(report):
        click.echo(line)
