"""Parametrised numeric questions: new numbers at every asking, the schedule kept per question.

A bank's `numeric` question may give `params` (each name's list of values) and a `formula` instead of
a fixed answer. Each asking draws one combination (seeded, so the same seed shows the same numbers),
fills the `{name}` and `{answer}` placeholders of its text and computes the answer with `formula`.
Questions without params pass through unchanged: braces in their text stay as written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from quizzer.errors import QuizzerError
from quizzer.formula import FUNCTIONS, Formula, FormulaError, compile_formula
from quizzer.i18n import N_, _, in_language
from quizzer.model import ParamValue, Question
from quizzer.numbers import answer_number, parse_number, value_text
from quizzer.safetext import one_line as safe_text

if TYPE_CHECKING:
    from quizzer.problems import KeyPath
    from quizzer.schema import Checker

PARAM_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,31}$")
# `{name}` (thousands separated: 32,768) or `{name:plain}` (as written: 4096, for shapes such as 4096×11008).
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]*))?\}")
PLAIN = "plain"
MAX_PARAMS = 8
MAX_VALUES = 50
MAX_VALUE = 1e15
MAX_CHECKED = 2_000  # combinations evaluated when a bank is validated; past that, a fixed sample
TEXT_FIELDS = ("prompt", "explanation")
Values = Mapping[str, ParamValue]


def formula_of(q: Question) -> Formula:
    return compile_formula(q.formula, frozenset(name for name, _values in q.params))


def first_values(q: Question) -> dict[str, ParamValue]:
    """The example combination: each param's first value."""
    return {name: values[0] for name, values in q.params}


def draw(q: Question, seed: str) -> dict[str, ParamValue]:
    """One combination of `q`'s params, the same for the same seed (a replay or an undo shows the
    same numbers). Each param is drawn on its own, uniformly from its values."""
    rng = random.Random(hashlib.sha256(f"{q.gid}\n{seed}".encode()).digest())
    return {name: rng.choice(values) for name, values in q.params}


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `{name}` or `{name:plain}` of `values` replaced (`values` holds both forms, the
    plain one under `name:plain`); other braces are left as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(0)[1:-1], m.group(0)), text)


def placeholders(text: str) -> set[str]:
    """The names `text` has placeholders for."""
    return {name for name, _spec in PLACEHOLDER.findall(text)}


def with_values(q: Question, values: Values) -> Question:
    """`q` asked with `values`: text filled in (both languages), the answer computed, `drawn` set.
    A question without params comes back as it is."""
    if not q.params:
        return q
    answer = formula_of(q).evaluate(values)
    texts = {name: value_text(v) for name, v in values.items()}
    texts["answer"] = answer_number(answer, q.tolerance)
    texts |= {f"{name}:{PLAIN}": text.replace(",", "") for name, text in texts.items()}
    zh = tuple((k, fill(v, texts) if isinstance(v, str) else v) for k, v in q.zh)
    return dataclasses.replace(q, prompt=fill(q.prompt, texts), explanation=fill(q.explanation, texts), zh=zh,
                               answer=answer, drawn=tuple((name, values[name]) for name, _values in q.params))


def chosen(q: Question, assignments: Sequence[str]) -> Question:
    """`q` with the first values except where `name=value` assignments (typed by a user) say otherwise;
    QuizzerError for a question without params, an unknown name, a value that is not a number or values
    the formula cannot take."""
    if not assignments:
        return example(q)
    if not q.params:
        raise QuizzerError(f"{q.gid} has no params: it always asks the same numbers")
    values = first_values(q)
    for text in assignments:
        name, _, raw = text.partition("=")
        name = name.strip()
        if name not in values:
            raise QuizzerError(f"'{safe_text(name)}' is not a param of {q.gid} (its params: {', '.join(values)})")
        reading = parse_number(raw)
        if reading is None or reading[1]:
            raise QuizzerError(f"the value of {name} must be a number, not '{safe_text(raw.strip())}'")
        number = reading[0]
        values[name] = int(number) if number.is_integer() and abs(number) < 1e15 else number
    try:
        return with_values(q, values)
    except FormulaError as exc:
        raise QuizzerError(f"{q.gid} cannot be asked with those values: {exc}") from None


def example(q: Question) -> Question:
    """`q` with the first values, as `show`, Browse and the export print it."""
    return with_values(q, first_values(q)) if q.params else q


EXAMPLE_NOTE = N_("The numbers vary: each review draws new values of {names}; shown here with the first ones.")


def example_note(q: Question, lang: str | None = None) -> str:
    """What `show` and the export say under a parametrised question's example ('' for any other): in the
    interface's language, or in `lang` for a file written in a language of its own."""
    if not q.params:
        return ""
    varied = [name for name, values in q.params if len(values) > 1] or [name for name, _values in q.params]
    note = _(EXAMPLE_NOTE) if lang is None else in_language(lang, EXAMPLE_NOTE)
    return note.format(names=", ".join(varied))


def combinations(q: Question, limit: int = MAX_CHECKED) -> Iterator[dict[str, ParamValue]]:
    """Every combination of `q`'s params, or, past `limit`, a fixed sample: the first and last values,
    each value of each param beside the others' first, then random ones from a seed of the id."""
    names = [name for name, _values in q.params]
    lists = [values for _, values in q.params]
    if math.prod(len(v) for v in lists) <= limit:
        for combo in itertools.product(*lists):
            yield dict(zip(names, combo, strict=True))
        return
    yield {n: v[0] for n, v in q.params}
    yield {n: v[-1] for n, v in q.params}
    for i, (name, values) in enumerate(q.params):
        for value in values:
            yield {**{n: v[0] for n, v in q.params[:i]}, name: value, **{n: v[0] for n, v in q.params[i + 1:]}}
    rng = random.Random(q.gid)
    for _sample in range(limit - 2 - sum(len(v) for v in lists)):
        yield {n: rng.choice(v) for n, v in q.params}


