"""The team dashboard and the weekly review as text: plain lines for the terminal, Markdown for a file.

A trend is drawn as a sparkline, one block a week (blank where nothing was recorded), so that a person can
look rather than read. The review is one list of blocks rendered two ways, so the terminal and the Markdown
say the same thing. Outside text (names, promises, reasons) is escaped for Markdown and made visible
(control characters as `\\x1b`): a file goes to other programs and other terminals than this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..text.controls import visible
from ..text.wording import about, one_line, plural
from .digest import md

_BLOCKS = "▁▂▃▄▅▆▇█"
#: What would make a line's start a heading, a list item or a quote in Markdown when outside text begins it.
_LEADING = re.compile(r"^(\d+)([.)])|^([#+\-=>])")


def sparkline(values: Sequence[float | None], low: float | None = None, high: float | None = None) -> str:
    """One block a value, its height within [low, high] (the values' own range when not given); None a space."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low = min(known) if low is None else low
    high = max(known) if high is None else high
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            step = 0 if span <= 0 else round((min(max(v, low), high) - low) / span * (len(_BLOCKS) - 1))
            out.append(_BLOCKS[step])
    return "".join(out)


def pct(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def signed(value: float | None) -> str:
    return "" if value is None else f" ({value:+g} in 4 weeks)"


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


# ------------------------------------------------------------------ dashboard


def dashboard_text(data: dict) -> str:
    """The team dashboard: a block per person, with their trends as sparklines (oldest week first)."""
    week = data["week"]
    lines = [
        f"Team on {data['on']} (week {week['start']}..{week['end']}; trends over {len(data['weeks'])} weeks "
        f"from {data['weeks'][0]})"
    ]
    if not data["people"]:
        lines.append("Nobody yet: the book has no contacts.")
    for p in data["people"]:
        lines += ["", *_person_lines(p, data["promise_window_days"])]
    return "\n".join(lines)


def _person_lines(p: dict, window: int) -> list[str]:
    t, k, pr, h, a, cov = (
        p["touches"],
        p["key_on_cadence"],
        p["promises"],
        p["health"],
        p["account_health"],
        p["coverage"],
    )
    top = max([*t["weekly"], *t["weekly_plan"], 1])
    lines = [
        f"{one_line(p['name'])} ({plural(p['contacts'], 'contact')}, {plural(len(p['accounts']), 'account')})",
        f"  {'Touches this week':<29}{t['done']} of {about(t['plan_to_date'])} planned so far ({pct(t['ratio'])})"
        f"   {sparkline(t['weekly'], 0, top)}",
        f"  {'Follow-ups overdue':<29}{p['followups_overdue']}",
        f"  {'Promises kept on time':<29}{pr['on_time']} of {pr['due']} ({pct(pr['share'])}; late {pr['late']}, "
        f"missed {pr['missed']}; due in the last {window} days)",
        f"  {'Key stakeholders on cadence':<29}{k['on_cadence']} of {k['key']} ({pct(k['share'])})",
    ]
    if k["behind"]:
        lines.append(f"  {'':<29}behind: " + ", ".join(one_line(b["name"]) for b in k["behind"][:6]))
    lines += [
        f"  {'Health of their contacts':<29}{number(h['mean'])}{signed(h['change'])}   {sparkline(h['weekly'], 0, 100)}"
        f"   warm {h['warm']}, cooling {h['cooling']}, cold {h['cold']}",
        f"  {'Health of their accounts':<29}{number(a['mean'])}{signed(a['change'])}   {sparkline(a['weekly'], 0, 100)}",
        f"  {'Key roles covered':<29}{cov['covered']} of {cov['key_roles']} ({pct(cov['share'])})",
    ]
    for acc in p["accounts"]:
        missing = ", ".join(r.replace("_", " ") for r in acc["key_roles_missing"]) or "none"
        lines.append(
            f"    {one_line(acc['name'])[:28]:<28} health {number(acc['health']):>3}{signed(acc['change'])}"
            f"   {sparkline(acc['weekly'], 0, 100)}   roles {acc['roles_covered']}/{acc['roles']}, "
            f"key missing: {missing}"
        )
    return lines


# --------------------------------------------------------------------- review


def _blocks(data: dict) -> Iterator[tuple[str, str, dict]]:
    """The review as (kind, our words with {fields}, the outside values): kind is title, heading, item or note."""
    week = data["week"]
    yield "title", "Weekly review, week of {start} to {end}", {"start": week["start"], "end": week["end"]}
    if data["as_of"] != week["end"]:
        yield "note", "So far: up to {day}.", {"day": data["as_of"]}
    for p in data["people"]:
        yield from _person_blocks(p)


def _person_blocks(p: dict) -> Iterator[tuple[str, str, dict]]:
    f, moved, slipped, cooling = p["figures"], p["moved"], p["slipped"], p["cooling"]
    t = f["touches"]
    yield "heading", "{name}", {"name": p["name"]}
    yield (
        "note",
        "{done} of {plan} touches planned · {late} · promises on time {share} · key on cadence {key} · "
        "health {health} {spark}",
        {
            "done": t["done"],
            "plan": about(t["plan_to_date"]),
            "late": plural(f["followups_overdue"], "follow-up") + " late",
            "share": pct(f["promises"]["share"]),
            "key": f"{f['key_on_cadence']['on_cadence']}/{f['key_on_cadence']['key']}",
            "health": number(f["health"]["mean"]),
            "spark": sparkline(f["health"]["weekly"], 0, 100).strip() or "-",
        },
    )
    yield "section", "What moved", {}
    for m in moved["touches"]:
        yield "item", "{name}: {count}", {"name": m["name"], "count": plural(m["count"], "touch")}
    for m in moved["promises_kept"]:
        when = "on time" if m["on_time"] else f"late (due {m['due']})"
        yield "item", "Kept the promise to {contact}: {text} ({when})", {**m, "when": when}
    for m in moved["warmer"]:
        yield "item", "{name} warmer: health {from} to {to}", m
    if not (moved["touches"] or moved["promises_kept"] or moved["warmer"]):
        yield "item", "Nothing logged this week.", {}
    yield "section", "What slipped", {}
    for s in slipped["followups"]:
        yield "item", "Follow-up with {contact}, {late} late: {reason}", {**s, "late": plural(s["days_late"], "day")}
    for s in slipped["promises"]:
        yield "item", "Promise to {contact} due {due}, not kept: {text}", s
    for s in slipped["key_behind"]:
        quiet = "never touched" if s["days"] is None else f"{s['days']} days quiet"
        yield "item", "{name}: {quiet} against a {interval}-day rhythm", {**s, "quiet": quiet}
    if not (slipped["followups"] or slipped["promises"] or slipped["key_behind"]):
        yield "item", "Nothing.", {}
    yield "section", "Cooling", {}
    for c in [*cooling["contacts"], *cooling["accounts"]]:
        yield "item", "{name}: health {from} to {to} ({band}) over four weeks", c
    if not (cooling["contacts"] or cooling["accounts"]):
        yield "item", "Nobody.", {}
    yield "section", "Promises due in the coming week", {}
    for d in p["promises_due"]:
        whose = "ours" if d["by"] == "me" else "theirs"
        yield "item", "{due}, {contact} ({whose}): {text}", {**d, "whose": whose}
    if not p["promises_due"]:
        yield "item", "None.", {}
    yield "section", "Questions for the one-to-one", {}
    for q in p["questions"]:
        yield "item", q["template"], q["values"]


def review_text(data: dict) -> str:
    """The review for the terminal (the stream shows control characters itself)."""
    lines: list[str] = []
    for kind, template, values in _blocks(data):
        text = template.format(**{k: one_line(str(v)) for k, v in values.items()})
        if kind == "title":
            lines += [text, "=" * len(text)]
        elif kind == "heading":
            lines += ["", text, "-" * len(text)]
        elif kind == "section":
            lines.append(f"  {text}")
        elif kind == "item":
            lines.append(f"    - {text}")
        else:
            lines.append(text)
    return "\n".join(lines) + "\n"


def review_markdown(data: dict) -> str:
    """The review as Markdown: outside text escaped, control characters made visible."""
    lines: list[str] = []
    for kind, template, values in _blocks(data):
        text = template.format(**{k: md(visible(one_line(str(v)), multiline=False)) for k, v in values.items()})
        if kind == "title":
            lines += [f"# {text}"]
        elif kind == "heading":
            lines += ["", f"## {text}", ""]
        elif kind == "section":
            lines += ["", f"### {text}", ""]
        elif kind == "item":
            lines.append(f"- {_leading(text)}")
        else:
            lines += [_leading(text)] if lines and not lines[-1] else ["", _leading(text)]
    return "\n".join(lines) + "\n"


def _leading(text: str) -> str:
    """`text` with its first character escaped when Markdown would read it as the start of a block."""
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text, count=1)
