"""The register of every rule set this installation has published, so old screenings can be replayed.

An exported screening names the rule set that made it by content hash.  To check its stored result
under *those* rules (not only today's), the installation keeps the rule files themselves: whenever
the app or ``python -m screening evaluate`` loads a rule set successfully it is recorded here, and
``python -m screening register add RULES`` records one by hand.

Layout of the register folder (``$SCREENING_REGISTER``, default ``data/register/`` beside the
package, outside the tracked files)::

    files/<sha256 of the bytes>       each ruleset.yaml / fairness.yaml, content-addressed
    rulesets/<rule-set sha256>.json   id, version, sha256, published_at and which files it is

The rule-set hash is the loader's (:func:`content_sha256`: ``ruleset.yaml\\0`` + bytes, then
``fairness.yaml\\0`` + bytes when there is one).  Every write goes to a temporary file in the same
folder and is moved into place with :func:`os.replace`, so threads or processes recording the same
rule set at once leave one intact entry, never a half-written one.  Recording is idempotent: an
entry already held keeps its first publication time.

:func:`load_registered` refuses an entry whose stored bytes no longer hash to its name (EX013): a
tampered register must never vouch for a forged screening.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RuleSetError, ScreeningError, problem
from ..record import now_utc
from .loading import FAIRNESS_FILE, RULESET_FILE, load
from .ruleset import RuleSet

#: Environment variable naming another register folder (tests and deployments use it).
REGISTER_ENV = "SCREENING_REGISTER"

log = logging.getLogger("screening.rules.register")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FILES, _RULESETS = "files", "rulesets"


@dataclass(frozen=True)
class Entry:
    """One published rule set: what it is called, its hash, when first recorded, and its files."""

    id: str
    version: str
    sha256: str
    published_at: str
    ruleset_file: str  # sha256 of ruleset.yaml's bytes (the name of its file under files/)
    fairness_file: str | None  # likewise for fairness.yaml, None when the rule set had none

    def to_dict(self) -> dict[str, Any]:
        """The entry's JSON form."""
        files = {RULESET_FILE: self.ruleset_file}
        if self.fairness_file is not None:
            files[FAIRNESS_FILE] = self.fairness_file
        return {"id": self.id, "version": self.version, "sha256": self.sha256,
                "published_at": self.published_at, "files": files}


def default_register_dir() -> Path:
    """``data/register/`` at the repository root (``/data/`` is git-ignored)."""
    return Path(__file__).resolve().parents[2] / "data" / "register"


def register_dir(path: str | Path | None = None) -> Path:
    """The register in use: ``path``, else ``$SCREENING_REGISTER``, else the default."""
    if path is not None:
        return Path(path)
    env = os.environ.get(REGISTER_ENV, "").strip()
    return Path(env) if env else default_register_dir()


