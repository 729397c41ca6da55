"""Deterministic synthetic data for the benchmarks: large banks and a long review history."""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizzer.model import CATEGORIES
from quizzer.records import to_iso
from quizzer.store import Store

WORDS = ("attention kv cache tensor pipeline gradient quantization latency throughput memory bandwidth "
         "token batch prefill decode expert router adapter rank layer norm softmax scale head shard").split()


def _text(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out).capitalize() + "."


def _block(text: str, indent: str = "      ") -> str:
    # Wrap into lines of ~90 characters so the YAML looks like hand-written banks.
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) > 90:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "|\n" + "\n".join(indent + ln for ln in lines)


def write_banks(folder: Path, total: int, seed: int = 7) -> list[Path]:
    """`total` questions spread over the eight categories, every type represented."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    per = total // len(CATEGORIES)
    paths = []
    types = ("open", "mcq", "multi", "truefalse", "short", "numeric")
    for cat in CATEGORIES:
        lines = [f"category: {cat}", f"title: Synthetic {cat}", "questions:"]
        for i in range(per):
            t = types[i % len(types)]
            lines += [f"  - id: q-{i}", f"    type: {t}", f"    level: {1 + i % 3}",
                      f"    prompt: {_block(_text(rng, rng.randint(200, 400)))}"]
            if t == "open":
                lines += [f"    answer: {_block(_text(rng, 500))}", "    key_points:"]
                lines += [f"      - {_text(rng, 40)}" for _ in range(4)]
            elif t in ("mcq", "multi"):
                choices = [f"Choice {k} {_text(rng, 30)}" for k in range(4)]
                lines += ["    choices:"] + [f"      - {c}" for c in choices]
                lines += [f"    answer: {choices[1]}"] if t == "mcq" else ["    answer:", f"      - {choices[0]}",
                                                                           f"      - {choices[2]}"]
            elif t == "truefalse":
                lines += [f"    answer: {'true' if i % 2 else 'false'}"]
            elif t == "short":
                lines += ["    answer: PagedAttention", "    accept: [paged attention]"]
            else:
                lines += [f"    answer: {rng.uniform(1, 1000):.3f}", "    unit: GiB", "    tolerance: 0.02"]
            lines += [f"    explanation: {_block(_text(rng, 1000))}", "    refs: [kv-cache]",
                      f"    tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}-x]"]
        path = folder / f"{cat}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_history(db_path: Path, gids: list[str], reviews: int, now: datetime, seed: int = 11) -> None:
    """A database with one card per gid and `reviews` reviews spread over the last three years."""
    rng = random.Random(seed)
    sure = random.Random(seed + 1)  # its own generator: the reviews are the same as before confidence existed
    Store.open(db_path).close()  # the real schema, via migrations
    conn = sqlite3.connect(db_path)
    start = now - timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    rows = []
    for n in range(reviews):
        gid = gids[n % len(gids)]
        at = start + timedelta(seconds=span * n / reviews)
        rating = rng.choices((1, 2, 3, 4), (1, 2, 6, 1))[0]
        rows.append((str(uuid.UUID(int=rng.getrandbits(128))), gid, gid.split("/")[0], to_iso(at),
                     at.date().isoformat(), rating, 1.0 if rating > 1 else 0.0, "typed answer", 5000, "s", "h",
                     sure.choice((None,) * 7 + (1, 2, 3))))  # how sure: said on three reviews in ten
        if len(rows) == 50_000:
            conn.executemany("INSERT INTO reviews VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            rows = []
    if rows:
        conn.executemany("INSERT INTO reviews VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    cards = []
    for gid in gids:
        last = now - timedelta(days=rng.uniform(0, 30))
        due = last + timedelta(days=rng.uniform(0.5, 60))
        cards.append((gid, gid.split("/")[0], 2, None, rng.uniform(1, 100), rng.uniform(1, 10), to_iso(due),
                      to_iso(last), rng.randint(1, 200), rng.randint(0, 10), 0, 0))
    conn.executemany("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", cards)
    from quizzer.migrations import rebuild_daily_counts

    rebuild_daily_counts(conn)
    conn.commit()
    conn.close()


NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
