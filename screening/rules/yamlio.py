"""Reading YAML safely for people who write it by hand, and safely against people who do not.

PyYAML follows YAML 1.1, where unquoted ``yes``/``no``/``on``/``off`` become booleans (even as keys)
and duplicate keys silently keep the last value.  Answers are literally "yes" and "no", and ids must
never be mangled, so this loader only treats ``true``/``false`` as booleans, refuses duplicate keys,
and records the line of every key so each error can name ``file:line``.

Every file is also untrusted input.  A rule file is read aloud and checked line by line, so anchors,
aliases and merge keys (which hide what they repeat, and nine lines of which expand to a billion
entries) are refused as they are met, before anything is built (RS015).  Size, the number of entries
and the nesting depth are capped while parsing (RS016), so no file can cost more than a small,
fixed amount of time and memory.  Only the plain tags (str, int, float, bool, null, seq, map) are
read: ``!!binary``, ``!!set``, ``!!python/...`` and the like are refused (RS002).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, problem

LINES = "__lines__"


@dataclass(frozen=True)
class Limits:
    """How much of a file is read at most: bytes, entries (YAML nodes) and nesting depth."""

    max_bytes: int
    max_nodes: int
    max_depth: int
    what: str  # the kind of file, for the message


#: Rule, fairness and scenario files.  The shipped ruleset.yaml is 27 kB, about 1,050 entries and 8
#: levels deep; these allow about forty times that (a 1,000-question rule set) and still read in
#: well under a second.
RULE_FILE = Limits(max_bytes=1_000_000, max_nodes=50_000, max_depth=40, what="a rule or scenario file")
#: An answers file maps question ids to yes / no / unknown: every question of a 200-question rule
#: set, each with a comment, is about 20 kB and 400 entries.
ANSWERS_FILE = Limits(max_bytes=100_000, max_nodes=5_000, max_depth=40, what="an answers file")

_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}
_SURROGATE = re.compile("[\ud800-\udfff]")


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(yaml.MarkedYAMLError):
    def __init__(self, key: str, line: int, first: int):
        super().__init__(problem=f"duplicate key {key}")
        self.key, self.line, self.first = key, line, first


class _Refused(yaml.YAMLError):
    """A file this reader will not go on reading: the catalogue code, its line and fields."""

    def __init__(self, code: str, line: int, **fields: object):
        super().__init__(code)
        self.code, self.line, self.fields = code, line, fields


def _deep(limits: Limits) -> str:
    return f"it is nested more than {limits.max_depth} levels deep here, the most {limits.what} may be"


def _screen(text: str, limits: Limits) -> None:
    """Walk the parser's events, refusing the first anchor, alias, merge key or odd tag, and stopping
    as soon as the file holds too many entries or nests too deeply.

    This runs before anything is composed or built, so a billion-laughs file stops at its first
    ``&`` and a huge one at entry ``max_nodes + 1``; libyaml makes the walk about 20 times faster than
    pure Python (50,000 entries in about 0.1 s).
    """
    nodes = depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("RS015", line, what="an alias", written=f"*{event.anchor}")
        if event.anchor is not None:
            raise _Refused("RS015", line, what="an anchor", written=f"&{event.anchor}")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _PLAIN_TAGS:
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")
            raise _Refused("RS002", line, reason=f"the tag '{shown}' is not read by this tool; "
                                                 "write the value as plain text")
        if isinstance(event, yaml.ScalarEvent):
            if event.value == "<<" and tag is None and event.implicit[0]:
                raise _Refused("RS015", line, what="a merge key", written="<<")
            if _SURROGATE.search(event.value):
                raise _Refused("RS002", line, reason="an escape such as \\ud800 stands for half of "
                                                     "a character pair, which is not text")
        nodes += 1
        if nodes > limits.max_nodes:
            raise _Refused("RS016", line, reason=f"it holds more than {limits.max_nodes:,} entries "
                                                 f"(keys, values and list items), the most "
                                                 f"{limits.what} may hold; it was read up to here")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.max_depth:
                raise _Refused("RS016", line, reason=_deep(limits))


class LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans, duplicate-key refusal and key line numbers.

    Only used on text :func:`_screen` has passed: no aliases, bounded size and depth.
    """

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
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
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