def content_sha256(ruleset_bytes: bytes, fairness_bytes: bytes | None) -> str:
    """The rule set's content hash exactly as :func:`screening.rules.loading.load` computes it."""
    h = hashlib.sha256(b"ruleset.yaml\0" + ruleset_bytes)
    if fairness_bytes is not None:
        h.update(b"fairness.yaml\0" + fairness_bytes)
    return h.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and move it into place in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _store_file(root: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = root / _FILES / digest
    try:
        if hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            return digest  # already held intact
    except OSError:
        pass
    _write_atomic(path, data)
    return digest


def record_files(ruleset_bytes: bytes, fairness_bytes: bytes | None, ruleset_id: str, version: str,
                 register: str | Path | None = None) -> Entry:
    """Record a rule set given its files' bytes; return the entry (the existing one if held)."""
    root = register_dir(register)
    sha = content_sha256(ruleset_bytes, fairness_bytes)
    try:
        held = _entry(root, sha)
        if held is not None:
            _files_of(root, held)
            return held  # held intact: nothing to do, and its first publication time stays
    except ScreeningError:  # damaged: replaced by the files given now, which hash correctly
        held = None
    entry = Entry(id=ruleset_id, version=version, sha256=sha,
                  published_at=held.published_at if held else now_utc(),
                  ruleset_file=_store_file(root, ruleset_bytes),
                  fairness_file=None if fairness_bytes is None else _store_file(root, fairness_bytes))
    _write_atomic(root / _RULESETS / f"{sha}.json",
                  json.dumps(entry.to_dict(), indent=2, sort_keys=True).encode("utf-8"))
    return entry


def record(ruleset: RuleSet, register: str | Path | None = None) -> Entry | None:
    """Record a loaded rule set, reading its files again; None if they changed since it was loaded.

    The bytes read now must hash to ``ruleset.sha256`` (what the loader hashed); if a file was edited
    in between, nothing is recorded (the edited rules are recorded when they are loaded).
    """
    main = Path(ruleset.main_path)
    fair = main.parent / FAIRNESS_FILE
    try:
        main_bytes = main.read_bytes()
        fair_bytes = fair.read_bytes() if any(Path(p) == fair for p in ruleset.paths) else None
    except OSError:
        return None
    if content_sha256(main_bytes, fair_bytes) != ruleset.sha256:
        return None
    return record_files(main_bytes, fair_bytes, ruleset.id, ruleset.version, register)


def record_loaded(ruleset: RuleSet, register: str | Path | None = None) -> Entry | None:
    """:func:`record`, for the app and CLI: a register that cannot be written is logged, not fatal.

    Screening must go on when the disk is full or read-only; files made meanwhile still open, and
    say "cannot verify" only where another installation opens them.
    """
    try:
        return record(ruleset, register)
    except OSError as e:
        log.warning("could not record rule set %s in the register %s: %s", ruleset.sha256[:12],
                    register_dir(register), e)
        return None


def _damaged(sha: str, reason: str) -> ScreeningError:
    return ScreeningError([problem("EX013", ruleset=f"sha256 {sha[:12]}...", reason=reason)])


def _entry(root: Path, sha: str) -> Entry | None:
    """The entry for ``sha``, None when not held; EX013 when it cannot be read."""
    path = root / _RULESETS / f"{sha}.json"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _damaged(sha, f"its entry cannot be read ({e.strerror})") from None
    try:
        d = json.loads(data)
        files = d["files"]
        entry = Entry(id=str(d["id"]), version=str(d["version"]), sha256=str(d["sha256"]),
                      published_at=str(d["published_at"]), ruleset_file=str(files[RULESET_FILE]),
                      fairness_file=None if files.get(FAIRNESS_FILE) is None else str(files[FAIRNESS_FILE]))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _damaged(sha, "its entry is not a register entry") from None
    if entry.sha256 != sha:
        raise _damaged(sha, "its entry names another rule set")
    return entry


def _files_of(root: Path, entry: Entry) -> tuple[bytes, bytes | None]:
    """The entry's file bytes, each checked against its name and together against the rule-set hash."""
    found: list[bytes | None] = []
    for name in (entry.ruleset_file, entry.fairness_file):
        if name is None:
            found.append(None)
            continue
        if not _SHA256.fullmatch(name):
            raise _damaged(entry.sha256, "its entry names a file that is not in the register")
        try:
            data = (root / _FILES / name).read_bytes()
        except OSError:
            raise _damaged(entry.sha256, "one of its files is missing") from None
        if hashlib.sha256(data).hexdigest() != name:
            raise _damaged(entry.sha256, "one of its files was changed after it was recorded")
        found.append(data)
    main, fair = found
    assert main is not None
    if content_sha256(main, fair) != entry.sha256:
        raise _damaged(entry.sha256, "its files do not make up the rule set it names")
    return main, fair


def find(sha256: str, register: str | Path | None = None) -> Entry | None:
    """The entry for a rule-set hash, or None when this installation has no record of it."""
    if not _SHA256.fullmatch(sha256):  # the hash comes from an uploaded file: never a path
        return None
    return _entry(register_dir(register), sha256)


def entries(register: str | Path | None = None) -> list[Entry]:
    """Every entry held, oldest publication first; a damaged entry raises EX013."""
    folder = register_dir(register) / _RULESETS
    if not folder.is_dir():
        return []
    found = [find(p.stem, register) for p in folder.glob("*.json")]
    return sorted((e for e in found if e is not None), key=lambda e: (e.published_at, e.sha256))


_cache: dict[tuple[str, str], RuleSet] = {}
_cache_lock = threading.Lock()


def load_registered(sha256: str, register: str | Path | None = None) -> RuleSet | None:
    """The rule set with this hash from the register, through the normal loader; None if not held.

    The stored bytes are verified against the hash first (EX013 when they do not match, or when the
    files no longer load with this version of the tool).  The proofs are not run again: the rules
    are replayed as they were, not endorsed.  Cached per register and hash (a RuleSet is immutable).
    """
    root = register_dir(register)
    key = (str(root.resolve()), sha256)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    entry = find(sha256, root)
    if entry is None:
        return None
    main, fair = _files_of(root, entry)
    with tempfile.TemporaryDirectory(prefix="screening-register-") as tmp:
        folder = Path(tmp)
        (folder / RULESET_FILE).write_bytes(main)
        if fair is not None:
            (folder / FAIRNESS_FILE).write_bytes(fair)
        try:
            ruleset = load(folder, check=False)
        except RuleSetError as e:
            raise _damaged(sha256, f"it no longer loads with this version of the tool "
                                   f"({e.problems[0].code} {e.problems[0].message})") from None
    if ruleset.sha256 != sha256:  # pragma: no cover - the bytes were checked above
        raise _damaged(sha256, "its files do not make up the rule set it names")
    with _cache_lock:
        return _cache.setdefault(key, ruleset)


def ruleset_text(sha256: str, register: str | Path | None = None) -> str | None:
    """The ``ruleset.yaml`` of a published rule set as it was written (verified), or None if not held.

    The workbench starts a draft from it; EX013 when the register's copy is damaged.
    """
    root = register_dir(register)
    entry = find(sha256, root)
    if entry is None:
        return None
    main, _fair = _files_of(root, entry)
    return main.decode("utf-8", errors="replace")
