"""What a third-party plugin gets from the agenda and `contact show`.

Its tips reach the agenda by their rank, `agenda --on DATE` evaluates as of
that day (the day plugins see), and `contact show` prints the problems the
plugins had with that contact.
"""

from __future__ import annotations

import json
import textwrap

from keepwarm.plugin import Channel, Role, Stage


def _plugin_file(home, name: str, body: str) -> None:
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def test_the_vocabularies_a_rule_compares_with_come_from_keepwarm_plugin():
    from keepwarm import model

    assert (Role, Channel, Stage) == (model.Role, model.Channel, model.Stage)
    assert Role("champion") is Role.CHAMPION


TIPS = """
    from keepwarm.plugin import Tip, hookimpl

    @hookimpl
    def keepwarm_tips(ctx):
        return [Tip("Ask how the regatta went.", topic="interests", rank=0.9),
                Tip("Mention the newsletter.", topic="interests")]
"""


def test_a_third_party_tip_ranked_high_is_among_the_two_the_agenda_shows(run, home):
    _plugin_file(home, "regatta", TIPS)
    ok(run("contact", "add", "Ada Lovelace", "--tier", "a", "--style", "driver", "--channel", "email",
           "--motivation", "achievement"))
    ok(run("log", "Ada", "--channel", "call", "--when", "2026-09-01"))
    text = ok(run("agenda")).stdout
    shown = [line.strip()[2:] for line in text.splitlines() if line.startswith("      - ")]
    assert shown[0] == "Ask how the regatta went." and len(shown) == 2
    assert "Mention the newsletter." not in shown  # the default rank comes after keepwarm's own tips
    [item] = [i for i in ok(run("agenda", "--json")).json()["items"] if i["contact"]["name"] == "Ada Lovelace"]
    texts = [t["text"] for t in item["tips"]]
    assert texts[0] == "Ask how the regatta went." and texts[-1] == "Mention the newsletter."
    assert len(texts) > 3


TODAY_WARNING = """
    from keepwarm.plugin import Warning, hookimpl

    @hookimpl
    def keepwarm_warnings(ctx):
        return [Warning("today", f"seen on {ctx.today.isoformat()}",
                        evidence={"days_since_touch": ctx.days_since_touch()})]
"""


def test_agenda_on_a_day_shows_what_plugins_see_on_that_day_and_stores_nothing_for_it(run, home):
    _plugin_file(home, "today", TODAY_WARNING)
    ok(run("contact", "add", "Ada Lovelace", "--tier", "a"))
    ok(run("log", "Ada", "--channel", "call", "--when", "2026-09-01"))
    ok(run("agenda"))
    stored = ok(run("followup", "list", "--json")).stdout
    ahead = ok(run("agenda", "--on", "2026-12-10", "--json")).json()
    [item] = [i for i in ahead["items"] if i["contact"]["name"] == "Ada Lovelace"]
    [warning] = [w for w in item["warnings"] if w["key"] == "today"]
    assert warning == {"key": "today", "message": "seen on 2026-12-10", "severity": 2,
                       "evidence": {"days_since_touch": 100}}
    assert ok(run("followup", "list", "--json")).stdout == stored  # nothing stored as of that day
    now = ok(run("agenda", "--json")).json()
    [item] = [i for i in now["items"] if i["contact"]["name"] == "Ada Lovelace"]
    assert [w["message"] for w in item["warnings"] if w["key"] == "today"] == ["seen on 2026-11-22"]
    shown = json.loads(ok(run("contact", "show", "Ada", "--json")).stdout)
    assert [w["message"] for w in shown["warnings"] if w["key"] == "today"] == ["seen on 2026-11-22"]


FAILING = """
    from keepwarm.plugin import hookimpl

    @hookimpl
    def keepwarm_suggestions(ctx):
        if ctx.contact.name.startswith("Ada"):
            raise ValueError("no golf handicap on file")
        return None
"""


def test_contact_show_prints_the_problems_plugins_had_with_that_contact(run, home):
    _plugin_file(home, "golf", FAILING)
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("contact", "add", "Grace Hopper"))
    shown = ok(run("contact", "show", "Ada")).stdout
    assert "\nPlugin problems\n  ! plugin golf: keepwarm_suggestions: ValueError: no golf handicap on file\n" in shown
    assert "Plugin problems" not in ok(run("contact", "show", "Grace")).stdout
