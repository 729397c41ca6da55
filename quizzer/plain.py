"""The line-oriented session: works piped, in a dumb terminal, and under test.

Input is read as bytes and decoded leniently, so odd bytes, control characters and huge lines
never crash a session. Each verdict is printed only after its review is committed.
"""

from __future__ import annotations

import re
import string
import time
from collections.abc import Callable
from typing import BinaryIO, TextIO

from quizzer.answers import case_lines
from quizzer.grading import Grade, grade, parse_truefalse
from quizzer.labels import RATINGS, VERDICTS
from quizzer.model import Library, Question
from quizzer.plaintext import to_text, width_for
from quizzer.render import choice_lines, fmt_due, references
from quizzer.safetext import BIDI, CONTROL
from quizzer.session import MAX_RESPONSE_CHARS, Session, Summary


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
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.s, self.library, self.reader, self.out = session, library, LineReader(inp), out
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
            if not self.ask(q):
                self.say()
                self.say("(end of input: session saved)")
                break
        summary = self.s.finish()
        self.print_summary(summary)
        return summary

    def show(self, q: Question) -> list[str]:
        where = "again: missed earlier" if self.s.is_repeat(q) else f"{self.s.position}/{self.s.planned}"
        self.say(f"[{where}] {q.gid}  {q.type}  level {q.level}")
        self.say_md(q.prompt)
        shown = self.s.choices_for(q) if q.choices else []
        if shown:
            for line in choice_lines(shown):
                self.say(to_text(line.strip(), self.width - 5).replace("\n", "\n     ").join(("  ", "")))
            self.say("(letters, e.g. A,C)" if q.type == "multi" else "(a letter)")
        elif q.type == "truefalse":
            self.say("(true or false)")
        elif q.type == "numeric":
            self.say(f"(a number{', in ' + q.unit if q.unit else ''})")
        elif q.type == "open":
            self.say("(write your answer on one line, or press Enter to just reveal it)")
        elif q.type == "code":
            if q.starter.strip():
                self.say("Starter code:")
                self.say(q.starter.rstrip())
            self.say(f"(write the function {q.entry}; end your code with a line holding only '.')")
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
                return self.finish_open(q, line, duration)
            result = grade(q, self.response(q, line, shown), duration)
            if result.verdict != "unreadable":
                break
            self.say(result.note)
        outcome = self.s.record(q, result, line, duration)
        self.say(VERDICTS[result.verdict] + (f" {result.note}" if result.note else ""))
        self.say(f"Answer: {q.answer_text()}")
        self.explain(q)
        self.say(f"Rated {RATINGS[outcome.rating]} ({outcome.rating}); next review "
                 f"{fmt_due(outcome.card.due, self.s.clock())}.")
        self.say()
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
        self.say("(running your code against the cases ...)")
        result = grade(q, code, duration)
        outcome = self.s.record(q, result, code, duration)
        self.say(VERDICTS[result.verdict] + (f" {result.note}" if result.note else ""))
        if result.run is not None:
            self.say("\n".join(f"  {line}" for line in case_lines(q, result.run)))
            if result.run.output.strip():
                self.say("Your code printed:")
                self.say(result.run.output[:2000].rstrip())
        self.say("Reference solution:")
        self.say(str(q.answer).rstrip())
        self.explain(q)
        self.say(f"Rated {RATINGS[outcome.rating]} ({outcome.rating}); next review "
                 f"{fmt_due(outcome.card.due, self.s.clock())}.")
        self.say()
        return True

    def finish_open(self, q: Question, line: str, duration: int) -> bool:
        proposal = grade(q, line, duration)
        self.say("Model answer:")
        self.say_md(str(q.answer))
        if q.key_points:
            self.say("Key points" + (" (x = your answer seems to cover it):" if line else ":"))
            marks = proposal.covered or tuple(False for _ in q.key_points)
            for point, hit in zip(q.key_points, marks, strict=False):
                self.say(f"  [{'x' if hit and line else ' '}] {point}")
        self.explain(q)
        suggested = proposal.rating  # a blank answer proposes Again, like a miss
        while True:
            rating_line = self.ask_line(f"Rate yourself 1-4 (1 again, 2 hard, 3 good, 4 easy; proposed {suggested}): ")
            if rating_line is None:
                return False
            if rating_line in ("1", "2", "3", "4"):
                break
            self.say("Type 1, 2, 3 or 4.")
        rating = int(rating_line)
        result: Grade = grade(q, line, duration, self_rating=rating)
        outcome = self.s.record(q, result, line, duration, rating)
        self.say(f"Rated {RATINGS[outcome.rating]} ({outcome.rating}); next review "
                 f"{fmt_due(outcome.card.due, self.s.clock())}.")
        self.say()
        return True

    def explain(self, q: Question) -> None:
        self.say("Why:")
        self.say_md(q.explanation)
        self.say("Read more:")
        self.say("\n".join(references(self.library, q)))

    def print_summary(self, summary: Summary) -> None:
        if not summary.answered:
            self.say("Nothing answered." if self.s.asked else "Nothing to study right now.")
        else:
            m, s = divmod(int(summary.seconds), 60)
            self.say(f"Session over: {summary.correct}/{summary.answered} correct ({summary.score:.0%})"
                     f" in {m}m{s:02d}s.")
            for cat, (n, ok) in summary.per_category.items():
                self.say(f"  {cat:<14} {ok}/{n}")
            if summary.weakest_tags:
                self.say("Weakest topics: " + ", ".join(f"{t} ({ok}/{n})" for t, n, ok in summary.weakest_tags))
        line = f"Due by the end of tomorrow: {summary.due_tomorrow}."
        if summary.next_due:
            line += f" Next review {fmt_due(summary.next_due, self.s.clock())}."
        self.say(line)
