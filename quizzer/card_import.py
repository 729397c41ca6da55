"""Cards from Anki or a spreadsheet as a quizzer bank: each card becomes an `open` question.

The front is the prompt and the back the model answer (HTML turned into Markdown); other fields become
the explanation. Ids come from the note's GUID, or from the front text when the source has none, so
importing the same cards again gives the same ids: the new bank replaces the old one question for
question, and progress (keyed by id) carries over. The bank is validated by quizzer's own validator
before it is written, and written whole or not at all.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quizzer.anki_read import SourceNote, role_of
from quizzer.errors import CardImportError
from quizzer.html_to_markdown import html_to_markdown, plain_markdown
from quizzer.mdsafe import bad_links, is_web_link, links_in
from quizzer.safetext import BIDI, CONTROL
from quizzer.schema import MAX_FIELD_CHARS, SLUG

CLOZE = re.compile(r"\{\{c\d+::")
# quizzer's own export tags its notes quizzer::tag::<tag>; the rest of its tags say what the bank already does.
OWN_TAG = re.compile(r"^quizzer::tag::(.+)$")
OWN_META_TAG = re.compile(r"^quizzer::(category|level|type)::")


@dataclass
class Imported:
    questions: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    media_left_out: int = 0  # cards imported without their images or sounds
    tags_dropped: set[str] = field(default_factory=set)
    without_ref: list[str] = field(default_factory=list)  # where: cards with no link to cite and no --ref


def _clean(text: str) -> str:
    """Text a bank may hold: no control or bidi characters (the validator refuses them)."""
    return BIDI.sub("", CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))).strip()


def _markdown(note: SourceNote, value: str) -> tuple[str, int]:
    """A field as bank Markdown, and how many images or sounds it lost. HTML is converted; other text
    (a spreadsheet's cells) is taken as the Markdown it most likely is, as written, unless it holds a
    link a bank may not have (not https), when it is escaped so that it reads as the text it is."""
    if note.html:
        converted = html_to_markdown(value)
        return _clean(converted.markdown), converted.media
    text = _clean(value)
    return (text if not bad_links(text) else _clean(plain_markdown(value))), 0


def tag_slug(tag: str) -> str | None:
    """An Anki tag (`LLM::Inference`, `Hard`) as a bank tag slug (`llm-inference`), or None when
    nothing of it is a slug (a tag in Chinese, say)."""
    if OWN_META_TAG.match(tag):
        return None
    if m := OWN_TAG.match(tag):
        tag = m.group(1)
    slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
    return slug if slug and SLUG.match(slug) else None


def _tags(source: Sequence[str], dropped: set[str]) -> list[str]:
    """The slugs of `source`'s tags, each once; tags with no slug are added to `dropped` (quizzer's own
    category, level and type tags are left out quietly: the bank says those in its own keys)."""
    tags: list[str] = []
    for tag in source:
        slug = tag_slug(tag)
        if slug is None and not OWN_META_TAG.match(tag):
            dropped.add(tag)
        elif slug is not None and slug not in tags:
            tags.append(slug)
    return tags


def question_id(note: SourceNote, front: str) -> str:
    """From the source's own identity when it has one, else from the front text (spacing aside)."""
    if note.guid:
        return "anki-" + hashlib.sha256(note.guid.encode()).hexdigest()[:10]
    return "card-" + hashlib.sha256(" ".join(front.split()).encode()).hexdigest()[:10]


def _roles(note: SourceNote) -> tuple[int | None, int | None, list[int]]:
    """Indexes of the front field, the back field and the fields that make the explanation."""
    roles = [role_of(name) for name, _ in note.fields]
    front = roles.index("front") if "front" in roles else None
    back = roles.index("back") if "back" in roles else None
    free = [i for i, r in enumerate(roles) if r is None and i not in (front, back)]
    if front is None and free:
        front = free.pop(0)
    if back is None and free:
        back = free.pop(0)
    explanation = [i for i, r in enumerate(roles) if r == "explanation"] + free
    return front, back, sorted(explanation)


