"""Plugin files that someone else can change are refused, as ssh refuses such keys (issue #17, point 15).

The mode checks use real chmod. The owner check needs a file owned by another
user: as root (these tests' usual case) the file is given away with chown; as
anyone else the expected owner is injected as a uid that is not theirs.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from keepwarm.doctor import checks as doctor
from keepwarm.hosting.host import PluginHost

MARKER_PLUGIN = """
    from pathlib import Path
    from keepwarm.plugin import Tip, hookimpl

    Path({marker!r}).write_text("ran", encoding="utf-8")

    @hookimpl
    def keepwarm_tips(ctx):
        return [Tip("from a file")]
"""


def _folder(home):
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    for private in (home, home / "config", folder):  # whatever the umask
        os.chmod(private, 0o755)
    return folder


def _plugin(folder, name, marker):
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(MARKER_PLUGIN.format(marker=str(marker))), encoding="utf-8")
    os.chmod(path, 0o644)
    return path


def _another_users_file(path):
    """(path now owned by someone else, the uid keepwarm should expect)."""
    if os.geteuid() == 0:
        os.chown(path, 54321, -1)
        return 0
    return os.geteuid() + 1  # the file stays ours, and we pretend to be someone else (never root)


def test_a_private_plugin_file_runs(run, home, tmp_path):
    marker = tmp_path / "ran"
    _plugin(_folder(home), "mine", marker)
    listed = {p["name"]: p for p in run("plugins", "list", "--json").json()}
    assert listed["mine"]["active"] is True
    assert marker.exists()


def test_a_world_writable_plugin_file_is_listed_with_the_reason_and_never_run(run, home, tmp_path):
    marker = tmp_path / "ran"
    path = _plugin(_folder(home), "shared", marker)
    os.chmod(path, 0o646)
    listed = {p["name"]: p for p in run("plugins", "list", "--json").json()}
    assert listed["shared"]["active"] is False
    assert listed["shared"]["error"] == (
        f"refused: the file {path} can be changed by every user (mode 0646) (fix: chmod o-w {path})")
    text = run("plugins", "list")
    assert f"error: refused: the file {path} can be changed by every user" in text.stdout
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    agenda = run("agenda", "--json")
    assert agenda.exit_code == 0
    assert f"keepwarm: warning: plugin shared: load: refused: the file {path}" in agenda.stderr
    assert not marker.exists(), "a refused plugin's code never runs"


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o757])
def test_a_world_writable_plugins_folder_refuses_every_file_sticky_bit_or_not(run, home, tmp_path, mode):
    marker = tmp_path / "ran"
    folder = _folder(home)
    _plugin(folder, "first", marker)
    _plugin(folder, "second", marker)
    os.chmod(folder, mode)
    listed = {p["name"]: p for p in run("plugins", "list", "--json").json()}
    for name in ("first", "second"):
        assert listed[name]["error"] == (
            f"refused: the plugins folder {folder} can be changed by every user (mode {mode:04o}) "
            f"(fix: chmod o-w {folder})")
    assert not marker.exists()
    result = run("doctor", "--json")
    assert result.exit_code == 1
    plugin_problems = [f for f in result.json()["findings"] if f["check"] == "plugins" and not f["ok"]]
    assert plugin_problems == [{
        "check": "plugins", "ok": False, "fix": f"chmod o-w {folder}",
        "message": f"no plugin file in {folder} is run (first.py, second.py): the plugins folder {folder} "
                   f"can be changed by every user (mode {mode:04o})",
    }], "one finding with its fix, not one more per refused plugin"
    text = run("doctor")
    assert f"fix: chmod o-w {folder}" in text.stdout


def test_a_world_writable_folder_above_is_refused_unless_sticky(home, tmp_path):
    above = tmp_path / "shared"
    folder = above / "plugins"
    folder.mkdir(parents=True)
    _plugin(folder, "mine", tmp_path / "ran")
    os.chmod(above, 0o777)
    host = PluginHost(plugins_dir=folder, packages=False).load()
    assert host.infos["mine"].error == (
        f"refused: the folder {above} can be changed by every user (mode 0777) (fix: chmod o-w {above})")
    os.chmod(above, 0o1777)  # like /tmp: no one else can rename our folder away
    host = PluginHost(plugins_dir=folder, packages=False).load()
    assert host.infos["mine"].active


def test_a_plugin_file_owned_by_another_user_is_refused_with_the_chown(home, tmp_path):
    marker = tmp_path / "ran"
    folder = _folder(home)
    path = _plugin(folder, "theirs", marker)
    uid = _another_users_file(path)
    owner = os.stat(path).st_uid
    host = PluginHost(plugins_dir=folder, packages=False, owner_uid=uid).load()
    info = host.infos["theirs"]
    assert not info.active and info.refused
    assert info.error.startswith(f"refused: the file {path} belongs to ")
    assert f"uid {owner}" in info.error and ", not to you (fix: chown " in info.error
    assert not marker.exists()
    findings = doctor.check_plugin_folder(folder, uid)
    assert [(f.ok, f.fix.split(" ")[0], f.fix.endswith(f"{path}, or remove it if you did not put it there"))
            for f in findings] == [(False, "chown", True)]
    assert findings[0].message.startswith("plugin file theirs.py is not run: the file")


def test_root_is_trusted_as_owner_like_ssh_does(home, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs a root-owned file")
    marker = tmp_path / "ran"
    folder = _folder(home)
    _plugin(folder, "roots", marker)
    host = PluginHost(plugins_dir=folder, packages=False, owner_uid=54321).load()
    assert host.infos["roots"].active
    assert marker.exists()
    assert [f.ok for f in doctor.check_plugin_folder(folder, 54321)] == [True]
