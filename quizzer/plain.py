"""The line-oriented session: works piped, in a dumb terminal, and under test.

Input is read as bytes and decoded leniently, so odd bytes, control characters and huge lines
never crash a session. Each verdict is printed only after its review is committed.
"""

from __future__ import annotations

import re
import string
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO, TextIO

from quizzer.answer_history import previous_answer, previous_line
from quizzer.answers import case_lines
from quizzer.grading import Grade, grade, parse_truefalse
from quizzer.i18n import _
from quizzer.labels import CONFIDENCE_PROMPT, rating_name, type_name, verdict_text
from quizzer.leeches import leech_note
from quizzer.model import Library, Question
from quizzer.plaintext import to_text, width_for
from quizzer.records import ReviewRow
from quizzer.render import choice_lines, fmt_due, references
from quizzer.safetext import BIDI, CONTROL
from quizzer.session import MAX_RESPONSE_CHARS, Outcome, Session, Summary

if TYPE_CHECKING:
    from quizzer.ai_client import AISettings
    from quizzer.ai_grading import AIFeedback


class LineReader:
    """Reads one cleaned line at a time; None at end of input."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def read(self) -> str | None:
        raw = self.stream.readline(MAX_RESPONSE_CHARS * 4 + 1)
        if not raw:
            return None
        if not raw.endswith(b"\n"):  # an over-long line: drop the rest of it
            while True:
                more = self.stream.readline(65536)
                if not more or more.endswith(b"\n"):
                    break
        text = raw.decode("utf-8", errors="replace")
        return BIDI.sub("", CONTROL.sub("", text)).strip()[:MAX_RESPONSE_CHARS]

    def read_block(self, end: str = ".") -> str | None:
        """Lines as typed (indentation kept) up to a line that is exactly `end`, or the end of
        input; None when input ended before any line."""
        lines: list[str] = []
        size = 0
        while True:
            raw = self.stream.readline(MAX_RESPONSE_CHARS * 4 + 1)
            if not raw:
                return "\n".join(lines) if lines else None
            line = BIDI.sub("", CONTROL.sub("", raw.decode("utf-8", errors="replace"))).rstrip("\r\n")
            if line.strip() == end:
                return "\n".join(lines)
            size += len(line) + 1
            if size <= MAX_RESPONSE_CHARS:
                lines.append(line)


def pick_choices(text: str, shown: list[str], multi: bool) -> list[str] | None:
    """Letters (`A`, `a,c`, `AC`) or a choice's text; None when nothing could be read."""
    letters = string.ascii_uppercase[: len(shown)]
    compact = re.sub(r"[\s,;]+", "", text.upper())
    if compact and all(ch in letters for ch in compact) and (multi or len(compact) == 1):
        return [shown[letters.index(ch)] for ch in dict.fromkeys(compact)]
    if not multi and text:
        return [text]  # grading matches choice text (exact or fuzzy)
    return None


