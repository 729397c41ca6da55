"""Anki and spreadsheets: `export anki` writes the banks as an Anki package, `import` brings cards
from Anki or a CSV file into a bank."""

from __future__ import annotations

from pathlib import Path

import click

from quizzer.cli.context import Context, check_categories, complete_category, fail, pass_ctx
from quizzer.safetext import one_line

SHOWN_SKIPS = 20


def note_times_path(db: Path) -> Path:
    """The record of exported notes' modification times, kept beside the progress database."""
    return db.with_name(db.stem + ".anki-times.json")


@click.command("anki")
@click.option("--out", "out_arg", required=True, metavar="FILE.apkg", type=click.Path(dir_okay=False, path_type=str),
              help="The package to write; an earlier export is replaced, any other file only with --force.")
@click.option("--category", "categories", multiple=True, metavar="C", shell_complete=complete_category,
              help="Only this category (repeatable).")
@click.option("--lang", "lang", type=click.Choice(["en", "zh", "both"]), default="en", show_default=True,
              help="English, Chinese, or both (the Chinese under the English).")
@click.option("--force", is_flag=True, help="Replace a file that is not a package quizzer wrote.")
@pass_ctx
def export_anki_cmd(obj: Context, out_arg: str, categories: tuple[str, ...], lang: str, force: bool) -> None:
    """Write the banks as an Anki package: one deck per category under 'quizzer'.

    Importing a later export into Anki updates the notes in place, keeping your reviews: only the
    questions that changed are updated, and nothing is duplicated."""
    from quizzer.anki_export import NoteTimes, export_anki
    from quizzer.safefile import refuse_database

    out = Path(out_arg)
    if out.suffix.lower() != ".apkg":
        raise click.BadParameter("must end in .apkg (Anki opens packages by that name)", param_hint="--out")
    refuse_database(out, obj.db_path())
    library = obj.library()
    check_categories(library, categories)
    times = NoteTimes(note_times_path(obj.db_path()))
    result = export_anki(library, out, times, categories, lang=lang, force=force)
    click.echo(f"wrote {result.notes} notes in {result.decks} decks to {out} "
               f"({result.changed} new or changed since the last export)", err=True)
    if result.warning:
        click.echo(f"quizzer: warning: {one_line(result.warning)}", err=True)


@click.command("import")
@click.argument("source", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--category", required=True, metavar="C", shell_complete=complete_category,
              help="The category of the new bank.")
@click.option("--out", "out_arg", required=True, metavar="BANK.yaml",
              type=click.Path(dir_okay=False, path_type=str), help="The bank file to write.")
@click.option("--ref", "ref", metavar="URL",
              help="An https:// reference for every card that has no link of its own (banks cite a source).")
@click.option("--columns", "columns", metavar="ROLES",
              help="What each column of a text or CSV file holds, comma-separated: front, back, tags, guid, "
                   "explanation, choices, ignore (default: the header row, else front,back,tags).")
@click.option("--deck", "deck", metavar="NAME",
              help="Only the cards of this Anki deck and its subdecks (e.g. 'Interview::LLM').")
@click.option("--title", "title", metavar="TEXT", help="The bank's title (default: from the file name).")
@click.option("--level", "level", type=click.IntRange(1, 3), default=2, show_default=True,
              help="The level of every imported question: 1 junior, 2 mid, 3 senior.")
@click.option("--force", is_flag=True, help="Replace BANK.yaml if it exists.")
@pass_ctx
def import_cmd(obj: Context, source: Path, category: str, out_arg: str, ref: str | None, columns: str | None,
               deck: str | None, title: str | None, level: int, force: bool) -> None:
    """Make a bank of open questions from Anki cards (.apkg, .colpkg, Anki's plain-text export) or a
    CSV/TSV file (front, back, optional tags).

    The front becomes the prompt and the back the model answer; HTML becomes Markdown. Cloze cards,
    media-only cards and empty cards are skipped, and the report says why. Importing the same cards
    again gives the same ids, so a re-import (with --force) updates the bank and keeps your progress."""
    from quizzer.anki_read import read_notes
    from quizzer.card_import import bank_yaml, questions_from, write_bank
    from quizzer.mdsafe import is_web_link
    from quizzer.model import CATEGORIES
    from quizzer.paths import shipped_catalog
    from quizzer.safefile import refuse_database

    if category not in CATEGORIES:
        raise click.BadParameter(f"unknown category '{category}' (one of: {', '.join(CATEGORIES)})",
                                 param_hint="--category")
    if ref is not None and not is_web_link(ref):
        raise click.BadParameter(f"'{ref}' is not an https:// URL", param_hint="--ref")
    out = Path(out_arg)
    refuse_database(out, obj.db_path())
    roles = [c.strip().lower() for c in columns.split(",")] if columns else []
    notes = read_notes(source, roles)
    if deck is not None:
        chosen = [n for n in notes if n.in_deck(deck)]
        if not chosen:
            decks = sorted({n.deck for n in notes if n.deck})
            fail(f"no cards in deck '{deck}' in {source}" + (f" (its decks: {', '.join(decks[:8])})" if decks
                                                              else " (it names no decks)"))
        notes = chosen
    result = questions_from(notes, ref=ref, level=level, source_name=source.name)
    for where, why in result.skipped[:SHOWN_SKIPS]:
        click.echo(f"  skipped {where}: {why}", err=True)
    if len(result.skipped) > SHOWN_SKIPS:
        click.echo(f"  ... and {len(result.skipped) - SHOWN_SKIPS} more skipped", err=True)
    if not result.questions:
        fail(f"no cards to import from {source} ({len(notes)} read, {len(result.skipped)} skipped); "
             "nothing was written")
    if result.without_ref:
        fail(f"{len(result.without_ref)} of {len(result.questions)} cards (first: {result.without_ref[0]}) have no "
             "https link to cite: add --ref URL (where the cards come from); nothing was written")
    name = title or f"Imported from {source.stem}"
    description = f"{len(result.questions)} cards imported from {source.name}."
    write_bank(out, bank_yaml(category, name, description, result.questions), force, shipped_catalog())
    click.echo(f"imported {len(result.questions)} of {len(notes)} cards into {out} "
               f"({len(result.skipped)} skipped)", err=True)
    if result.media_left_out:
        click.echo(f"  {result.media_left_out} card(s) had images or sounds, which were left out", err=True)
    if result.tags_dropped:
        shown = ", ".join(sorted(one_line(t) for t in result.tags_dropped)[:5])
        click.echo(f"  tags that are not slugs were dropped: {shown}", err=True)
    click.echo(f"  check it with 'quizzer validate {out}'; study it with 'quizzer --banks {out.parent}'", err=True)