NOT_UTF8 = "the file is not UTF-8 text"


def too_big(size: int, limits: Limits) -> str:
    """Why a file of ``size`` bytes (or characters) is refused, or '' when it is within the limit."""
    if size <= limits.max_bytes:
        return ""
    return (f"it is more than {limits.max_bytes:,} bytes, the most {limits.what} may be "
            "(far more than any real one needs)")


def parse(text: str, path: str, limits: Limits = RULE_FILE) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data (with line maps) or the one problem that stops it.

    ``limits.max_bytes`` is applied to the number of characters here (never more than the bytes);
    :func:`read_yaml` applies it to the bytes before decoding.
    """
    reason = too_big(len(text), limits)
    if reason:
        return None, [problem("RS016", path, 0, reason=reason)]
    bad = _SURROGATE.search(text)
    if bad:
        return None, [problem("RS002", path, text.count("\n", 0, bad.start()) + 1,
                              reason="it holds half of a character pair, which is not text")]
    try:
        _screen(text, limits)
        return yaml.load(text, Loader=LineLoader), []  # noqa: S506 - LineLoader is a SafeLoader
    except _Refused as e:
        return None, [problem(e.code, path, e.line, **e.fields)]
    except _DuplicateKey as e:
        return None, [problem("RS003", path, e.line, key=e.key, first=e.first)]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        if e.problem == "exceeded maximum nesting depth":  # libyaml's own cap, met scanning ahead
            return None, [problem("RS016", path, line, reason=_deep(limits))]
        slip = common_slip(text, line, e.problem or "")
        if slip is not None:
            return None, [problem(slip[0], path, slip[1], **slip[2])]
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

def common_slip(text: str, line: int, reason: str) -> tuple[str, int, dict[str, object]] | None:
    """A syntax error that is one of the usual hand-editing slips, in words that say which:
    a tab used to indent (RS019) or a colon inside a text (RS018).  None for anything else."""
    lines = text.splitlines()
    for n in (line, line - 1):  # the parser may report the line after the slip
        src = lines[n - 1] if 0 < n <= len(lines) else ""
        if "tab" in reason or "cannot start any token" in reason:
            indent = src[:len(src) - len(src.lstrip(" \t"))]
            if "\t" in indent:
                return "RS019", n, {}
        if "mapping values are not allowed" in reason:
            key, sep, rest = src.strip().lstrip("- ").partition(": ")
            if sep and ": " in rest:
                shown = rest.strip().replace('"', "'")
                return "RS018", n, {"excerpt": rest.strip(), "after": f"'{key}:'",
                                    "fixed": f'{key}: "{shown}"'}
    return None


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


def read_yaml(path: Path, limits: Limits = RULE_FILE) -> YamlFile:
    """Read, decode (UTF-8) and parse one file; RS001 if unreadable, RS002 if not UTF-8 or not YAML,
    RS015 for anchors or aliases, RS016 past ``limits``.

    The one way rule files, scenario files and answers files are read.  At most one byte more than
    the limit is read, so even /dev/zero or a 10 GB file costs nothing.
    """
    where = str(path)
    try:
        with path.open("rb") as f:
            data = f.read(limits.max_bytes + 1)
    except OSError as e:
        reason = e.strerror or str(e)
        return YamlFile(None, None, (problem("RS001", where, 0, what=where, reason=reason),), reason)
    text, refused = decode(data, where, limits)
    if refused is not None:
        too_large = too_big(len(data), limits)  # the two refusals, in plain words for YamlFile.reason
        return YamlFile(None if too_large else data, None, (refused,), too_large or NOT_UTF8)
    assert text is not None
    raw, problems = parse(text, where, limits)
    return YamlFile(data, raw, tuple(problems))


def decode(data: bytes, where: str, limits: Limits = RULE_FILE) -> tuple[str | None, Problem | None]:
    """Bytes as text, or the problem that stops it: RS016 past ``limits``, RS002 not UTF-8 (at the
    line of the first bad byte).  The files read here and the files uploaded to the app share it."""
    reason = too_big(len(data), limits)
    if reason:
        return None, problem("RS016", where, 0, reason=reason)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, problem("RS002", where, line, reason=NOT_UTF8)
