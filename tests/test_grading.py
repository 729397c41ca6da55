"""Grading: table tests for every question type, the typo threshold, units, ratings and open coverage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.grading import QUICK_MS, THRESHOLD, Grade, grade, normalise, parse_truefalse
from quizzer.model import Question

CHOICES = ("Prefill is compute-bound", "Decode is memory-bandwidth-bound", "KV cache grows with batch size",
           "Decode is compute-bound at batch size 1")
KV_POINTS = (
    "keys and values of past tokens",
    "kept per layer (and per KV head)",
    "avoids recomputing the prefix at every step",
    "memory grows linearly with sequence length and batch",
)


def q(type: str, answer: Any, **fields: Any) -> Question:
    return Question(category="inference", id="x", type=type, level=1, prompt="?", answer=answer,
                    explanation="because", refs=("kv-cache",), **fields)


def check(g: Grade, verdict: str, correct: bool, rating: int, score: float | None = None) -> None:
    assert (g.verdict, g.correct, g.rating) == (verdict, correct, rating), g
    if score is not None:
        assert g.score == pytest.approx(score)


# ---------------------------------------------------------------- short answers

PAGED = {"accept": ("paged attention",)}
SHORT = [
    # (answer, extra fields, typed, verdict)
    ("PagedAttention", PAGED, "PagedAttention", "correct"),
    ("PagedAttention", PAGED, "pagedattention", "correct"),
    ("PagedAttention", PAGED, "paged attention", "correct"),
    ("PagedAttention", PAGED, "Paged-Attention", "correct"),
    ("PagedAttention", PAGED, "  PAGED   ATTENTION. ", "correct"),
    ("PagedAttention", {}, "ＰａｇｅｄＡｔｔｅｎｔｉｏｎ", "correct"),  # full-width letters (NFKC)
    ("Mixture of Experts", {"accept": ("MoE",)}, "moe", "correct"),
    ("Mixture of Experts", {}, "mixture of experts", "correct"),
    ("KV cache", {}, "KV caches", "correct"),  # the plural of the whole answer
    ("FlashAttention-2", {}, "flash attention 2", "correct"),
    # true typos: accepted, verdict "typo"
    ("PagedAttention", PAGED, "PagedAtention", "typo"),
    ("PagedAttention", PAGED, "PagedAttnetion", "typo"),
    ("PagedAttention", PAGED, "paged atention", "typo"),
    ("quantization", {}, "quantisation", "correct"),  # the glossary lists the British spelling
    ("Chinchilla", {}, "Chinchila", "typo"),
    ("Transformer", {}, "Transfomer", "typo"),
    ("speculative decoding", {}, "speculative decodng", "typo"),
    ("continuous batching", {}, "continous batching", "typo"),
    ("Falcon", {}, "Falcn", "typo"),  # 90.9: the smallest true typo the threshold keeps
    ("Perplexity", {}, "Perplexty", "typo"),
    ("RoPE scaling", {}, "RoPE scalling", "typo"),
    ("Mixture of Experts", {}, "Mixture of Expert", "typo"),  # dropping a plural is only a typo
    # two neighbouring letters swapped: a slip even in short words
    ("C-Eval Hard", {}, "C-Eval Hrad", "typo"),
    ("Hard", {}, "Hrad", "typo"),
    ("BLEU", {}, "BLUE", "typo"),
    ("KV cache", {}, "VK cache", "typo"),
    # different terms: wrong even when the strings are close
    ("FlashAttention-2", {}, "FlashAttention-3", "wrong"),  # ratio 93, digits differ
    ("FlashAttention-2", {}, "FlashAttention", "wrong"),
    ("LLaMA 2", {}, "LLaMA 3", "wrong"),
    ("INT4", {}, "INT8", "wrong"),
    ("GQA", {}, "MQA", "wrong"),
    ("top-k sampling", {}, "top-p sampling", "wrong"),  # ratio 91.7: the short word decides
    ("top-k sampling", {}, "topp sampling", "wrong"),
    ("KV cache", {}, "KB cache", "wrong"),
    ("Mistral", {}, "Mixtral", "wrong"),  # 85.7
    ("AdamW", {}, "Adam", "wrong"),  # 88.9: why the threshold is not 88
    ("Megatron-LM", {}, "Megatron", "wrong"),  # 88.9
    ("LoRA", {}, "QLoRA", "wrong"),
    ("decoder", {}, "encoder", "wrong"),
    ("pre-training quantization", {}, "post-training quantization", "wrong"),  # 89.4
    ("ROUGE-1", {}, "ROUGE-L", "wrong"),
    ("speculative decoding", {}, "speculative sampling", "wrong"),
    ("prompt tuning", {}, "prefix tuning", "wrong"),
    # a minus sign is part of a number; a hyphen inside a term is not
    ("-100", {}, "-100", "correct"),
    ("-100", {}, "−100", "correct"),  # the Unicode minus sign
    ("-100", {}, "- 100", "correct"),
    ("-100", {}, "100", "wrong"),
    ("100", {}, "-100", "wrong"),
    ("top-5 accuracy", {}, "top 5 accuracy", "correct"),
    ("x86-64", {}, "x86 64", "correct"),
    # nothing typed: asked again, nothing recorded
    ("PagedAttention", PAGED, "", "unreadable"),
    ("PagedAttention", PAGED, "   \t ", "unreadable"),
    ("PagedAttention", PAGED, "---", "unreadable"),
]


@pytest.mark.parametrize(("answer", "fields", "typed", "verdict"), SHORT, ids=[f"{r[0]}|{r[2]}" for r in SHORT])
def test_short(answer: str, fields: dict[str, Any], typed: str, verdict: str) -> None:
    g = grade(q("short", answer, **fields), typed)
    rating = {"correct": 3, "typo": 2, "wrong": 1, "unreadable": 1}[verdict]
    check(g, verdict, verdict in ("correct", "typo"), rating, 1.0 if verdict in ("correct", "typo") else 0.0)
    if verdict == "typo":
        assert g.note.startswith("Accepted with a typo: the expected spelling is '")


def test_typo_note_names_the_expected_spelling() -> None:
    g = grade(q("short", "PagedAttention", accept=("paged attention",)), "PagedAtention")
    assert g.note == "Accepted with a typo: the expected spelling is 'PagedAttention'."


def test_empty_short_answer_says_so() -> None:
    assert grade(q("short", "PagedAttention"), "").note == "Type a term or phrase."


def test_threshold_is_tuned() -> None:
    assert THRESHOLD == 90


# ---------------------------------------------------------------- mcq

MCQ = [
    ("Decode is memory-bandwidth-bound", "correct", ""),
    ("decode is memory bandwidth bound", "correct", ""),
    ("Decode is memory-bandwith-bound", "correct", ""),  # a typo still names the choice
    ("Prefill is compute-bound", "wrong", ""),
    ("Decode is compute-bound at batch size 2", "unreadable", "does not match any choice"),  # digits differ
    ("something else", "unreadable", "Answer with a letter A-D or a choice's text."),
    ("", "unreadable", "No choice was picked."),
]


@pytest.mark.parametrize(("typed", "verdict", "note"), MCQ)
def test_mcq(typed: str, verdict: str, note: str) -> None:
    g = grade(q("mcq", "Decode is memory-bandwidth-bound", choices=CHOICES), typed)
    check(g, verdict, verdict == "correct", 3 if verdict == "correct" else 1)
    assert note in g.note


def test_mcq_text_close_to_two_choices_is_ambiguous() -> None:
    question = q("mcq", "Memory bandwidth bound", choices=("Memory bandwidth bound", "Memory bandwidth bounded"))
    assert grade(question, "memory bandwidth bound").verdict == "correct"
    g = grade(question, "Memory bandwith bound")
    check(g, "unreadable", False, 1)
    assert "more than one choice" in g.note


# ---------------------------------------------------------------- multi

RIGHT = ("Prefill is compute-bound", "Decode is memory-bandwidth-bound", "KV cache grows with batch size")
WRONG = "Decode is compute-bound at batch size 1"
MULTI: list[tuple[Sequence[str] | str, str, float]] = [
    (RIGHT, "correct", 1.0),
    (tuple(reversed(RIGHT)), "correct", 1.0),
    ([c.lower() for c in RIGHT], "correct", 1.0),
    ((*RIGHT, RIGHT[0]), "correct", 1.0),  # a pick repeated counts once
    (RIGHT[:2], "partial", 2 / 3),
    (RIGHT[:1], "partial", 1 / 3),
    ((*RIGHT, WRONG), "partial", 2 / 3),
    ((*RIGHT[:2], WRONG), "partial", 1 / 3),
    ((RIGHT[0], WRONG), "wrong", 0.0),
    ((WRONG,), "wrong", 0.0),
    ((*RIGHT, "not a choice"), "unreadable", 0.0),  # a pick that names no choice: asked again
    ((), "unreadable", 0.0),
    ("; ".join(RIGHT), "correct", 1.0),  # a string: picks separated by semicolons
]


@pytest.mark.parametrize(("picks", "verdict", "score"), MULTI)
def test_multi_partial_credit(picks: Sequence[str] | str, verdict: str, score: float) -> None:
    g = grade(q("multi", RIGHT, choices=CHOICES), picks)
    check(g, verdict, verdict == "correct", {"correct": 3, "partial": 2, "wrong": 1, "unreadable": 1}[verdict], score)


def test_multi_partial_note_counts_picks() -> None:
    g = grade(q("multi", RIGHT, choices=CHOICES), (*RIGHT[:2], WRONG))
    assert g.note == "2 of 3 correct choices picked, 1 wrong."


# ---------------------------------------------------------------- true/false

TF: list[tuple[bool, str | bool, str]] = [
    (True, True, "correct"), (True, False, "wrong"), (False, False, "correct"),
    (True, "true", "correct"), (True, "TRUE", "correct"), (True, "Yes", "correct"), (True, "y", "correct"),
    (True, "t", "correct"), (True, " True. ", "correct"), (False, "false", "correct"), (False, "NO", "correct"),
    (False, "n", "correct"), (False, "F", "correct"), (True, "no", "wrong"),
    (True, "maybe", "unreadable"), (True, "", "unreadable"), (True, "yes!!", "correct"),
    (True, "1", "unreadable"),
]


@pytest.mark.parametrize(("answer", "typed", "verdict"), TF)
def test_truefalse(answer: bool, typed: str | bool, verdict: str) -> None:
    check(grade(q("truefalse", answer), typed), verdict, verdict == "correct", 3 if verdict == "correct" else 1)


def test_truefalse_unreadable_says_so() -> None:
    assert grade(q("truefalse", True), "maybe").note == \
        "Could not read 'maybe' as true or false; answer true or false (t/f, yes/no)."


@pytest.mark.parametrize(("text", "value"), [("true", True), ("Y", True), ("yes", True), ("F", False),
                                             ("No", False), ("nope", None), ("", None), ("truee", None)])
def test_parse_truefalse(text: str, value: bool | None) -> None:
    assert parse_truefalse(text) is value


@pytest.mark.parametrize(("text", "expected"), [("Paged-Attention!", "pagedattention"), ("  A\tB\n C ", "a b c"),
                                                ("ＧＱＡ", "gqa"), ("Straße", "strasse"), ("x\x00y", "x y")])
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# ---------------------------------------------------------------- numeric

NUMERIC: list[tuple[float, str | None, float, str, str, str]] = [
    # (answer, unit, tolerance, typed, verdict, note fragment)
    (38.15, "GiB", 0.02, "38.15", "correct", ""),
    (38.15, "GiB", 0.02, "38", "correct", ""),
    (38.15, "GiB", 0.02, "38.9", "correct", ""),  # +2.0%
    (38.15, "GiB", 0.02, "39.5", "wrong", ""),  # +3.5%: no telltale factor
    (128.0, "KiB", 0.02, "131", "wrong", "KB (1000 bytes) and KiB (1024 bytes)"),
    (38.15, "GiB", 0.02, "~38.1 GiB", "correct", ""),
    (38.15, "GiB", 0.02, "40.96 GB", "correct", "Converted 40.96 GB to 38.1 GiB."),
    (38.15, "GiB", 0.02, "40.96", "wrong", "GB (10^9 bytes) and GiB (2^30 bytes)"),
    (38.15, "GiB", 0.02, "38.15 ms", "wrong", "Units clash: you wrote ms, the answer is in GiB."),
    (9.6, "GB", 0.02, "8.94 GiB", "correct", "Converted"),
    (9.6, "GB", 0.02, "9600", "wrong", "factor of 1000"),
    (9.6, "GB", 0.02, "9.6e9 bytes", "correct", "Converted"),
    (128.0, "KiB", 0.02, "131072 B", "correct", "Converted"),
    (128.0, "KiB", 0.02, "131.072", "wrong", "KiB"),
    (3.2, "ms", 0.05, "3200 us", "correct", "Converted"),
    (3.2, "ms", 0.05, "3.2 s", "wrong", "factor of 1000"),
    (7e9, "parameters", 0.02, "7B", "correct", ""),
    (7e9, "parameters", 0.02, "7B parameters", "correct", ""),
    (7e9, "parameters", 0.02, "7 billion params", "correct", ""),
    (7e9, "parameters", 0.02, "7000000000", "correct", ""),
    (7e9, "parameters", 0.02, "7", "wrong", "factor of a billion"),
    (7e9, "parameters", 0.02, "7 GB", "wrong", "Units clash"),
    (2500.0, "tokens/s", 0.02, "2.5k tokens/s", "correct", ""),
    (2500.0, "tokens/s", 0.02, "2.5k", "correct", ""),
    (1.4e21, "FLOPs", 0.05, "1.4e21 FLOPs", "correct", ""),
    (1.4e21, "FLOPs", 0.05, "1.4 x 10^21", "correct", ""),
    (24.15, "%", 0.02, "24.15%", "correct", ""),
    (24.15, "%", 0.02, "24", "correct", ""),
    (24.15, "%", 0.02, "0.2415", "wrong", "a fraction and a percentage"),
    (0.506, None, 0.02, "0.506", "correct", ""),
    (0.506, None, 0.02, "50.6%", "correct", "Read 50.6% as 0.506."),
    (0.506, None, 0.02, "50.6", "wrong", "a fraction and a percentage"),
    (24000.0, "chunks", 0.02, "24,000", "correct", ""),
    (24000.0, "chunks", 0.02, "24 000 chunks", "correct", ""),
    (-3.0, None, 0.02, "-3", "correct", ""),
    (-3.0, None, 0.02, "3", "wrong", ""),
    (0.0, None, 0.02, "0.01", "correct", ""),  # answer 0: the tolerance is absolute
    (0.0, None, 0.02, "0.03", "wrong", ""),
    (14.0, None, 0.02, "≈ 14", "correct", ""),
    (14.0, None, 0.02, "fourteen", "unreadable", "Could not read a number from 'fourteen'."),
    (14.0, None, 0.02, "", "unreadable", "Could not read a number"),
]


@pytest.mark.parametrize(("answer", "unit", "tol", "typed", "verdict", "note"), NUMERIC,
                         ids=[f"{r[0]}{r[1] or ''}|{r[3]}" for r in NUMERIC])
def test_numeric(answer: float, unit: str | None, tol: float, typed: str, verdict: str, note: str) -> None:
    g = grade(q("numeric", answer, unit=unit, tolerance=tol), typed)
    check(g, verdict, verdict == "correct", 3 if verdict == "correct" else 1)
    assert note in g.note
    if not note:
        assert g.note == ""


# ---------------------------------------------------------------- ratings: Easy vs Good

EASY_CASES: list[tuple[Question, str | bool | tuple[str, ...]]] = [
    (q("truefalse", True), True),
    (q("mcq", RIGHT[0], choices=CHOICES), RIGHT[0]),
    (q("short", "PagedAttention"), "PagedAttention"),
    (q("multi", RIGHT, choices=CHOICES), RIGHT),
    (q("numeric", 38.15, unit="GiB"), "38.15"),
]


@pytest.mark.parametrize(("question", "response"), EASY_CASES, ids=[c[0].type for c in EASY_CASES])
def test_easy_good_boundary(question: Question, response: str | bool | tuple[str, ...]) -> None:
    quick = QUICK_MS[question.type]
    assert grade(question, response, quick).rating == 4
    assert grade(question, response, quick - 1).rating == 4
    assert grade(question, response, quick + 1).rating == 3
    assert grade(question, response, None).rating == 3
    assert grade(question, response, -5).rating == 3  # a clock glitch is not evidence of speed


@pytest.mark.parametrize(("question", "response", "rating"), [
    (q("short", "PagedAttention"), "PagedAtention", 2),  # a typo is never Easy
    (q("multi", RIGHT, choices=CHOICES), RIGHT[:2], 2),  # nor is partial credit
    (q("truefalse", True), False, 1),
    (q("numeric", 38.15, unit="GiB"), "40.96", 1),
])
def test_quick_does_not_lift_typo_partial_or_wrong(question: Question, response: Any, rating: int) -> None:
    assert grade(question, response, 1).rating == rating


def test_quick_thresholds() -> None:
    assert QUICK_MS == {"truefalse": 6000, "mcq": 12000, "short": 15000, "multi": 20000, "numeric": 45000}


# ---------------------------------------------------------------- open answers

GOOD_ANSWER = ("The KV cache stores the key and value tensors of all previous tokens for each layer and KV head, "
               "so generation does not recompute the prefix at each step; its memory grows linearly with sequence "
               "length and batch size.")
OPEN = [
    # (typed, covered flags, score)
    (GOOD_ANSWER, (True, True, True, True), 1.0),
    ("It keeps keys and values for past tokens so we avoid recomputing the prefix every step.",
     (True, False, True, False), 0.5),
    ("Caches keys/values of earlier tokens, per layer and per kv head.", (True, True, False, False), 0.5),
    ("Its memory growth is linear in sequence length and batch.", (False, False, False, True), 0.25),
    ("Dropout randomly zeroes activations during training to regularise the network.",
     (False, False, False, False), 0.0),
    ("", (False, False, False, False), 0.0),
    ("the a of and per with", (False, False, False, False), 0.0),
]


@pytest.mark.parametrize(("typed", "covered", "score"), OPEN)
def test_open_coverage(typed: str, covered: tuple[bool, ...], score: float) -> None:
    g = grade(q("open", "model answer", key_points=KV_POINTS), typed)
    assert g.covered == covered
    assert g.score == pytest.approx(score)
    assert g.verdict == "self"
    assert g.note == f"Your answer seems to cover {sum(covered)} of 4 key points."


def test_open_fuzzy_word_forms() -> None:
    points = ("throughput saturates at large batch",)
    assert grade(q("open", "x", key_points=points), "throughput saturate for a large batch").covered == (True,)
    assert grade(q("open", "x", key_points=points), "latency drops for a small batch").covered == (False,)


@pytest.mark.parametrize(("typed", "self_rating", "rating", "correct"), [
    (GOOD_ANSWER, None, 4, True),  # every key point proposes Easy
    ("It holds keys and values of past tokens, kept per layer, so we avoid recomputing the prefix every step.",
     None, 3, True),  # 3 of 4 -> Good
    ("Caches keys/values of earlier tokens, per layer and per kv head.", None, 2, False),  # 0.5 -> Hard
    ("Its memory growth is linear in sequence length and batch.", None, 2, False),  # 0.25 -> Hard
    ("Dropout randomly zeroes activations during training.", None, 1, False),  # none -> Again
    ("KV cache, keys, values, per layer, prefix, memory, batch", None, 1, False),  # terms only -> Again
    ("", None, 1, False),
    (GOOD_ANSWER, 1, 1, False),  # the user's own rating wins
    (GOOD_ANSWER, 2, 2, False),
    ("", 3, 3, True),
    ("", 4, 4, True),
    (GOOD_ANSWER, 7, 4, True),  # an out-of-range self rating is ignored
    (GOOD_ANSWER, 0, 4, True),
])
def test_open_rating(typed: str, self_rating: int | None, rating: int, correct: bool) -> None:
    g = grade(q("open", "model answer", key_points=KV_POINTS), typed, 5000, self_rating=self_rating)
    assert (g.rating, g.correct, g.verdict) == (rating, correct, "self")


def test_open_without_key_points() -> None:
    g = grade(q("open", "model answer"), "anything", self_rating=3)
    assert (g.covered, g.score, g.rating, g.correct, g.note) == ((), 0.0, 3, True, "")


def test_graded_types_have_no_coverage() -> None:
    assert grade(q("short", "PagedAttention"), "PagedAttention").covered == ()


# ---------------------------------------------------------------- robustness

def test_unknown_type_and_malformed_questions_do_not_raise() -> None:
    check(grade(q("essay", "x"), "x"), "wrong", False, 1)
    check(grade(q("numeric", "lots"), "3"), "wrong", False, 1)
    check(grade(q("multi", (), choices=CHOICES), RIGHT), "wrong", False, 1)
    check(grade(q("truefalse", "true"), "yes"), "correct", True, 3)
    check(grade(q("mcq", "A", choices=()), "A"), "unreadable", False, 1)


@pytest.mark.parametrize("typed", ["\x00\x1b[31m", "𝔭𝔞𝔤𝔢𝔡", "\u200b\u200d", "é" * 20_000, "9" * 5000, "1e308 GB",
                                   "٣", "ﬁ", "\ud800", "-" * 1000])
def test_odd_input_never_raises(typed: str) -> None:
    for question in ALL_TYPES:
        g = grade(question, typed, 1000, self_rating=3)
        assert 0.0 <= g.score <= 1.0 and g.rating in (1, 2, 3, 4)


ALL_TYPES = [
    q("open", "model answer", key_points=KV_POINTS),
    q("mcq", RIGHT[0], choices=CHOICES),
    q("multi", RIGHT, choices=CHOICES),
    q("truefalse", False),
    q("short", "PagedAttention", accept=("paged attention",)),
    q("numeric", 38.15, unit="GiB"),
    q("numeric", 7e9, unit="parameters"),
    q("numeric", 0.0),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL_TYPES), st.one_of(st.text(max_size=400), st.booleans(), st.lists(st.text(max_size=60),
                                                                                              max_size=6)),
       st.one_of(st.none(), st.integers()), st.one_of(st.none(), st.integers(min_value=-2, max_value=6)))
def test_grade_never_raises(question: Question, response: str | bool | list[str], duration: int | None,
                            self_rating: int | None) -> None:
    g = grade(question, response, duration, self_rating)
    assert g.verdict in ("correct", "typo", "partial", "wrong", "self", "unreadable")
    assert 0.0 <= g.score <= 1.0
    assert g.rating in (1, 2, 3, 4)
    assert g.correct == (g.rating >= 3 if question.type == "open" and self_rating in (1, 2, 3, 4) else g.correct)
    assert len(g.note) < 200


@pytest.mark.parametrize(("typed", "correct"), [("####", True), (" #### ", True), ("###", False), ("", False),
                                                ("hash", False)])
def test_short_answer_made_of_symbols(typed: str, correct: bool) -> None:
    q = Question(category="eval", id="x", type="short", level=1, prompt="p", answer="####", explanation="e",
                 refs=("r",))
    assert grade(q, typed).correct is correct