class PlainSession:
    def __init__(self, session: Session, library: Library, inp: BinaryIO, out: TextIO,
                 monotonic: Callable[[], float] = time.monotonic, ai: AISettings | None = None) -> None:
        self.s, self.library, self.reader, self.out = session, library, LineReader(inp), out
        self.ai = ai  # `--ai`: open answers are graded by the model too, before the self-rating
        self.monotonic = monotonic
        self.width = width_for(out)

    def say_md(self, markdown: str) -> None:
        """Bank Markdown as plain text wrapped to the width (no raw **, backticks or <https://...>)."""
        self.say(to_text(markdown, self.width))

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def ask_line(self, prompt: str = "> ") -> str | None:
        self.out.write(prompt)
        self.out.flush()
        return self.reader.read()

    def run(self) -> Summary:
        while (q := self.s.next()) is not None:
            answered = self.ask(q)
            if self.s.outcomes and self.s.outcomes[-1].new_leech and self.s.outcomes[-1].question.gid == q.gid:
                self.say(leech_note(q.gid, self.s.outcomes[-1].card.lapses))
                self.say()
            if not answered:
                self.say()
                self.say(_("(end of input: session saved)"))
                break
        summary = self.s.finish()
        self.print_summary(summary)
        return summary

    def show(self, q: Question) -> list[str]:
        where = _("again: missed earlier") if self.s.is_repeat(q) else f"{self.s.position}/{self.s.planned}"
        self.say(_("[{where}] {gid}  {type}  level {level}").format(where=where, gid=q.gid, type=type_name(q.type),
                                                                    level=q.level))
        self.say_md(q.prompt)
        shown = self.s.choices_for(q) if q.choices else []
        if shown:
            for line in choice_lines(shown):
                self.say(to_text(line.strip(), self.width - 5).replace("\n", "\n     ").join(("  ", "")))
            self.say(_("(letters, e.g. A,C)") if q.type == "multi" else _("(a letter)"))
        elif q.type == "truefalse":
            self.say(_("(true or false)"))
        elif q.type == "numeric":
            self.say(_("(a number, in {unit})").format(unit=q.unit) if q.unit else _("(a number)"))
        elif q.type == "open":
            self.say(_("(write your answer on one line, or press Enter to just reveal it)"))
        elif q.type == "code":
            if q.starter.strip():
                self.say(_("Starter code:"))
                self.say(q.starter.rstrip())
            self.say(_("(write the function {entry}; end your code with a line holding only '.')").format(
                entry=q.entry))
        return shown

    def ask(self, q: Question) -> bool:
        """Ask one question; False when input ended before it was answered. Input that names no choice or
        number is not graded: the reason is printed and the next line is read."""
        shown = self.show(q)
        started = self.monotonic()
        if q.type == "code":
            return self.ask_code(q, started)
        while True:
            line = self.ask_line()
            if line is None:
                return False
            duration = int((self.monotonic() - started) * 1000)
            if q.type == "open":
                return self.finish_open(q, line, duration, self.ask_confidence())
            result = grade(q, self.response(q, line, shown), duration)
            if result.verdict != "unreadable":
                break
            self.say(result.note)
        outcome = self.s.record(q, result, line, duration, confidence=self.ask_confidence())
        self.say(verdict_text(result.verdict) + (f" {result.note}" if result.note else ""))
        self.say(_("Answer: {answer}").format(answer=q.answer_text()))
        self.explain(q)
        self.say_rated(outcome)
        return True

    @staticmethod
    def response(q: Question, line: str, shown: list[str]) -> str | bool | list[str]:
        """What a typed line means for the question's type (letters name the choices as shown)."""
        if q.type in ("mcq", "multi"):
            picked = pick_choices(line, shown, q.type == "multi")
            if picked is None:
                return "" if q.type == "mcq" else [line]
            return picked[0] if q.type == "mcq" else picked
        if q.type == "truefalse":
            tf = parse_truefalse(line)
            return tf if tf is not None else line
        return line

    def ask_code(self, q: Question, started: float) -> bool:
        self.out.write("> ")
        self.out.flush()
        code = self.reader.read_block()
        if code is None:
            return False
        duration = int((self.monotonic() - started) * 1000)
        confidence = self.ask_confidence()
        self.say(_("(running your code against the cases ...)"))
        result = grade(q, code, duration)
        previous = previous_answer(self.s.store, q.gid)
        outcome = self.s.record(q, result, code, duration, confidence=confidence)
        self.say(verdict_text(result.verdict) + (f" {result.note}" if result.note else ""))
        if result.run is not None:
            self.say("\n".join(f"  {line}" for line in case_lines(q, result.run)))
            if result.run.output.strip():
                self.say(_("Your code printed:"))
                self.say(result.run.output[:2000].rstrip())
        self.say(_("Reference solution:"))
        self.say(str(q.answer).rstrip())
        self.say_previous(previous)
        self.explain(q)
        self.say_rated(outcome)
        return True

    def finish_open(self, q: Question, line: str, duration: int, confidence: int | None = None) -> bool:
        proposal = grade(q, line, duration)
        self.say(_("Model answer:"))
        self.say_md(str(q.answer))
        self.say_previous(previous_answer(self.s.store, q.gid))
        if q.key_points:
            self.say(_("Key points (x = your answer seems to cover it):") if line else _("Key points:"))
            marks = proposal.covered or tuple(False for _ in q.key_points)
            for point, hit in zip(q.key_points, marks, strict=False):
                self.say(f"  [{'x' if hit and line else ' '}] {point}")
            if line and proposal.note:
                self.say(proposal.note)
        self.explain(q)
        ai = self.ai_feedback(q, line)
        # a blank answer proposes Again, like a miss; a model's grading proposes its rating
        suggested = ai.grade.rating if ai is not None and ai.grade is not None else proposal.rating
        while True:
            rating_line = self.ask_line(
                _("Rate yourself 1-4 (1 again, 2 hard, 3 good, 4 easy; proposed {n}): ").format(n=suggested))
            if rating_line is None:
                return False
            if rating_line in ("1", "2", "3", "4"):
                break
            self.say(_("Type 1, 2, 3 or 4."))
        rating = int(rating_line)
        result: Grade = grade(q, line, duration, self_rating=rating)
        outcome = self.s.record(q, result, line, duration, rating, confidence)
        if ai is not None:
            from quizzer.ai_store import keep_feedback

            keep_feedback(self.s.store, self.s.id, q.gid, ai, self.s.clock())
        self.say_rated(outcome)
        return True

    def say_rated(self, outcome: Outcome) -> None:
        self.say(_("Rated {rating} ({n}); next review {when}.").format(
            rating=rating_name(outcome.rating), n=outcome.rating, when=fmt_due(outcome.card.due, self.s.clock())))
        self.say()

    def ai_feedback(self, q: Question, line: str) -> AIFeedback | None:
        """With `--ai`, the model's grading of an answer (or the one line why there is none)."""
        import asyncio

        from quizzer.ai_grading import AI_GRADED_TYPES, ask_grade, feedback_lines

        if self.ai is None or not line or q.type not in AI_GRADED_TYPES:
            return None
        self.say(_("(asking {model} to grade your answer ...)").format(model=self.ai.model))
        feedback: AIFeedback = asyncio.run(ask_grade(self.ai, q, line, self.s.lang))
        for text in feedback_lines(feedback, q):
            self.say(text)
        return feedback

    def ask_confidence(self) -> int | None:
        """How sure the user is, before the answer is checked (when the session asks); None at the
        end of input, so that the answer given is still recorded."""
        while self.s.asks_confidence:
            line = self.ask_line(_(CONFIDENCE_PROMPT) + ": ")
            if line is None or line in ("1", "2", "3"):
                return int(line) if line else None
            self.say(_("Type 1, 2 or 3."))
        return None

    def say_previous(self, previous: ReviewRow | None) -> None:
        if previous is not None:
            self.say(previous_line(previous))
            self.say(previous.response.rstrip())

    def explain(self, q: Question) -> None:
        self.say(_("Why:"))
        self.say_md(q.explanation)
        self.say(_("Read more:"))
        self.say("\n".join(references(self.library, q)))

    def print_summary(self, summary: Summary) -> None:
        if not summary.answered:
            self.say(_("Nothing answered.") if self.s.asked else _("Nothing to study right now."))
        else:
            m, s = divmod(int(summary.seconds), 60)
            self.say(_("Session over: {correct}/{answered} correct ({score:.0%}) in {time}.").format(
                correct=summary.correct, answered=summary.answered, score=summary.score, time=f"{m}m{s:02d}s"))
            for cat, (n, ok) in summary.per_category.items():
                self.say(f"  {cat:<14} {ok}/{n}")
            if summary.weakest_tags:
                self.say(_("Weakest topics: ") + ", ".join(f"{t} ({ok}/{n})" for t, n, ok in summary.weakest_tags))
        line = _("Due by the end of tomorrow: {n}.").format(n=summary.due_tomorrow)
        if summary.next_due:
            line += " " + _("Next review {when}.").format(when=fmt_due(summary.next_due, self.s.clock()))
        self.say(line)
