"""The register of published rule sets: content-addressed, idempotent, safe under concurrent writes,
refusing tampered entries (EX013), and its CLI (register list / add, keys)."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, new_version

from screening import ScreeningError, load
from screening.cli import main
from screening.exports.export import KEY_ENV, KEYS_ENV
from screening.rules import register


@pytest.fixture(scope="module")
def rs():
    return load()


@pytest.fixture
def reg(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "register"
    monkeypatch.setenv(register.REGISTER_ENV, str(folder))
    return folder


def code_of(excinfo) -> str:
    return excinfo.value.problems[0].code


def test_content_hash_is_the_loaders(rs, tmp_path):
    main, fair = (RULES / "ruleset.yaml").read_bytes(), (RULES / "fairness.yaml").read_bytes()
    assert register.content_sha256(main, fair) == rs.sha256
    alone = tmp_path / "alone"  # no fairness.yaml: the loader hashes ruleset.yaml only
    alone.mkdir()
    (alone / "ruleset.yaml").write_bytes(main)
    assert register.content_sha256(main, None) == load(alone, check=False).sha256


def test_record_keeps_the_files_content_addressed(rs, reg):
    entry = register.record(rs)
    assert entry is not None
    assert (entry.id, entry.version, entry.sha256) == (rs.id, rs.version, rs.sha256)
    assert entry.published_at.endswith("+00:00")
    for name in ("ruleset.yaml", "fairness.yaml"):
        data = (RULES / name).read_bytes()
        stored = reg / "files" / hashlib.sha256(data).hexdigest()
        assert stored.read_bytes() == data
    saved = json.loads((reg / "rulesets" / f"{rs.sha256}.json").read_text())
    assert saved["id"] == rs.id and saved["sha256"] == rs.sha256 and set(saved["files"]) == {
        "ruleset.yaml", "fairness.yaml"}
    assert register.entries() == [entry]


def test_recording_again_is_idempotent_and_keeps_the_first_time(rs, reg):
    first = register.record(rs)
    (reg / "rulesets" / f"{rs.sha256}.json").write_text(
        (reg / "rulesets" / f"{rs.sha256}.json").read_text().replace(first.published_at,
                                                                       "2020-01-01T00:00:00+00:00"))
    again = register.record(rs)
    assert again.published_at == "2020-01-01T00:00:00+00:00"
    assert len(list((reg / "rulesets").iterdir())) == 1


def test_a_rule_set_edited_after_loading_is_not_recorded_under_the_old_hash(tmp_path, reg):
    folder = copy_rules(tmp_path / "rules")
    loaded = load(folder, check=False)
    (folder / "ruleset.yaml").write_text((folder / "ruleset.yaml").read_text() + "\n# edited\n")
    assert register.record(loaded) is None
    assert register.entries() == []


def test_register_folder_from_parameter_env_or_default(tmp_path, monkeypatch):
    monkeypatch.delenv(register.REGISTER_ENV, raising=False)
    assert register.register_dir() == register.default_register_dir()
    assert register.default_register_dir().parts[-2:] == ("data", "register")
    monkeypatch.setenv(register.REGISTER_ENV, str(tmp_path / "env"))
    assert register.register_dir() == tmp_path / "env"
    assert register.register_dir(tmp_path / "param") == tmp_path / "param"


def test_load_registered_replays_old_rules_through_the_loader(tmp_path, reg):
    old = load(copy_rules(tmp_path / "old", {
        "extremist_material, recruits_others]": "extremist_material, recruits_others, us_and_them]",
        **new_version()}), check=False)
    register.record(old)
    for name in ("ruleset.yaml", "fairness.yaml"):  # the originals are gone: the register suffices
        (tmp_path / "old" / name).unlink()
    got = register.load_registered(old.sha256)
    assert got is not None and got.sha256 == old.sha256 and got.version == old.version
    assert got.document == old.document
    assert register.load_registered(old.sha256) is got  # cached per register and hash


def test_a_rule_set_not_held_is_none_and_a_hostile_hash_is_never_a_path(rs, reg):
    assert register.load_registered(rs.sha256) is None
    assert register.find("../../etc/passwd") is None
    assert register.find("F" * 64) is None


@pytest.mark.parametrize(("damage", "words"), [
    (lambda reg, sha, files: files[0].write_bytes(files[0].read_bytes() + b"\n# forged\n"),
     "one of its files was changed after it was recorded"),
    (lambda reg, sha, files: files[0].unlink(), "one of its files is missing"),
    (lambda reg, sha, files: (reg / "rulesets" / f"{sha}.json").write_text("{not json"),
     "its entry is not a register entry"),
    (lambda reg, sha, files: (reg / "rulesets" / f"{sha}.json").write_text(
        (reg / "rulesets" / f"{sha}.json").read_text().replace(sha, "0" * 64)),
     "its entry names another rule set"),
])
def test_a_tampered_register_entry_is_refused(tmp_path, reg, damage, words):
    other = load(copy_rules(tmp_path / "other", {"Are they socially isolated?": "Are they lonely?"}),
                 check=False)
    entry = register.record(other)
    files = [reg / "files" / entry.ruleset_file, reg / "files" / entry.fairness_file]
    damage(reg, other.sha256, files)
    with pytest.raises(ScreeningError) as e:
        register.load_registered(other.sha256)
    assert code_of(e) == "EX013"
    assert e.value.problems[0].message.startswith("this installation's register holds rule set sha256")
    assert words in e.value.problems[0].message


def test_a_swapped_file_that_hashes_to_its_own_name_is_still_refused(tmp_path, reg):
    """Replacing an entry's file by another intact file must not pass: the set must hash to the entry."""
    other = load(copy_rules(tmp_path / "other", {"Are they socially isolated?": "Are they lonely?"}),
                 check=False)
    entry = register.record(other)
    forged = b"ruleset: {}\n"
    name = hashlib.sha256(forged).hexdigest()
    (reg / "files" / name).write_bytes(forged)
    path = reg / "rulesets" / f"{other.sha256}.json"
    path.write_text(path.read_text().replace(entry.ruleset_file, name))
    with pytest.raises(ScreeningError) as e:
        register.load_registered(other.sha256)
    assert code_of(e) == "EX013" and "its files do not make up the rule set it names" in str(e.value)


