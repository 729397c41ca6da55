"""Commands about quizzer itself: its config file and shell completion."""

from __future__ import annotations

import json
import os
import shlex
import subprocess

import click

from quizzer.cli.context import Context, fail, pass_ctx

SHELLS = ("bash", "zsh", "fish")


@click.group()
def config() -> None:
    """The config file: where it is, what is in effect, and editing it."""


@config.command("path")
@pass_ctx
def config_path(obj: Context) -> None:
    """Print the config file's path (it need not exist yet)."""
    click.echo(str(obj.config().path))


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_ctx
def config_show(obj: Context, as_json: bool) -> None:
    """The settings in effect and where each came from (default, the file, or a variable)."""
    cfg = obj.config()
    if as_json:
        click.echo(json.dumps({"path": str(cfg.path), "settings": cfg.values, "sources": cfg.sources,
                               "keymap": cfg.keymap}, indent=2))
        return
    click.echo(f"# {cfg.path}{'' if cfg.path.exists() else ' (not created yet)'}")
    for section, table in cfg.values.items():
        click.echo(f"[{section}]")
        for key, value in table.items():
            line = f"{key} = {json.dumps(value)}"
            click.echo(f"{line:<44} # {cfg.sources[f'{section}.{key}']}")
    click.echo("[keymap]")
    for bid, keys in cfg.keymap.items():
        click.echo(f"{json.dumps(bid)} = {json.dumps(keys)}")


@config.command("edit")
@pass_ctx
def config_edit(obj: Context) -> None:
    """Open the config file in $VISUAL or $EDITOR (created with commented defaults if missing)."""
    from quizzer import config as config_file
    from quizzer.safefile import write_text

    path = obj.config().path
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(f"cannot create {path.parent}: {exc.strerror or exc}")
        write_text(path, [config_file.TEMPLATE])
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        fail(f"set $VISUAL or $EDITOR, or edit {path} yourself")
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as exc:
        fail(f"cannot run {editor}: {exc.strerror or exc}")
    for warning in config_file.load(path).warnings:
        click.echo(f"quizzer: {warning}", err=True)


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (commands, options, categories, tags and question ids).

    bash: eval "$(quizzer completion bash)" in ~/.bashrc; zsh: the same in ~/.zshrc;
    fish: quizzer completion fish > ~/.config/fish/completions/quizzer.fish
    """
    from click.shell_completion import get_completion_class

    root = click.get_current_context().find_root().command
    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(root, {}, "quizzer", "_QUIZZER_COMPLETE").source())
