"""The council's own contacts survive a broken rule file; another council's never appear."""

from __future__ import annotations

import threading
from pathlib import Path

from rulefiles import copy_rules

from screening.rules.salvage import Salvaged, salvage_contacts


def test_from_a_file_that_loads(tmp_path: Path) -> None:
    s = salvage_contacts(copy_rules(tmp_path))
    assert (s.emergency.phone, s.lead.phone, s.from_file) == ("999", "01702 546 366", True)


def test_from_broken_yaml_reads_the_named_contacts(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"phone: 01702 546 366": "phone: 01234 567 890"})
    path = d / "ruleset.yaml"
    path.write_text(path.read_text() + "\nbroken: [never closed\n")
    s = salvage_contacts(d)
    assert s.from_file and s.lead.phone == "01234 567 890" and s.emergency.phone == "999"
    assert s.lead.name == "Prevent Lead or Safeguarding Officer"


def test_unreadable_falls_back_to_national_numbers_only(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    (d / "ruleset.yaml").write_bytes(b"\x00\x01 nothing here")
    s = salvage_contacts(d)
    assert not s.from_file
    assert s.emergency.phone == "999" and s.lead.phone == "0800 789 321"
    assert salvage_contacts(tmp_path / "missing").lead.phone == "0800 789 321"


def test_an_endless_file_is_read_only_as_far_as_a_rule_file_may_go(tmp_path: Path) -> None:
    """A rule file that never ends (here /dev/zero): read in full it would never return, and the page
    that needs the numbers would never draw.  Bounded, it gives the national numbers at once."""
    d = copy_rules(tmp_path)
    (d / "ruleset.yaml").unlink()
    (d / "ruleset.yaml").symlink_to("/dev/zero")
    got: list[object] = []
    worker = threading.Thread(target=lambda: got.append(salvage_contacts(d)), daemon=True)
    worker.start()
    worker.join(60)  # a liveness bound, not a speed figure: unbounded, it runs until memory is gone
    assert got, "salvage_contacts read on and on"
    s = got[0]
    assert isinstance(s, Salvaged) and not s.from_file and s.emergency.phone == "999"
