"""Scenario tests of the communication tips through the real engine and CLI.

Each test builds a concrete contact and history with the CLI at the fixed
clock (Sunday 2026-11-22, 09:00 UTC), then reads the tips from
`contact show --json` or from the agenda.
"""

from __future__ import annotations

from keepwarm.home import paths


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def tips(run, who: str, topic: str) -> list[str]:
    view = ok(run("contact", "show", who, "--json")).json()
    return [t["text"] for t in view["tips"] if t["topic"] == topic]


def test_an_analytical_contact_gets_the_analytical_tips_and_no_others(run):
    ok(run("contact", "add", "Ada Lovelace", "--style", "analytical"))
    found = tips(run, "Ada", "style")
    assert len(found) == 4
    assert found[0].startswith("Bring evidence") and "Ada weighs facts over enthusiasm" in found[0]
    assert not any("Lead with the result" in t for t in found)  # a driver tip


def test_a_contact_of_unknown_style_is_asked_about(run):
    ok(run("contact", "add", "Grace Hopper"))
    assert tips(run, "Grace", "style") == [
        "You have not noted Grace's style yet: watch whether they lead with facts, results, ideas or people, "
        "then record it (keepwarm contact edit --style)."
    ]
    ok(run("contact", "edit", "Grace", "--style", "driver"))
    assert tips(run, "Grace", "style")[0].startswith("Lead with the result and what you need from Grace")


def test_user_rules_rewrite_the_style_tips(run):
    folder = paths.user_rules_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "voice.toml").write_text('[style_tips]\namiable = ["Have coffee with {name} first."]\n', encoding="utf-8")
    ok(run("rules", "check"))
    ok(run("contact", "add", "Ada Lovelace", "--style", "amiable"))
    assert tips(run, "Ada", "style") == ["Have coffee with Ada first."]


def test_motivation_drivers_bring_their_tips(run):
    ok(run("contact", "add", "Ada Lovelace", "--motivation", "learning", "--motivation", "autonomy"))
    found = tips(run, "Ada", "motivation")
    assert len(found) == 4
    assert any("something new to learn" in t for t in found) and any("choices rather than one path" in t for t in found)


def test_channel_and_best_time_show_as_one_tip_and_a_missing_preference_is_nudged(run):
    ok(run("contact", "add", "Ada Lovelace", "--channel", "email", "--best-time", "mornings"))
    ok(run("contact", "add", "Grace Hopper"))
    assert tips(run, "Ada", "channel") == ["Ada prefers email; best reached mornings."]
    assert "how Grace likes to be reached" in tips(run, "Grace", "channel")[0]


def test_a_do_not_contact_person_is_flagged_in_the_tips(run):
    ok(run("contact", "add", "Ada Lovelace", "--do-not-contact", "--channel", "call"))
    assert tips(run, "Ada", "channel") == [
        "Ada asked not to be contacted: no outreach of any kind until they say otherwise."
    ]


def test_after_a_dinner_the_no_business_tip_shows(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("log", "Ada", "--channel", "meal", "--purpose", "entertainment", "--when", "2026-11-19 19:30"))
    found = tips(run, "Ada", "etiquette")
    assert any("leave business at the door" in t for t in found)


def test_an_overdue_check_in_on_the_agenda_carries_the_keep_it_about_them_tip(run):
    ok(run("contact", "add", "Ada Lovelace", "--tier", "a"))
    ok(run("log", "Ada", "--channel", "call", "--when", "2026-09-01"))
    items = ok(run("agenda", "--json")).json()["items"]
    item = next(i for i in items if i["followup"]["rule_key"] == "cadence")
    etiquette = [t["text"] for t in item["tips"] if t["topic"] == "etiquette"]
    assert etiquette == [
        "Make the check-in about Ada: ask how things are going and what is on their plate, "
        "and keep your own agenda out of it unless they ask."
    ]
