"""Load and validate question banks (format v1) and the article catalog.

Validation works on plain data from the fast parser; positions are looked up only for the
problems found (see `yamlread.Locator`). Every problem a user can cause comes back as a
`Problem`; nothing here raises on bad input.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.bankcache import BankCache, catalog_key
from quizzer.glossary import GLOSSARY_NAME, load_glossary
from quizzer.mdsafe import is_web_link
from quizzer.model import (
    CATEGORIES,
    Article,
    Bank,
    Library,
    Question,
    QuestionIndex,
)
from quizzer.problems import KeyPath, Problem
from quizzer.safetext import BIDI
from quizzer.schema import (
    ARTICLE_KEYS,
    BANK_ZH_KEYS,
    SLUG,
    TOP_KEYS,
    TOP_REQUIRED,
    Checker,
    kind_of,
    question_from,
)

if TYPE_CHECKING:
    from quizzer.yamlread import Locator

CATALOG_NAME = "articles.yaml"



# Limits that keep a hostile file cheap to refuse: validating costs about 60x a file's size in memory.
MAX_BANK_BYTES = 8 * 2**20


def _read(path: Path) -> tuple[Any, Locator | None, list[Problem]]:
    from quizzer.yamlread import Locator, decode, parse  # not needed when the bank cache answers

    file = str(path)
    try:
        if path.stat().st_size > MAX_BANK_BYTES:
            return None, None, [Problem(file, None, None, f"larger than {MAX_BANK_BYTES // 2**20} MiB: split the bank")]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None, [Problem(file, None, None, "no such file")]
    except IsADirectoryError:
        return None, None, [Problem(file, None, None, "is a directory, not a bank file")]
    except OSError as exc:
        return None, None, [Problem(file, None, None, f"cannot read: {exc.strerror or exc}")]
    text, problems = decode(file, raw)
    if text is None:
        return None, None, problems
    if not text.strip():
        return None, None, [Problem(file, 1, 1, "empty file")]
    data, problems = parse(file, text)
    return data, Locator(file, text), problems


def _checker(locator: Locator) -> Checker:
    # The YAML reader refuses raw control characters (NEL aside), so only a backslash escape in a
    # double-quoted scalar can produce one; bidi controls are printable to YAML and may stand raw.
    # A file with none of these skips the per-string scan.
    text = locator.text
    return Checker(may_hold_controls="\\" in text or "\x85" in text or BIDI.search(text) is not None)


def _finish(locator: Locator, checker: Checker, problems: list[Problem]) -> list[Problem]:
    problems = problems + [locator.problem(p, m, key, offset) for p, m, key, offset in checker.found]
    return sorted(set(problems), key=lambda p: (p.line or 0, p.col or 0, p.message))


def load_catalog(path: Path) -> tuple[dict[str, Article], list[Problem]]:
    data, locator, problems = _read(path)
    if locator is None or (data is None and problems):
        return {}, problems
    c = _checker(locator)
    articles: dict[str, Article] = {}
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        c.add((), "the catalog must be a mapping with an 'articles:' list")
        return {}, _finish(locator, c, problems)
    c.mapping_keys((), data, ("articles",), ("articles",), "the catalog")
    for i, item in enumerate(data["articles"]):
        p: KeyPath = ("articles", i)
        if not isinstance(item, dict):
            c.add(p, f"an article must be a mapping, not {kind_of(item)}")
            continue
        if not c.mapping_keys(p, item, ARTICLE_KEYS, ARTICLE_KEYS, "an article"):
            continue
        aid, title = c.text((*p, "id"), item["id"], "id"), c.text((*p, "title"), item["title"], "title")
        url, cat = c.text((*p, "url"), item["url"], "url"), c.text((*p, "category"), item["category"], "category")
        if aid is not None and not SLUG.match(aid):
            c.add((*p, "id"), f"article id '{aid}' is not a slug (lowercase words joined by '-')")
        elif aid in articles:
            c.add((*p, "id"), f"duplicate article id '{aid}'")
        if url is not None and not is_web_link(url):
            c.add((*p, "url"), f"url '{url}' is not an https:// URL")
        if cat is not None and cat not in CATEGORIES:
            c.add((*p, "category"), f"unknown category '{cat}' (one of: {', '.join(CATEGORIES)})")
        if aid and title and url and cat:
            articles[aid] = Article(aid, title, url, cat)
    return articles, _finish(locator, c, problems)


def load_bank(path: Path, articles: dict[str, Article]) -> tuple[Bank | None, list[Problem]]:
    """Read and validate one bank file against the given catalog."""
    data, locator, problems = _read(path)
    if locator is None or (data is None and problems):
        return None, problems
    c = _checker(locator)
    if data is None:
        empty = Problem(str(path), 1, 1, "empty file: expected a mapping with category, title and questions")
        return None, [*problems, empty]
    if not isinstance(data, dict):
        c.add((), f"the top level must be a mapping with category, title and questions, not {kind_of(data)}")
        return None, _finish(locator, c, problems)
    c.mapping_keys((), data, TOP_KEYS, TOP_REQUIRED, "the bank")
    category = data.get("category")
    if "category" in data and c.text(("category",), category, "category") is not None \
            and category not in CATEGORIES:
        c.add(("category",), f"unknown category '{category}' (one of: {', '.join(CATEGORIES)})")
        category = None
    title = c.text(("title",), data.get("title"), "title") if "title" in data else None
    description = data.get("description", "")
    if "description" in data:
        description = c.text(("description",), description, "description") or ""
    zh_title = zh_description = ""
    if "zh" in data:
        zh = data["zh"]
        if not isinstance(zh, dict):
            c.add(("zh",), f"zh must be a mapping with the bank's title and description in Chinese, not {kind_of(zh)}")
        else:
            c.mapping_keys(("zh",), zh, BANK_ZH_KEYS, ("title",), "the bank's zh block")
            zh_title = c.text(("zh", "title"), zh.get("title"), "zh title") or "" if "title" in zh else ""
            if "description" in zh:
                zh_description = c.text(("zh", "description"), zh["description"], "zh description") or ""
    questions: list[Question] = []
    raw_questions = data.get("questions")
    if "questions" in data and (not isinstance(raw_questions, list) or not raw_questions):
        c.add(("questions",), "questions must be a non-empty list")
    elif isinstance(raw_questions, list):
        seen: dict[str, int] = {}
        for i, item in enumerate(raw_questions):
            q = question_from(c, ("questions", i), item, str(category or ""), articles)
            qid = item.get("id") if isinstance(item, dict) else None
            if isinstance(qid, str) and qid in seen:
                c.add(("questions", i, "id"), f"duplicate id '{qid}' (first used by question {seen[qid] + 1})")
            elif isinstance(qid, str):
                seen[qid] = i
            if q is not None:
                questions.append(q)
    problems = _finish(locator, c, problems)
    if problems or not isinstance(category, str) or title is None:
        return None, problems
    return Bank(category, title, str(description), tuple(questions), str(path), zh_title, zh_description), []


# ---- discovery -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Found:
    banks: list[Path]
    catalogs: list[Path]
    glossaries: list[Path]  # validated, never read as banks
    problems: list[Problem]


def discover(paths: Iterable[Path]) -> Found:
    """Split paths into bank files, catalogs and glossaries; folders contribute their `*.yaml` files."""
    banks: list[Path] = []
    catalogs: list[Path] = []
    glossaries: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files = sorted(path.glob("*.yaml"))
        elif path.exists() or path.suffix in (".yaml", ".yml"):
            files = [path]
        else:
            problems.append(Problem(str(path), None, None, "no such file or directory"))
            continue
        for f in files:
            (catalogs if f.name == CATALOG_NAME else glossaries if f.name == GLOSSARY_NAME else banks).append(f)
    return Found(banks, catalogs, glossaries, problems)


@dataclass
class CheckResult:
    library: Library | None
    problems: list[Problem]
    files: int


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading builds hundreds of thousands of dicts, lists and questions that all stay alive; the
    cyclic collector would rescan them again and again (a third of a 10,000-question cold load)
    and find nothing, since parsed YAML holds no cycles. It resumes as soon as the banks are loaded."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _catalog_order(shipped_catalog: Path | None, catalogs: list[Path]) -> list[Path]:
    """The shipped catalog first, so that a bank folder's own `articles.yaml` extends it."""
    first = [shipped_catalog] if shipped_catalog and shipped_catalog.exists() else []
    return first + [c for c in catalogs if c != shipped_catalog]


