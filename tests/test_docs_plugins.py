"""docs/plugins.md documents every hook with the signature the code has."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import keepwarm.api.hookspecs as hookspecs
from keepwarm import testing
from keepwarm.testing import run_engine

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def _hooks():
    return {name: getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("keepwarm_")}


def _documented() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return {m.group(1): m.group(0).strip("`# ") for m in re.finditer(r"^### `(keepwarm_\w+)\(.*`$", text, re.M)}


def _signature(name, func) -> str:
    sig = inspect.signature(func)
    params = ", ".join(
        f"{p.name}: {p.annotation}" if p.annotation is not inspect.Parameter.empty else p.name
        for p in sig.parameters.values()
    )
    return f"{name}({params}) -> {sig.return_annotation}"


def test_every_hook_is_documented_with_its_exact_signature():
    documented = _documented()
    for name, func in _hooks().items():
        assert name in documented, f"{name} is missing from docs/plugins.md"
        assert documented[name] == _signature(name, func), f"{name}: the signature in docs/plugins.md differs"


def test_the_docs_name_no_hook_that_does_not_exist():
    assert set(_documented()) <= set(_hooks())


def test_every_hookspec_has_a_docstring_saying_what_it_receives_and_returns():
    for name, func in _hooks().items():
        doc = inspect.getdoc(func) or ""
        assert len(doc.split()) > 30, f"{name} needs a real docstring"
        assert "return" in doc.lower(), f"{name}'s docstring should say what it returns"


# ------------------------------------------------ what each hook says about itself

def _hook_section(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^### `{name}\(.*?(?=^##)", text, re.M | re.S)
    assert match, f"{name} has no section in docs/plugins.md"
    return match.group(0)


def test_each_hook_says_when_it_is_called_its_arguments_its_return_and_whether_the_first_result_wins():
    for name, func in _hooks().items():
        section = _hook_section(name)
        for label in ("**Called:**", "**Arguments:**", "**Returns:**", "**Results:**"):
            assert label in section, f"{name}: docs/plugins.md lacks {label}"
        arguments = re.search(r"\*\*Arguments:\*\* (.*)", section).group(1)
        params = list(inspect.signature(func).parameters)
        for param in params:
            assert f"`{param}`" in arguments, f"{name}: the Arguments line does not name `{param}`"
        if not params:
            assert arguments.startswith("none"), f"{name} takes no argument"
        results = re.search(r"\*\*Results:\*\* (.*)", section).group(1)
        firstresult = func.keepwarm_spec["firstresult"]
        if firstresult:
            assert "first result wins" in results, f"{name} is first-result; the docs must say so"
        else:
            assert "not first-result" in results, f"{name} collects every result; the docs must say so"
        assert "```python" in section, f"{name} needs an example"


# ------------------------------------------------ the examples run as written

def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_every_python_example_compiles():
    for number, block in enumerate(_python_blocks()):
        compile(block, f"docs/plugins.md python block {number}", "exec")


def test_every_tutorial_plugin_loads_and_runs_without_problems(keepwarm_history, keepwarm_session):
    tutorials = [b for b in _python_blocks() if "def keepwarm_config_section" in b and "from keepwarm.plugin import" in b]
    assert len(tutorials) >= 4, "one complete tutorial module per family"
    ada = keepwarm_history.contact("Ada Lovelace", tags=["key-account"], interests=["coffee"])
    keepwarm_history.rhythm(ada, every_days=14, for_days=365, silent_days=90)
    modules = []
    for number, block in enumerate(tutorials):
        module = types.ModuleType(f"tutorial_{number}")
        exec(compile(block, f"docs/plugins.md tutorial {number}", "exec"), module.__dict__)
        modules.append(module)
    evaluation = run_engine(keepwarm_session, *modules, builtins=False)
    assert evaluation.problems == [] and evaluation.runtime.rule_problems == []
    assert [p.rule_key for _, p in evaluation.proposals[ada]] == ["key_accounts"]
    assert [w.key for w in evaluation.warnings[ada]] == ["gone_quiet"]
    assert [t.topic for t in evaluation.tips(ada)] == ["interests"]
    assert [s.key for s in evaluation.suggestions(ada)] == ["quarter_check"]


# ------------------------------------------------ keepwarm.testing as documented

def _table_names(heading: str) -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    table = re.search(rf"\| {heading} \| what it \w+ \|\n\| --- \| --- \|\n((?:\|.*\n)+)", text)
    assert table, f"no '{heading}' table in docs/plugins.md"
    return {re.match(r"\| `(\w+)", row).group(1) for row in table.group(1).splitlines()}


def test_the_documented_fixtures_and_builders_are_exactly_what_keepwarm_testing_has():
    fixtures = {name for name, value in vars(testing).items()
                if name.startswith("keepwarm_") and hasattr(value, "_fixture_function_marker")
                or (name.startswith("keepwarm_") and type(value).__name__ == "FixtureFunctionDefinition")}
    assert fixtures, "keepwarm.testing defines no fixtures?"
    assert _table_names("fixture") == fixtures
    builders = {name for name, value in vars(testing.History).items()
                if not name.startswith("_") and callable(value)}
    assert _table_names("method") == builders
    documented_args = re.search(r"`run_engine\((.*?)\)`", DOC.read_text(encoding="utf-8"), re.S).group(1)
    assert [a.split("=")[0].strip().lstrip("*") for a in documented_args.split(",")] == list(
        inspect.signature(testing.run_engine).parameters)