def test_a_held_rule_set_this_version_cannot_load_is_refused_not_crashed(reg):
    broken = b"ruleset: {}\n"
    entry = register.record_files(broken, None, "old_rules", "0.1")
    with pytest.raises(ScreeningError) as e:
        register.load_registered(entry.sha256)
    assert code_of(e) == "EX013" and "no longer loads with this version of the tool" in str(e.value)


def test_recording_repairs_a_damaged_entry(rs, reg):
    entry = register.record(rs)
    (reg / "files" / entry.ruleset_file).write_bytes(b"damaged")
    register.record(rs)
    assert register.load_registered(rs.sha256).sha256 == rs.sha256


def test_eight_threads_recording_at_once_leave_one_intact_entry(rs, reg):
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(register.record(rs))
        except Exception as e:  # collected: a thread's exception would otherwise be lost
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 8
    assert [p.name for p in (reg / "rulesets").iterdir()] == [f"{rs.sha256}.json"]
    assert len(list((reg / "files").iterdir())) == 2  # no temporary files left behind
    assert register.entries()[0].sha256 == rs.sha256
    assert register.load_registered(rs.sha256).sha256 == rs.sha256


def test_an_unwritable_register_is_logged_not_fatal(rs, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the register should be")
    assert register.record_loaded(rs, blocker) is None
    assert "could not record rule set" in caplog.text


def test_the_app_records_the_rules_it_loads(rs, reg):
    from ui import state

    state._load.clear()
    loaded = state._load(str(RULES), "test")
    assert loaded.ruleset is not None and register.find(rs.sha256) is not None


# --- the command line ------------------------------------------------------------------------------

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def test_cli_register_add_and_list(rs, reg):
    code, out, _ = run("register", "list")
    assert code == 0 and "holds no rule sets yet" in out
    code, out, _ = run("register", "add", str(RULES))
    assert code == 0 and out.startswith(f"recorded: {rs.id} version {rs.version}, sha256 {rs.sha256}")
    code, out, _ = run("register", "add")
    assert code == 0 and out.startswith("already held:")
    code, out, _ = run("register", "list")
    assert code == 0 and f"{rs.id}  version {rs.version}  sha256 {rs.sha256}" in out


def test_cli_register_add_refuses_broken_rules(tmp_path, reg):
    folder = copy_rules(tmp_path / "rules", {"id: rochford_prevent_screening": "id: Bad Id"})
    code, _, err = run("register", "add", str(folder))
    assert code == 2 and "RS011" in err
    assert register.entries() == []


def test_cli_evaluate_records_the_rules_it_routes_with(rs, reg, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("us_and_them: yes\n")
    code, _, _ = run("evaluate", str(answers))
    assert code == 0 and register.find(rs.sha256) is not None


def test_cli_register_list_refuses_a_damaged_register(rs, reg):
    register.record(rs)
    (reg / "rulesets" / f"{rs.sha256}.json").write_text("[]")
    code, _, err = run("register", "list")
    assert code == 2 and "EX013" in err and "Traceback" not in err


@pytest.mark.parametrize(("env", "code", "words"), [
    ({KEY_ENV: "short"}, "EX014", "is 5 bytes long; a key must be at least 32 bytes"),
    ({KEYS_ENV: "new:" + "n" * 32 + ",old:tooshort"}, "EX014", "'old' in SCREENING_EXPORT_KEYS is 8 bytes"),
    ({KEYS_ENV: "n" * 40}, "EX015", "entry 1 is not written label:key"),
])
def test_cli_keys_exits_2_on_a_bad_key_setting(monkeypatch, env, code, words):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYS_ENV, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    status, _, err = run("keys")
    assert status == 2 and code in err and words in err
    assert "n" * 32 not in err  # a key is never printed


def test_cli_keys_names_which_key_seals(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEYS_ENV, "2026:" + "n" * 32 + ",2025:" + "o" * 32)
    status, out, _ = run("keys")
    assert status == 0 and out.splitlines()[0].startswith("seals and verifies: 2026 (key id ")
    assert out.splitlines()[1].startswith("verifies only: 2025") and "n" * 32 not in out
    monkeypatch.delenv(KEYS_ENV)
    status, out, _ = run("keys")
    assert status == 0 and "no export key set" in out


def test_a_reader_never_sees_a_half_written_entry(tmp_path):
    """Writes replace the file in one step: 8 writers racing, a reader only ever sees a whole one."""
    path = tmp_path / "entry.json"
    contents = [bytes([65 + i]) * 50_000 for i in range(8)]
    register._write_atomic(path, contents[0])
    stop = threading.Event()
    seen: list[bytes] = []

    def reader() -> None:
        while not stop.is_set():
            seen.append(path.read_bytes())

    def writer(data: bytes) -> None:
        for _ in range(5):
            register._write_atomic(path, data)

    r = threading.Thread(target=reader)
    r.start()
    writers = [threading.Thread(target=writer, args=(c,)) for c in contents]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    r.join()
    assert seen and all(s in contents for s in seen)
    assert [p.name for p in tmp_path.iterdir()] == ["entry.json"]