# ---- validation (called by the schema with its Checker) ---------------------------------------

def check_parametrised(c: Checker, p: KeyPath, item: dict[Any, Any], category: str, tolerance: float,
                       ) -> dict[str, Any]:
    """Check `params`, `formula` and the placeholders of a numeric question's text; return the
    Question fields they become (the answer being the first values' answer)."""
    if "answer" in item:
        c.add((*p, "answer"), "a question with params computes its answer from 'formula': remove 'answer'",
              key=True)
    for needed in ("params", "formula"):
        if needed not in item:
            c.add(p, f"a numeric question with {'formula' if needed == 'params' else 'params'} also needs '{needed}'")
    if "params" not in item or "formula" not in item:
        return {}
    params = _params(c, (*p, "params"), item["params"])
    text = c.text((*p, "formula"), item["formula"], "formula")
    if params is None or text is None:
        return {}
    names = frozenset(name for name, _values in params)
    try:
        formula = compile_formula(text, names)
    except FormulaError as exc:
        c.add((*p, "formula"), f"formula: {exc}", offset=exc.offset)
        return {}
    for name in sorted(names - formula.names):
        c.add((*p, "params", name), f"param '{name}' is not used by the formula", key=True)
    qid = item.get("id")
    template = Question(category=category, id=qid if isinstance(qid, str) else "", type="numeric", level=1,
                        prompt="", answer=0.0, explanation="", refs=(), params=params, formula=text)
    for values in combinations(template):
        try:
            result = formula.evaluate(values)
        except FormulaError as exc:
            c.add((*p, "formula"), f"formula fails with {_shown(values)}: {exc}", offset=exc.offset)
            return {}
        if not result > 0:
            c.add((*p, "formula"), f"formula gives {result:g} with {_shown(values)}: answers must be positive",
                  offset=0)
            return {}
    _check_placeholders(c, p, item, names)
    return {"params": params, "formula": text, "answer": formula.evaluate(first_values(template)),
            "tolerance": tolerance}


def _shown(values: Values) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in values.items())


def _params(c: Checker, p: KeyPath, raw: Any) -> tuple[tuple[str, tuple[ParamValue, ...]], ...] | None:
    if not isinstance(raw, dict) or not raw:
        c.add(p, "params must map each name to a list of values, e.g. layers: [32, 80]")
        return None
    if len(raw) > MAX_PARAMS:
        c.add(p, f"at most {MAX_PARAMS} params")
        return None
    out: list[tuple[str, tuple[ParamValue, ...]]] = []
    for name, values in raw.items():
        if not isinstance(name, str) or not PARAM_NAME.match(name) or name == "answer" or name in FUNCTIONS:
            c.add((*p, str(name)), f"param name {str(name)!r} must be a lowercase identifier (a-z, 0-9, _) and not "
                  "'answer' or a function's name", key=True)
            continue
        vp = (*p, name)
        if not isinstance(values, list) or not 1 <= len(values) <= MAX_VALUES:
            c.add(vp, f"param '{name}' needs a list of 1 to {MAX_VALUES} numbers")
            continue
        bad = next((i for i, v in enumerate(values) if isinstance(v, bool) or not isinstance(v, int | float)
                    or not math.isfinite(v) or abs(v) > MAX_VALUE), None)
        if bad is not None:
            c.add((*vp, bad), f"param '{name}': {values[bad]!r} is not a number up to {MAX_VALUE:.0e}")
            continue
        if len(set(values)) != len(values):
            c.add(vp, f"param '{name}' lists a value twice")
            continue
        out.append((name, tuple(values)))
    return tuple(out) if len(out) == len(raw) else None


def _check_placeholders(c: Checker, p: KeyPath, item: dict[Any, Any], names: frozenset[str]) -> None:
    """Each param must appear in the prompt (in each language), the answer must not, and every
    `{identifier}` must name a param or `answer` (a typo would otherwise be shown as it is), plain or
    `:plain`."""
    zh = item.get("zh") if isinstance(item.get("zh"), dict) else {}
    for where, block, fp in (("", item, p), ("zh ", zh, (*p, "zh"))):
        for key in TEXT_FIELDS:
            text = block.get(key) if isinstance(block, dict) else None
            if not isinstance(text, str):
                continue
            found = PLACEHOLDER.findall(text)
            used = {name for name, _spec in found}
            for unknown in sorted(used - names - {"answer"}):
                c.add((*fp, key), f"{where}{key} has a placeholder {{{unknown}}} that is not a param")
            for name, spec in sorted({(n, s) for n, s in found if s and s != PLAIN}):
                c.add((*fp, key), f"{where}{key}: {{{name}:{spec}}} has an unknown format (only {{{name}:{PLAIN}}})")
            if key == "prompt":
                if "answer" in used:
                    c.add((*fp, key), f"{where}prompt must not give away {{answer}}")
                for missing in sorted(names - used):
                    c.add((*fp, key), f"{where}prompt does not show param '{missing}': add {{{missing}}}")
