"""Reading YAML safely for people who write it by hand.

PyYAML follows YAML 1.1, where unquoted ``yes``/``no``/``on``/``off`` become booleans (even as keys)
and duplicate keys silently keep the last value.  Answers are literally "yes" and "no", and ids must
never be mangled, so this loader only treats ``true``/``false`` as booleans, refuses duplicate keys,
and records the line of every key so each error can name ``file:line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, problem

LINES = "__lines__"

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

class _DuplicateKey(yaml.MarkedYAMLError):
    def __init__(self, key: str, line: int, first: int):
        super().__init__(problem=f"duplicate key {key}")
        self.key, self.line, self.first = key, line, first

class LineLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans, duplicate-key refusal and key line numbers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        lines: dict[Any, int] = {None: node.start_mark.line + 1}
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key is None or key == LINES or not isinstance(key, (str, int, float, bool)):
                what = ("an empty key (~ or null)" if key is None else
                        f"'{LINES}' is reserved and" if key == LINES else
                        "a list, set or mapping")
                raise yaml.constructor.ConstructorError(
                    None, None, f"{what} cannot be used as a key; keys are plain words",
                    key_node.start_mark)
            if key in seen:
                raise _DuplicateKey(str(key), line, seen[key])
            seen[key] = line
            lines[key] = line
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINES] = lines
        return mapping

# Only true/false (any case) are booleans; yes/no/on/off stay strings.  Dates stay strings too, so
# an impossible date is reported by validation at its line instead of failing inside the parser.
_DROPPED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in _DROPPED]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

def parse(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data (with line maps) or the problems that stop it."""
    try:
        return yaml.load(text, Loader=LineLoader), []  # noqa: S506 - LineLoader is a SafeLoader
    except _DuplicateKey as e:
        return None, [problem("RS003", path, e.line, key=e.key, first=e.first)]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        reason = e.problem or "the text could not be read"
        if e.context:
            reason = f"{reason} ({e.context})"
        return None, [problem("RS002", path, line, reason=reason)]
    except yaml.YAMLError as e:
        return None, [problem("RS002", path, 0, reason=str(e).splitlines()[0])]
    except RecursionError:
        return None, [problem("RS002", path, 0, reason="it is nested far too deeply to read")]
    except (ValueError, TypeError, OverflowError) as e:  # a value YAML itself cannot build
        return None, [problem("RS002", path, 0, reason=f"a value cannot be read ({e})")]

def strip_lines(obj: Any) -> Any:
    """The data without line maps, for validation."""
    if isinstance(obj, dict):
        return {k: strip_lines(v) for k, v in obj.items() if k != LINES}
    if isinstance(obj, list):
        return [strip_lines(v) for v in obj]
    return obj

def line_of(node: Any, loc: tuple[Any, ...] | list[Any]) -> int:
    """The line of the deepest node in ``loc`` that the YAML recorded (0 if none)."""
    line = node.get(LINES, {}).get(None, 0) if isinstance(node, dict) else 0
    for part in loc:
        if isinstance(node, dict):
            line = node.get(LINES, {}).get(part, line)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        if isinstance(node, dict) and isinstance(part, int):
            # a list item that is a mapping: its own first line (keeps the key line for scalars)
            line = node.get(LINES, {}).get(None, line)
    return line

def own_line(node: Any, default: int = 0) -> int:
    """The first line of a mapping node."""
    if isinstance(node, dict):
        return int(node.get(LINES, {}).get(None, default))
    return default


@dataclass(frozen=True)
class YamlFile:
    """A YAML file as read: its bytes (for hashing, None if unreadable), the parsed data, or problems."""

    data: bytes | None
    raw: Any
    problems: tuple[Problem, ...]
    reason: str = ""  # why it could not be read or decoded, in plain words (parse problems: empty)


def read_yaml(path: Path) -> YamlFile:
    """Read, decode (UTF-8) and parse one file; RS001 if unreadable, RS002 if not UTF-8 or not YAML.

    The one way rule files, scenario files and answers files are read.
    """
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        reason = e.strerror or str(e)
        return YamlFile(None, None, (problem("RS001", where, 0, what=where, reason=reason),), reason)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        reason = "the file is not UTF-8 text"
        return YamlFile(data, None, (problem("RS002", where, line, reason=reason),), reason)
    raw, problems = parse(text, where)
    return YamlFile(data, raw, tuple(problems))
