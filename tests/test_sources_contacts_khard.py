"""The round trip with khard (issue #20, point 8): khard reads the cards keepwarm writes, and keepwarm reads the
cards khard writes and edits, through a contacts source on the vdir khard uses.

khard runs as the user would run it, with its own config in the test's folder; it asks before it saves an
edit, and is answered "yes" on its standard input.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KHARD = shutil.which("khard", path=str(Path(sys.executable).parent)) or shutil.which("khard")

pytestmark = pytest.mark.skipif(KHARD is None, reason="khard is not installed (it is in the test extras)")

LINUS = """First name : Linus
Last name : Pauling
Organisation : Caltech
Title : Professor
Email :
    work : linus@caltech.example
Phone :
    cell : "+1 626 555 0100"
Note : Two Nobel prizes
"""


@pytest.fixture
def khard(tmp_path):
    book = tmp_path / "addressbooks" / "work"
    book.mkdir(parents=True)
    config = tmp_path / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[work]]\npath = {book}\n"
        "[general]\ndefault_action = list\neditor = /bin/false\nmerge_editor = /bin/false\n"
        "[contact table]\nshow_uids = yes\n[vcard]\npreferred_version = 3.0\n",
        encoding="utf-8",
    )

    def call(*args: str, answer: str = "") -> str:
        done = subprocess.run(
            [KHARD, "-c", str(config), *args],
            input=answer, capture_output=True, text=True, timeout=60, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    call.book = book  # type: ignore[attr-defined]
    return call


def test_khard_reads_the_cards_keepwarm_writes(run, khard):
    assert run("contact", "add", "Grace Hopper", "--email", "grace@navy.example", "--account", "US Navy",
               "--title", "Rear Admiral", "--phone", "+1 202 555 0199").exit_code == 0
    assert run("source", "add", "contacts", str(khard.book)).exit_code == 0
    uid = run("contact", "show", "Grace Hopper", "--json").json()["contact"]["uid"]
    assert khard("list", "--parsable").splitlines() == [f"urn:uuid:{uid}\tGrace Hopper\twork"]
    shown = khard("show", "--format", "yaml", f"uid:{uid}")
    assert "Formatted name: Grace Hopper" in shown and "Title: Rear Admiral" in shown
    assert "grace@navy.example" in shown and "+1 202 555 0199" in shown and "US Navy" in shown

    # keepwarm edits her; khard shows the edit on the card it reads.
    assert run("contact", "edit", "Grace Hopper", "--title", "Commodore").exit_code == 0
    assert run("sync").exit_code == 0
    assert "Title: Commodore" in khard("show", "--format", "yaml", f"uid:{uid}")


def test_keepwarm_reads_the_cards_khard_writes_and_edits(run, khard):
    assert run("source", "add", "contacts", str(khard.book)).exit_code == 0
    khard("new", "-a", "work", "-i", "-", "--vcard-version", "3.0", answer=LINUS)
    [summary] = run("sync", "--json").json()
    assert (summary["new_contacts"], summary["unreadable"]) == (1, [])
    linus = run("contact", "show", "Linus Pauling", "--json").json()["contact"]
    assert (linus["account"], linus["title"], linus["emails"], linus["phones"], linus["notes"]) == (
        "Caltech", "Professor", ["linus@caltech.example"], ["+1 626 555 0100"], "Two Nobel prizes")

    # khard edits the card (the way a user does: the YAML shown, changed, given back and confirmed).
    yaml = khard("show", "--format", "yaml", f"uid:{linus['uid']}")
    assert "Title: Professor" in yaml
    changed = yaml.replace("Title: Professor", "Title: Professor Emeritus")
    source = khard.book.parent / "linus.yaml"
    source.write_text(changed, encoding="utf-8")
    khard("edit", "-i", str(source), f"uid:{linus['uid']}", answer="yes\n")
    [summary] = run("sync", "--json").json()
    assert (summary["updated_contacts"], summary["waiting"]) == (1, [])
    assert run("contact", "show", "Linus Pauling", "--json").json()["contact"]["title"] == "Professor Emeritus"

    # And keepwarm's edit of khard's card is one khard reads, with khard's own properties kept.
    assert run("contact", "edit", "Linus Pauling", "--tag", "chemistry").exit_code == 0
    assert run("sync").exit_code == 0
    shown = khard("show", "--format", "yaml", f"uid:{linus['uid']}")
    assert "Title: Professor Emeritus" in shown and "Categories: chemistry" in shown
    [card] = [p for p in khard.book.iterdir() if p.suffix == ".vcf"]
    assert "X-KIND:individual" in card.read_text().splitlines()
