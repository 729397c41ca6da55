"""Time the Anki export of the shipped banks and weigh the packages; time reading them back.

    python bench/anki_export.py [--reps N]

For each language and for each category alone: the median export time (banks already loaded, as
`quizzer export anki` has them after start-up), the package size, the time of an export that finds
every note unchanged, and the time `quizzer import` takes to read the package back into questions.
With the `anki` package installed (the test extra), also how long Anki itself takes to import it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzer.anki_export import NoteTimes, export_anki
from quizzer.anki_read import read_notes
from quizzer.banks import check
from quizzer.card_import import questions_from
from quizzer.paths import shipped_banks_dir, shipped_catalog


def median_s(fn: Callable[[], object], reps: int) -> float:
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def anki_import_s(package: Path) -> float | None:
    try:
        from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "collection.anki2"))
        try:
            start = time.perf_counter()
            col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package),
                                                             options=ImportAnkiPackageOptions()))
            return time.perf_counter() - start
        finally:
            col.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    library = check([shipped_banks_dir()], shipped_catalog()).library
    assert library is not None
    print(f"{len(library)} questions; median of {args.reps}; Python {sys.version.split()[0]}")
    print(f"{'what':<22} {'notes':>5} {'export':>8} {'unchanged':>9} {'size':>9} {'read back':>9} {'anki import':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs: list[tuple[str, tuple[str, ...], str]] = [(f"all, {lang}", (), lang) for lang in ("en", "zh", "both")]
        runs += [(f"{c}, en", (c,), "en") for c in library.categories()]
        for n, (name, categories, lang) in enumerate(runs):
            out = folder / f"{n}.apkg"
            record = folder / f"{n}.json"

            def fresh(out: Path = out, record: Path = record, categories: tuple[str, ...] = categories,
                      lang: str = lang) -> None:
                record.unlink(missing_ok=True)
                export_anki(library, out, NoteTimes(record), categories, lang=lang, force=True)

            first = median_s(fresh, args.reps)
            again = median_s(lambda out=out, record=record, categories=categories, lang=lang:  # type: ignore[misc]
                             export_anki(library, out, NoteTimes(record), categories, lang=lang), args.reps)
            notes = sum(len(library.in_category(c)) for c in (categories or library.categories()))
            read = median_s(lambda out=out: questions_from(read_notes(out)), args.reps)  # type: ignore[misc]
            imported = anki_import_s(out)
            shown = f"{imported * 1000:>9.0f}ms" if imported is not None else f"{'-':>11}"
            print(f"{name:<22} {notes:>5} {first * 1000:>6.0f}ms {again * 1000:>7.0f}ms "
                  f"{out.stat().st_size / 1024:>7.0f}KiB {read * 1000:>7.0f}ms {shown}")


if __name__ == "__main__":
    main()
