"""`rules show` fits the terminal; `rules init` writes a commented starter, not a copy of every default."""

from __future__ import annotations

import re
import tomllib

from keepwarm.home import paths

SETTING = re.compile(r'^# ([A-Za-z0-9_"\-]+ = .*|  .*,|\])$')


def _flat(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(_flat(value, dotted + "."))
        else:
            out[dotted] = value
    return out


def test_rules_show_fits_an_80_column_terminal_and_keeps_every_word(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run("rules", "show", "style_tips")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0].split() == ["KEY", "VALUE", "FROM"]
    assert lines[1].split()[0] == "style_tips.enabled" and lines[1].endswith("shipped: tips.toml")
    # The long list of tips is wrapped under its key, not cut: every word is there, in order.
    value_col = lines[0].index("VALUE")
    shown = " ".join(line[value_col:].replace("shipped: tips.toml", "").strip() for line in lines[1:])
    tips = [tip for row in run("rules", "show", "style_tips", "--json").json() if isinstance(row["value"], list)
            for tip in row["value"]]
    assert len(tips) > 10
    for tip in tips:
        assert " ".join(tip.split()) in " ".join(shown.split()), tip


def test_rules_init_writes_every_setting_commented_out_so_values_still_come_from_the_defaults(run, home):
    before = {r["key"]: r for r in run("rules", "show", "--json").json()}
    assert run("rules", "init").exit_code == 0
    starter = paths.user_rules_dir() / "my-rules.toml"
    text = starter.read_text()
    assert {k: v for k, v in _flat(tomllib.loads(text)).items() if v != {}} == {}  # only empty tables: nothing set

    after = {r["key"]: r for r in run("rules", "show", "--json").json()}
    assert after == before
    assert not any(r["origin"].endswith("my-rules.toml") for r in after.values())

    # Every key is there with its default: uncommenting all of them changes no value.
    live = "\n".join(line[2:] if SETTING.match(line) else line for line in text.splitlines())
    written = _flat(tomllib.loads(live))
    assert set(written) == set(before)
    assert {k: v for k, v in written.items()} == {k: r["value"] for k, r in before.items()}

    # Each setting has its one-line meaning just above it.
    assert ("# Warn when the recent touches per month are below this share of the baseline's."
            "\n# ratio = 0.5\n") in text


def test_uncommenting_one_line_changes_only_that_key(run, home):
    assert run("rules", "init").exit_code == 0
    starter = paths.user_rules_dir() / "my-rules.toml"
    text = starter.read_text()
    section = text.index("[frequency_drop]")
    start = text.index("# ratio = 0.5", section)
    starter.write_text(text[:start] + "ratio = 0.4" + text[start + len("# ratio = 0.5"):])
    assert run("rules", "check").exit_code == 0
    rows = {r["key"]: r for r in run("rules", "show", "--json").json()}
    assert rows["frequency_drop.ratio"]["value"] == 0.4
    assert rows["frequency_drop.ratio"]["origin"] == str(starter)
    assert [k for k, r in rows.items() if r["origin"] == str(starter)] == ["frequency_drop.ratio"]
