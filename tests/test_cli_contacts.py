"""`keepwarm contact ...` and `keepwarm account ...` end to end, in-process."""

from __future__ import annotations

import pytest


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def people(run):
    """Four contacts in two accounts with distinct roles, styles, stages and tags."""
    ok(run("contact", "add", "José Álvarez", "--account", "Acme", "--role", "champion", "--style", "driver",
           "--stage", "at-risk", "--tag", "VIP", "--tag", "renewal"))
    ok(run("contact", "add", "Ada Lovelace", "--account", "Acme", "--role", "technical-evaluator",
           "--style", "analytical", "--tag", "vip"))
    ok(run("contact", "add", "Grace Hopper", "--account", "Navy Labs", "--role", "Executive Sponsor",
           "--style", "driver", "--stage", "prospect"))
    ok(run("contact", "add", "Joséphine Baker", "--style", "expressive", "--stage", "dormant"))
    return run


def names(result) -> list[str]:
    return [c["name"] for c in ok(result).json()]


# ------------------------------------------------------------------ add


def test_add_with_every_field_and_read_it_back(run):
    ok(run("user", "add", "sam"))  # an owner is one of the book's users (migration 0019)
    added = ok(run(
        "contact", "add", "José Álvarez", "--account", "Acme", "--title", "CFO", "--role", "champion",
        "--style", "driver", "--stage", "at-risk", "--tag", "VIP", "--email", "jose@acme.test",
        "--phone", "+1 555 0100", "--motivation", "achievement", "--motivation", "Social Connection",
        "--interest", "college football", "--channel", "email", "--best-time", "mornings",
        "--birthday", "03-14", "--work-anniversary", "2019-05-02", "--date", "company founded=2001-06-01",
        "--tier", "a", "--notes", "likes data", "--owner", "sam", "--do-not-contact", "--json",
    )).json()
    assert added["id"] == 1
    expected = {
        "name": "José Álvarez", "account": "Acme", "title": "CFO", "role": "champion", "style": "driver",
        "stage": "at_risk", "tags": ["VIP"], "emails": ["jose@acme.test"], "phones": ["+1 555 0100"],
        "motivations": ["achievement", "social_connection"], "interests": ["college football"],
        "preferred_channel": "email", "best_time": "mornings", "tier": "a", "notes": "likes data",
        "owner": "sam", "do_not_contact": True,
        "dates": [
            {"kind": "birthday", "month": 3, "day": 14, "year": None, "label": ""},
            {"kind": "work_anniversary", "month": 5, "day": 2, "year": 2019, "label": ""},
            {"kind": "custom", "month": 6, "day": 1, "year": 2001, "label": "company founded"},
        ],
    }
    assert {k: added[k] for k in expected} == expected
    shown = ok(run("contact", "show", "1", "--json")).json()["contact"]
    assert {k: shown[k] for k in expected} == expected
    assert shown["uid"] == added["uid"] and len(added["uid"]) == 36


def test_add_prints_the_new_id(run):
    assert ok(run("contact", "add", "Ada Lovelace")).stdout == "Added contact 1: Ada Lovelace\n"
    assert ok(run("contact", "add", "Grace Hopper")).stdout == "Added contact 2: Grace Hopper\n"


def test_add_creates_the_account_once(run):
    ok(run("contact", "add", "Ada", "--account", "Acme"))
    ok(run("contact", "add", "Bob", "--account", "acme"))
    accounts = ok(run("account", "list", "--json")).json()
    assert [(a["name"], a["contacts"]) for a in accounts] == [("Acme", 2)]


# ------------------------------------------------------------------ list


def test_list_all_sorted_by_name(people):
    assert names(people("contact", "list", "--json")) == ["Ada Lovelace", "Grace Hopper", "José Álvarez", "Joséphine Baker"]


def test_list_as_a_table(people):
    out = ok(people("contact", "list", "--stage", "prospect")).stdout.splitlines()
    assert out[0].split() == ["ID", "NAME", "ACCOUNT", "ROLE", "STYLE", "STAGE", "TAGS"]
    assert out[1].split() == ["3", "Grace", "Hopper", "Navy", "Labs", "executive", "sponsor", "driver", "prospect"]
    assert len(out) == 2


FILTERS = [
    (("--account", "Acme"), ["Ada Lovelace", "José Álvarez"]),
    (("--account", "navy"), ["Grace Hopper"]),
    (("--tag", "VIP"), ["Ada Lovelace", "José Álvarez"]),
    (("--tag", "renewal"), ["José Álvarez"]),
    (("--role", "champion"), ["José Álvarez"]),
    (("--role", "executive-sponsor"), ["Grace Hopper"]),
    (("--style", "driver"), ["Grace Hopper", "José Álvarez"]),
    (("--stage", "dormant"), ["Joséphine Baker"]),
    (("--stage", "active"), ["Ada Lovelace"]),
    (("--style", "driver", "--account", "Acme"), ["José Álvarez"]),
    (("--tag", "nobody-has-this"), []),
]

