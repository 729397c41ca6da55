"""The user's `[keymap]` (binding id -> keys) checked and handed to Textual's keymap support.

Every binding of the app has an id (`session.skip`, `home.review`, ...). A keymap entry with an
unknown id, a key name Textual does not know, or two ids of one screen on the same key is reported
and left out; the rest applies.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
NAMED_KEYS = {k.value.rsplit("+", 1)[-1] for k in Keys} | {"space", "enter", "tab", "backspace", "escape"} | {
    f"f{i}" for i in range(1, 25)}


def bindings_by_owner() -> dict[str, dict[str, str]]:
    """class name -> binding id -> default keys, for every screen and widget of the app."""
    import quizzer.tui

    for info in pkgutil.walk_packages(quizzer.tui.__path__, "quizzer.tui."):
        importlib.import_module(info.name)  # only when a keymap is set: start-up stays lean
    found: dict[str, dict[str, str]] = {}
    stack: list[type[DOMNode]] = [DOMNode]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("quizzer."):
            continue
        ids = {b.id: b.key for b in cls.BINDINGS if isinstance(b, Binding) and b.id}
        if ids:
            found[cls.__name__] = ids
    return found


def key_is_known(key: str) -> bool:
    *mods, base = key.strip().lower().split("+")
    return bool(base) and all(m in MODIFIERS for m in mods) and (len(base) == 1 or base in NAMED_KEYS)


def check_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The usable part of `keymap` and a warning for each entry left out."""
    owners = bindings_by_owner()
    owner_of = {bid: owner for owner, ids in owners.items() for bid in ids}
    good: dict[str, str] = {}
    warnings: list[str] = []
    for bid, keys in keymap.items():
        if bid not in owner_of:
            warnings.append(f"[keymap] {bid}: no binding has this id; ignored")
        elif not keys.strip() or not all(key_is_known(k) for k in keys.split(",")):
            warnings.append(f"[keymap] {bid}: '{keys}' is not a key Textual knows (e.g. ctrl+k, f5, space); ignored")
        else:
            good[bid] = keys
    for owner, ids in owners.items():
        taken: dict[str, str] = {}
        for bid, default in ids.items():
            for key in good.get(bid, default).split(","):
                key = key.strip()
                clash = taken.get(key)
                if clash is not None and clash != bid and (bid in good or clash in good):
                    warnings.append(f"[keymap] {bid} and {clash} both use {key} on {owner}; "
                                    f"{bid} keeps its default")
                    good.pop(bid, None)
                taken[key] = bid
    return good, warnings


def apply_keymap(app: App[Any], keymap: Mapping[str, str]) -> list[str]:
    """Apply the user's keymap to the app; returns the warnings for what was left out."""
    if not keymap:
        return []
    good, warnings = check_keymap(keymap)
    app.set_keymap(good)
    return warnings
