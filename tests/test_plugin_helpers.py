"""The rule helpers of keepwarm.plugin: what they do, that docs/plugins.md gives their exact
signatures, and that keepwarm's own rules use them instead of private copies."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
import types
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

import keepwarm.api.kit as pluginkit
import keepwarm.plugin as plugin_api
from keepwarm.api.types import AccountContext, ContactContext, ContactStats, Member, Warning
from keepwarm.model import Account, Contact, Stage
from keepwarm.plugin import applies, in_play, joined, section, warnings_for
from keepwarm.testing import run_engine

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "plugins.md"
RULES = sorted(
    p for p in (ROOT / "plugins" / "keepwarm_plugins").glob("*.py")
    if p.name.split("_")[0] in ("cadence", "tips", "warn", "suggest") or p.name.endswith("_common.py")
)
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
TODAY = NOW.date()


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    days: int = Field(3, ge=1)


def _ctx(*, rules=None, do_not_contact=False, warnings=()) -> ContactContext:
    contact = Contact(id=1, name="Ada Lovelace", do_not_contact=do_not_contact)
    return ContactContext(contact=contact, stats=ContactStats(contact_id=1, recent_days=90, baseline_days=365), today=TODAY, now=NOW,
                          rules=rules if rules is not None else {"mine": Settings()}, warnings=tuple(warnings))


def _member(name: str, **fields) -> Member:
    return Member(contact=Contact(name=name, **fields), stats=ContactStats(contact_id=1, recent_days=90, baseline_days=365))


# ------------------------------------------------------------------ behaviour

def test_section_is_a_marked_hook_that_declares_the_section():
    hook = section("mine", Settings)
    declared = hook()
    assert (declared.name, declared.model) == ("mine", Settings)
    assert hasattr(hook, "keepwarm_impl")
    assert section("other", Settings) is not hook  # one hook per module, never shared


def test_applies_gives_the_settings_only_when_the_rule_should_run():
    on, off = Settings(), Settings(enabled=False)
    assert applies(_ctx(rules={"mine": on}), "mine") is on
    assert applies(_ctx(rules={"mine": off}), "mine") is None
    assert applies(_ctx(rules={}), "mine") is None
    quiet = _ctx(rules={"mine": on}, do_not_contact=True)
    assert applies(quiet, "mine") is on  # a tip or a warning about them still applies
    assert applies(quiet, "mine", reachable=True) is None  # a request to reach out does not
    account = AccountContext(account=Account(id=1, name="Acme"), members=(), today=TODAY, now=NOW, rules={"mine": on})
    assert applies(account, "mine", reachable=True) is on


def test_in_play_leaves_out_former_and_do_not_contact_stakeholders():
    people = [_member("Ada"), _member("Bob", stage=Stage.FORMER), _member("Cy", do_not_contact=True), _member("Di")]
    assert [m.contact.name for m in in_play(people)] == ["Ada", "Di"]


def test_warnings_for_keeps_the_keys_order_and_the_first_of_each():
    found = [Warning(key="one_way", message="a"), Warning(key="push_away", message="b"),
             Warning(key="one_way", message="c")]
    ctx = _ctx(warnings=found)
    assert [w.message for w in warnings_for(ctx, ["push_away", "none", "one_way"])] == ["b", "a"]
    assert warnings_for(_ctx(), ["one_way"]) == []


def test_joined_says_lists_as_people_do():
    assert [joined([]), joined(["a"]), joined(["a", "b"]), joined("abc"), joined("abc", "or")] == \
        ["", "a", "a and b", "a, b and c", "a, b or c"]


def test_a_third_party_module_built_with_the_helpers_runs_as_documented(keepwarm_history, keepwarm_session):
    block = next(b for b in re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
                 if "= section(" in b)
    module = types.ModuleType("quiet_champion")
    exec(compile(block, "docs/plugins.md helpers example", "exec"), module.__dict__)
    ada = keepwarm_history.contact("Ada Lovelace")
    quiet = keepwarm_history.contact("Bob Quiet", do_not_contact=True)
    for cid in (ada, quiet):
        keepwarm_history.log(cid, keepwarm_history.days_ago(90))
    evaluation = run_engine(keepwarm_session, module, builtins=False, rules={"quiet_champion": {"quiet_days": 30}})
    assert evaluation.problems == [] and evaluation.runtime.rule_problems == []
    assert [w.message for w in evaluation.warnings[ada]] == ["Ada has gone quiet."]
    assert evaluation.warnings.get(quiet, []) == []


# ------------------------------------------------------------------ the docs

def _signature(name: str, function) -> str:
    sig, parts, star = inspect.signature(function), [], False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = p.name + (f": {p.annotation}" if p.annotation is not p.empty else "")
        parts.append(text + (f" = {p.default!r}" if p.default is not p.empty else ""))
    return f"{name}({', '.join(parts)}) -> {sig.return_annotation}"


def test_every_helper_is_exported_and_documented_with_its_exact_signature():
    text = DOC.read_text(encoding="utf-8")
    part = re.search(r"^### Helpers for rules\n(.*?)(?=^##)", text, re.M | re.S)
    assert part, "docs/plugins.md has no '### Helpers for rules' section"
    documented = re.findall(r"^- `(\w+\(.*?\) -> .*?)`:", part.group(1), re.M)
    expected = [_signature(name, getattr(pluginkit, name)) for name in pluginkit.__all__]
    assert documented == expected
    assert set(pluginkit.__all__) <= set(plugin_api.__all__)


# ------------------------------------------------------------------ the built-ins use them

@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_built_in_rules_keep_no_copy_of_a_public_helper(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    copies = defined & {*pluginkit.__all__, "first_name", "present", "keepwarm_config_section"}
    assert copies == set(), f"{path.name} defines its own {sorted(copies)}: use keepwarm.plugin's"


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_built_in_rules_import_from_keepwarm_only_what_a_third_party_can(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    internal = {m for m in modules if m.split(".")[0] == "keepwarm"} - {"keepwarm.plugin", "keepwarm.model"}
    assert internal == set()