SEARCHES = [
    ("jose", ["José Álvarez", "Joséphine Baker"]),
    ("JOSÉ", ["José Álvarez", "Joséphine Baker"]),
    ("alvarez", ["José Álvarez"]),
    ("ÁLVA", ["José Álvarez"]),
    ("love", ["Ada Lovelace"]),
    ("e h", ["Grace Hopper"]),
    ("%", []),
    ("zzz", []),
]


def test_list_filters(people):
    # One database for every case: building it is the slow part.
    for options, expected in FILTERS:
        assert names(people("contact", "list", *options, "--json")) == expected, options


def test_search_ignores_case_and_accents(people):
    for fragment, expected in SEARCHES:
        assert names(people("contact", "list", "--search", fragment, "--json")) == expected, fragment


def test_search_with_a_filter(people):
    assert names(people("contact", "list", "-s", "jose", "--stage", "dormant", "--json")) == ["Joséphine Baker"]


# ------------------------------------------------------------------ show


def test_show_by_id_name_or_fragment(people):
    for ref in ("2", "Ada Lovelace", "lovelace", "ADA"):
        assert ok(people("contact", "show", ref, "--json")).json()["contact"]["id"] == 2


def test_an_exact_name_wins_over_longer_matches(people):
    # "José Álvarez" is also a fragment of nothing else, but "jose" alone is ambiguous.
    assert ok(people("contact", "show", "jose alvarez", "--json")).json()["contact"]["name"] == "José Álvarez"


def test_show_as_text(people):
    out = ok(people("contact", "show", "grace")).stdout
    assert out.startswith("Grace Hopper  (#3)\n")
    assert "  account           Navy Labs\n" in out
    assert "  role              executive sponsor\n" in out
    assert "  tier / stage      B / prospect\n" in out


def test_show_gathers_history_promises_followups_and_assessments(people):
    ok(people("log", "ada", "-c", "call", "--when", "yesterday 10:00", "--notes", "asked about the API"))
    ok(people("promise", "add", "ada", "send the spec", "--due", "2026-11-30"))
    ok(people("followup", "add", "ada", "review the spec", "--due", "+3w"))
    ok(people("assess", "ada", "--trust", "4", "--communication", "3", "--sharing", "3", "--advocacy", "2",
              "--conflict", "3", "--commitment", "3"))
    view = ok(people("contact", "show", "ada", "--json")).json()
    assert [(i["channel"], i["at"], i["notes"]) for i in view["recent_interactions"]] == [
        ("call", "2026-11-21T10:00:00Z", "asked about the API")
    ]
    assert [(p["text"], p["due"]) for p in view["open_promises"]] == [("send the spec", "2026-11-30")]
    assert ("review the spec", "2026-12-13") in [(f["reason"], f["due"]) for f in view["open_followups"]]
    assert [(a["trust"], a["mean"]) for a in view["assessments"]] == [(4, 3.0)]


# ------------------------------------------------------------------ edit


def test_edit_changes_only_the_fields_given(people):
    assert ok(people("contact", "edit", "grace", "--title", "Rear Admiral", "--stage", "active")).stdout == (
        "Updated contact 3: Grace Hopper\n"
    )
    c = ok(people("contact", "show", "3", "--json")).json()["contact"]
    assert (c["title"], c["stage"], c["role"], c["style"], c["account"]) == (
        "Rear Admiral", "active", "executive_sponsor", "driver", "Navy Labs"
    )


def test_edit_renames_and_moves_account(people):
    ok(people("contact", "edit", "grace", "--name", "Grace B. Hopper", "--account", "Univac"))
    c = ok(people("contact", "show", "3", "--json")).json()["contact"]
    assert (c["name"], c["account"]) == ("Grace B. Hopper", "Univac")
    assert names(people("contact", "list", "--account", "Univac", "--json")) == ["Grace B. Hopper"]


def test_edit_tags(people):
    ok(people("contact", "edit", "alvarez", "--add-tag", "board", "--remove-tag", "vip"))
    assert ok(people("contact", "show", "1", "--json")).json()["contact"]["tags"] == ["renewal", "board"]
    ok(people("contact", "edit", "alvarez", "--add-tag", "BOARD"))
    assert ok(people("contact", "show", "1", "--json")).json()["contact"]["tags"] == ["renewal", "board"]
    ok(people("contact", "edit", "alvarez", "--tag", "fresh"))  # --tag replaces the whole list
    assert ok(people("contact", "show", "1", "--json")).json()["contact"]["tags"] == ["fresh"]
    assert names(people("contact", "list", "--tag", "renewal", "--json")) == []