def check(paths: Sequence[Path], shipped_catalog: Path | None, cache: BankCache | None = None) -> CheckResult:
    """Validate the banks at `paths` (files or folders) with refs resolved against the shipped
    catalog plus any `articles.yaml` among the paths."""
    with _collector_paused():
        return _check(paths, shipped_catalog, cache)


def _check(paths: Sequence[Path], shipped_catalog: Path | None, cache: BankCache | None) -> CheckResult:
    found_files = discover(paths)
    bank_files, catalogs, problems = found_files.banks, found_files.catalogs, found_files.problems
    if cache is None:  # a glossary changes no question, so start-up (which has a cache) leaves it to validate
        for glossary in found_files.glossaries:
            problems += load_glossary(glossary)[1]
    articles: dict[str, Article] = {}
    defined_in: dict[str, Path] = {}
    for cat_path in _catalog_order(shipped_catalog, catalogs):
        found = cache.catalog(cat_path) if cache else None
        if found is None:
            found, cat_problems = load_catalog(cat_path)
            problems += cat_problems
            if cache and not cat_problems:
                cache.put_catalog(cat_path, found)
        for aid, article in found.items():
            if aid in articles and articles[aid] != article:
                # A catalog may add articles but never silently point a known id elsewhere.
                problems.append(Problem(str(cat_path), None, None, f"article id '{aid}' is already defined in "
                                        f"{defined_in[aid]} with another title or URL; choose a new id"))
                continue
            articles[aid] = article
            defined_in.setdefault(aid, cat_path)
    key = catalog_key(articles)
    banks: list[Bank] = []
    owner: dict[str, str] = {}
    for path in bank_files:
        bank = cache.bank(path, key) if cache else None
        if bank is None:
            bank, bank_problems = load_bank(path, articles)
            problems += bank_problems
            if cache and bank is not None:
                cache.put_bank(path, key, bank)
        if bank is None:
            continue
        for q in bank.questions:
            if q.gid in owner:
                problems.append(Problem(str(path), None, None, f"question '{q.gid}' is also defined in {owner[q.gid]}"))
            owner[q.gid] = str(path)
        banks.append(bank)
    if not bank_files and not catalogs and not found_files.glossaries and not problems:
        problems.append(Problem(", ".join(str(p) for p in paths) or ".", None, None, "no bank files (*.yaml) found"))
    library = None if problems else Library(tuple(banks), articles)
    if cache and library is not None:
        cache.save()
    return CheckResult(library, problems, len(bank_files))


def cached_index(paths: Sequence[Path], shipped_catalog: Path | None, cache: BankCache) -> QuestionIndex | None:
    """The banks' question ids straight from the cache's index, when every bank and catalog is
    unchanged since it was validated; otherwise None, and the caller runs `check` (which re-reads
    what changed and reports any problem). No question is built: counting needs only the ids."""
    found_files = discover(paths)
    bank_files, catalogs = found_files.banks, found_files.catalogs
    if found_files.problems or not bank_files:
        return None
    articles: dict[str, Article] = {}
    for cat_path in _catalog_order(shipped_catalog, catalogs):
        found = cache.catalog(cat_path)
        if found is None:
            return None
        articles.update(found)
    key = catalog_key(articles)
    by_category: dict[str, tuple[str, ...]] = {}
    count = 0
    for path in bank_files:
        got = cache.bank_gids(path, key)
        if got is None:
            return None
        category, gids = got
        by_category[category] = by_category.get(category, ()) + gids
        count += len(gids)
    index = QuestionIndex(by_category)
    return index if len(index) == count else None  # an id in two files: `check` reports it
