"""Safe, strict YAML reading for bank files, with compiler-style positions for problems.

The fast path parses with libyaml (`yaml.CSafeLoader`) into plain data and keeps no positions.
Only when a problem is found is the file composed again into nodes to find the line of the
offending key or value, so reporting positions costs nothing on valid banks.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml is fast; the pure-Python loader is only a fallback where it is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from quizzer.problems import KeyPath, Problem

MAX_NUMBER_DIGITS = 100  # far beyond any real number in a bank; Python refuses past 4,300


class _StrictLoader(_BaseLoader):
    """Safe loader that records duplicate keys and refuses aliases.

    PyYAML keeps the last of two equal keys silently, so a typo'd copy of `answer:` would
    overwrite the first without a word. Aliases are refused outright: banks never need them
    and refusing them makes "billion laughs" files cheap to reject.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[yaml.Mark, str]] = []
        self._node_ids: set[int] = set()

    def _refuse_alias(self, node: Node) -> None:
        raise yaml.constructor.ConstructorError(
            None, None, "YAML anchors and aliases are not allowed in banks", node.start_mark
        )

    # libyaml composes an alias as the very node it names, so a node met twice is an alias. The
    # checks sit in loops over children rather than in construct_object (a frame per node).
    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> list[Any]:
        ids = self._node_ids
        for child in node.value:
            if id(child) in ids:
                self._refuse_alias(child)
            ids.add(id(child))
        return super().construct_sequence(node, deep)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        """An integer, refusing YAML 1.1's base-60 form (`1:30` reads as 90, never what a bank
        meant) and numbers too long for Python to convert, each at its own position."""
        text = str(node.value)
        if ":" in text:
            value = super().construct_yaml_int(node)
            raise yaml.constructor.ConstructorError(
                None, None, f"'{text}' is base-60 to YAML 1.1 (it reads as {value}); quote it if you mean text",
                node.start_mark)
        if len(text) > MAX_NUMBER_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {len(text):,} digits is too long (at most {MAX_NUMBER_DIGITS})",
                node.start_mark)
        return int(super().construct_yaml_int(node))

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        ids = self._node_ids
        for _, value_node in node.value:
            if id(value_node) in ids:
                self._refuse_alias(value_node)
            ids.add(id(value_node))
        data = super().construct_mapping(node, deep)
        if len(data) != len(node.value):  # only then is there a duplicate key to find
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, ScalarNode):
                    k = (key_node.tag, key_node.value)
                    if k in seen:
                        self.duplicate_keys.append((key_node.start_mark, key_node.value))
                    seen.add(k)
        return data


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)


def _mark_problem(file: str, mark: yaml.Mark | None, message: str) -> Problem:
    if mark is None:
        return Problem(file, 1, 1, message)
    return Problem(file, mark.line + 1, mark.column + 1, message)


def decode(file: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of a file (a leading BOM dropped), or a problem at the first bad byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(file, line, col, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")]
    return text.removeprefix("\ufeff"), []


def parse(file: str, text: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document strictly; syntax errors come back as problems, never raised."""
    loader = _StrictLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        return None, [_mark_problem(file, mark, f"YAML error: {what}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [_mark_problem(file, mark, f"YAML error: {str(exc).splitlines()[0]}")]
    except (ValueError, TypeError, RecursionError, OverflowError) as exc:
        # Odd scalars (e.g. an out-of-range timestamp) make PyYAML's constructors raise.
        return None, [Problem(file, 1, 1, f"YAML error: {type(exc).__name__}: {exc}")]
    finally:
        loader.dispose()
    problems = [
        _mark_problem(file, mark, f"duplicate key '{key}' (the later value would silently win)")
        for mark, key in loader.duplicate_keys
    ]
    return data, problems


class Locator:
    """Find the position of a key or value by its path, composing the file only when asked."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self._root: Node | None = None
        self._composed = False

    def _tree(self) -> Node | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self.text, Loader=_BaseLoader)
            except yaml.YAMLError:
                self._root = None
        return self._root

    def node(self, path: KeyPath, key: bool = False) -> Node | None:
        """The node at `path` (the key node of its last element when `key` is true)."""
        node = self._tree()
        for i, elem in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, MappingNode):
                found: Node | None = None
                for key_node, value_node in node.value:  # the last equal key wins, as in PyYAML
                    if isinstance(key_node, ScalarNode) and key_node.value == str(elem):
                        found = key_node if (last and key) else value_node
                node = found
            elif isinstance(node, SequenceNode) and isinstance(elem, int) and elem < len(node.value):
                node = node.value[elem]
            else:
                return node if node is not None else None
            if node is None:
                return None
        return node

    def problem(self, path: KeyPath, message: str, key: bool = False, offset: int | None = None) -> Problem:
        """`offset` characters into a value that stands on one line (a formula), or at the value's start."""
        node = self.node(path, key) if path else self._tree()
        if offset is not None and isinstance(node, ScalarNode) and node.start_mark.line == node.end_mark.line:
            quoted = 1 if node.style in ("'", '"') else 0
            return Problem(self.file, node.start_mark.line + 1, node.start_mark.column + 1 + quoted + offset, message)
        if node is None:
            # Fall back to the nearest ancestor that exists.
            for cut in range(len(path) - 1, -1, -1):
                node = self.node(path[:cut]) if cut else self._tree()
                if node is not None:
                    break
        return _mark_problem(self.file, node.start_mark if node is not None else None, message)