def test_edit_dates(people):
    ok(people("contact", "edit", "ada", "--birthday", "1985-12-10", "--date", "company founded=1837-10-31"))
    dates = ok(people("contact", "show", "ada", "--json")).json()["contact"]["dates"]
    assert [(d["kind"], d["year"], d["month"], d["day"], d["label"]) for d in dates] == [
        ("birthday", 1985, 12, 10, ""),
        ("custom", 1837, 10, 31, "company founded"),
    ]
    # A new birthday replaces the old one and keeps the others.
    ok(people("contact", "edit", "ada", "--birthday", "--12-10"))
    dates = ok(people("contact", "show", "ada", "--json")).json()["contact"]["dates"]
    assert [(d["kind"], d["year"]) for d in dates] == [("custom", 1837), ("birthday", None)]
    ok(people("contact", "edit", "ada", "--clear-dates", "--work-anniversary", "2020-01-06"))
    dates = ok(people("contact", "show", "ada", "--json")).json()["contact"]["dates"]
    assert [(d["kind"], d["year"], d["month"], d["day"]) for d in dates] == [("work_anniversary", 2020, 1, 6)]


def test_edit_emails_replace_the_list(people):
    ok(people("contact", "edit", "ada", "--email", "ada@old.test"))
    ok(people("contact", "edit", "ada", "--email", "ada@new.test", "--email", "lovelace@new.test"))
    assert ok(people("contact", "show", "ada", "--json")).json()["contact"]["emails"] == [
        "ada@new.test", "lovelace@new.test"
    ]


# ------------------------------------------------------------------ rm


def test_rm_with_yes_removes_the_contact_and_its_history(people):
    ok(people("log", "grace", "-c", "email", "--when", "yesterday"))
    assert ok(people("contact", "rm", "grace", "--yes")).stdout == "Removed contact 3: Grace Hopper\n"
    assert "Grace Hopper" not in names(people("contact", "list", "--json"))
    result = people("history", "3")
    assert result.exit_code == 2
    assert result.stderr == "keepwarm: contact: no contact with id 3\n"


def test_rm_asks_and_a_yes_answer_removes(people):
    result = ok(people("contact", "rm", "grace", input="y\n"))
    assert "Remove Grace Hopper (id 3, Navy Labs) and all their history?" in result.stderr
    assert "Grace Hopper" not in names(people("contact", "list", "--json"))


@pytest.mark.parametrize("answer", ["n\n", "\n"])  # no answer at all: tests/test_trust_tryout_cli.py
def test_rm_without_confirmation_removes_nothing(people, answer):
    result = people("contact", "rm", "grace", input=answer)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.rstrip().endswith("Aborted.")
    assert "Grace Hopper" in names(people("contact", "list", "--json"))


# ------------------------------------------------------------------ accounts


def test_account_add_list_show_edit(run):
    assert ok(run("account", "add", "Acme", "--industry", "steel", "--culture", "consensus first",
                  "--decision-making", "committee", "--risk-tolerance", "low", "--budget-cycle", "Q3",
                  "--notes", "family owned")).stdout == "Added account 1: Acme\n"
    ok(run("account", "add", "Navy Labs"))
    ok(run("contact", "add", "Ada", "--account", "Acme", "--role", "champion"))
    ok(run("contact", "add", "Bob", "--account", "Acme", "--role", "financial_approver", "--title", "CFO"))
    listed = ok(run("account", "list", "--json")).json()
    assert [(a["id"], a["name"], a["industry"], a["contacts"]) for a in listed] == [
        (1, "Acme", "steel", 2), (2, "Navy Labs", "", 0)
    ]
    table = ok(run("account", "list")).stdout.splitlines()
    assert table[0].split() == ["ID", "NAME", "INDUSTRY", "CONTACTS"]
    assert table[1].split() == ["1", "Acme", "steel", "2"]

    shown = ok(run("account", "show", "acme", "--json")).json()
    assert shown["account"] == {
        "id": 1, "name": "Acme", "industry": "steel", "culture": "consensus first", "decision_making": "committee",
        "risk_tolerance": "low", "budget_cycle": "Q3", "notes": "family owned",
    }
    assert [(s["name"], s["role"], s["title"]) for s in shown["stakeholders"]] == [
        ("Ada", "champion", ""), ("Bob", "financial_approver", "CFO")
    ]
    assert "champion" not in shown["roles_uncovered"] and "executive_sponsor" in shown["roles_uncovered"]
    text = ok(run("account", "show", "1")).stdout
    assert text.startswith("Acme  (#1)\n") and "  industry          steel\n" in text

    assert ok(run("account", "edit", "acme", "--industry", "metals", "--name", "Acme Corp")).stdout == (
        "Updated account 1: Acme Corp\n"
    )
    shown = ok(run("account", "show", "1", "--json")).json()["account"]
    assert (shown["name"], shown["industry"], shown["culture"]) == ("Acme Corp", "metals", "consensus first")
    assert ok(run("contact", "show", "ada", "--json")).json()["contact"]["account"] == "Acme Corp"


def test_account_name_taken(run):
    ok(run("account", "add", "Acme"))
    ok(run("account", "add", "Navy"))
    for args in (("account", "add", "ACME"), ("account", "edit", "navy", "--name", "acme")):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [f"keepwarm: account: {args[-1]!r} exists already"]
    assert [a["name"] for a in ok(run("account", "list", "--json")).json()] == ["Acme", "Navy"]
