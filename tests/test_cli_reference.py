"""The command reference cannot drift: docs/cli.md and the README's command table are generated from
the click commands themselves, and this test fails when either is out of date.

Regenerate both with `QUIZZER_UPDATE_DOCS=1 pytest tests/test_cli_reference.py`."""

from __future__ import annotations

import os
import re

import click

from quizzer.cli import cli

from .conftest import REPO

BEGIN, END = "<!-- commands: generated from the click commands by tests/test_cli_reference.py -->", "<!-- end -->"


def _commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        if command.hidden:
            continue
        out.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix} {name}")
    return out


def _usage(path: str, command: click.Command) -> str:
    parts = [path]
    for p in command.params:
        if isinstance(p, click.Argument):
            parts.append(p.human_readable_name.upper())
        elif isinstance(p, click.Option) and not p.hidden and p.name != "help":
            flag = p.opts[0]
            if p.is_flag:
                parts.append(f"[{flag}]")
            else:
                parts.append(f"[{flag} {p.metavar or p.name.upper() if p.name else 'X'}]")
    return " ".join(parts)


def _short(command: click.Command) -> str:
    return command.get_short_help_str(limit=200).rstrip(".")


def reference() -> str:
    # The group's context settings, as a real run has them (-h as well as --help): click caches each
    # command's help option from the first context that asks, so a bare Context here would make the
    # text depend on whether a test ran a command in this process before.
    ctx = click.Context(cli, info_name="quizzer", **cli.context_settings)
    lines = ["# Command reference", "",
             "Generated from the commands themselves (`quizzer COMMAND --help` says the same).",
             "", "```", cli.get_help(ctx), "```", ""]
    for path, command in _commands(cli, "quizzer"):
        sub = click.Context(command, info_name=path, parent=ctx)
        lines += [f"## {path}", "", "```", command.get_help(sub), "```", ""]
    return "\n".join(lines)


def table() -> str:
    rows = ["| command | what it does |", "| --- | --- |"]
    for path, command in _commands(cli, "quizzer"):
        if isinstance(command, click.Group):
            continue
        usage = _usage(path, command).replace("|", "\\|")
        rows.append(f"| `{usage}` | {_short(command)} |")
    return "\n".join(rows)


def test_docs_cli_md_is_current() -> None:
    path = REPO / "docs" / "cli.md"
    if os.environ.get("QUIZZER_UPDATE_DOCS"):
        path.write_text(reference(), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == reference()


def test_the_readme_command_table_is_current() -> None:
    path = REPO / "README.md"
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{table()}\n{END}"
    if os.environ.get("QUIZZER_UPDATE_DOCS"):
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        path.write_text(text, encoding="utf-8")
    assert block in text