def questions_from(notes: Sequence[SourceNote], ref: str | None = None, level: int = 2,
                   source_name: str = "") -> Imported:
    result = Imported()
    seen: dict[str, str] = {}
    for note in notes:
        values = [v for _, v in note.fields]
        if note.cloze or any(CLOZE.search(v) for v in values):
            result.skipped.append((note.where, "a cloze card (quizzer cannot ask fill-in-the-gap cards yet)"))
            continue
        front_i, back_i, extra_i = _roles(note)
        front, front_media = _markdown(note, values[front_i]) if front_i is not None else ("", 0)
        choices = [md for (name, v) in note.fields if role_of(name) == "choices" and (md := _markdown(note, v)[0])]
        if front and choices:  # a choice question's options belong with its prompt
            front = "\n\n".join([front, *choices])
        back, back_media = _markdown(note, values[back_i]) if back_i is not None else ("", 0)
        if not front or not back:
            side = "front" if not front else "back"
            media = front_media if side == "front" else back_media
            reason = (f"only media on the {side} (images and sounds are not imported)" if media
                      else f"the {side} is empty")
            result.skipped.append((note.where, reason))
            continue
        if max(len(front), len(back)) > MAX_FIELD_CHARS:
            result.skipped.append((note.where, f"a side longer than {MAX_FIELD_CHARS:,} characters"))
            continue
        qid = question_id(note, front)
        if qid in seen:
            result.skipped.append((note.where, f"the same card as {seen[qid]}"))
            continue
        seen[qid] = note.where
        extras = [md for i in extra_i if (md := _markdown(note, values[i])[0])]
        explanation = "\n\n".join(extras)[:MAX_FIELD_CHARS].strip() or (
            f"Imported from {source_name}." if source_name else "Imported card.")
        result.media_left_out += bool(front_media or back_media)
        links = [u for text in (front, back, *extras) for u in links_in(text) if is_web_link(u)]
        refs = [links[0]] if links else [ref] if ref else []
        if not refs:
            result.without_ref.append(note.where)
        tags = _tags(note.tags, result.tags_dropped)
        question: dict[str, Any] = {"id": qid, "type": "open", "level": level, "prompt": front, "answer": back,
                                    "explanation": explanation, "refs": refs}
        if tags:
            question["tags"] = tags
        result.questions.append(question)
    return result


# ---- the bank file ----------------------------------------------------------------------------

class _BankDumper(yaml.SafeDumper):
    """Multi-line text as `|` blocks, so that the bank reads like the hand-written ones."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _str)


def bank_yaml(category: str, title: str, description: str, questions: list[dict[str, Any]]) -> str:
    data: dict[str, Any] = {"category": category, "title": title}
    if description.strip():
        data["description"] = description
    data["questions"] = questions
    body = yaml.dump(data, Dumper=_BankDumper, allow_unicode=True, sort_keys=False, width=110)
    return f"# Written by `quizzer import`. Importing the same cards again gives the same ids.\n{body}"


def check_bank_text(text: str, catalog: Path | None) -> list[str]:
    """The problems quizzer's validator finds in a bank's text (empty: it is a valid bank)."""
    from quizzer.banks import load_bank, load_catalog

    articles = load_catalog(catalog)[0] if catalog is not None else {}
    with tempfile.TemporaryDirectory(prefix="quizzer-import-") as tmp:
        draft = Path(tmp) / "bank.yaml"
        draft.write_text(text, encoding="utf-8")
        _bank, problems = load_bank(draft, articles)
    return [f"{p.line}:{p.col}: {p.message}" if p.line else p.message for p in problems]


def write_bank(out: Path, text: str, force: bool, catalog: Path | None) -> None:
    """Write the bank `text` to `out` if it validates; an existing file only with `force`."""
    from quizzer.safefile import write_text

    if out.exists() and not force:
        raise CardImportError(f"{out} exists; add --force to replace it (the same cards keep their ids, "
                              "so progress on them carries over)")
    problems = check_bank_text(text, catalog)
    if problems:
        raise CardImportError(f"the imported bank would not validate ({len(problems)} problem(s), first: "
                              f"{problems[0]}); nothing was written")
    write_text(out, [text])
