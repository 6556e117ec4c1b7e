"""The council's own contacts survive a broken rule file; another council's never appear."""

from __future__ import annotations

from pathlib import Path

from rulefiles import copy_rules

from screening.rules.salvage import salvage_contacts


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
