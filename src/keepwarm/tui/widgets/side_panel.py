"""The agenda's side panel: who, why, how to talk to them, what is cooling, what to do."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...text.wording import with_channel
from ..render import SEVERITY, band_content, evidence, heading, words
from ..views import NO_ADVICE, Advice, AgendaRow


class SidePanel(VerticalScroll):
    def compose(self):
        yield Static(id="panel-body")

    def clear(self, message: str = "") -> None:
        self.query_one("#panel-body", Static).update(Content.from_markup("[dim]$m[/]", m=message))

    def show_item(self, item: AgendaRow, *, advice: Advice | None = None, note: str = "") -> None:
        """One agenda row, with `advice` in place of the row's own (not yet known); `note` ends the panel, dimmed."""
        c, f, h = item.contact, item.followup, item.health
        advice = advice if advice is not None else item.advice or NO_ADVICE
        who = " · ".join(x for x in (c.account, words(c.role), words(c.style) if c.style != "unknown" else None) if x)
        parts: list[Content] = [
            Content.from_markup("[b]$name[/]  ", name=c.name) + band_content(h.score, h.band),
            Content.from_markup("[dim]$who[/]", who=who) if who else Content(""),
            Content(""),
            heading("Why"),
            Content.from_markup(
                "$reason\n[dim]rule $rule ($source)[/]", reason=f.reason, rule=f.rule_key, source=f.source
            ),
        ]
        if item.plan_note:
            parts.append(Content.from_markup("[$warning]↷ $note[/]", note=item.plan_note))
        if f.action or f.channel:
            parts += [Content(""), heading("Do"), Content(with_channel(f.action or "", f.channel))]
        if advice.tips:
            parts += [Content(""), heading("How to talk to them")]
            parts += [Content.from_markup("• $t", t=t.text) for t in advice.tips]
        if item.warnings:
            parts += [Content(""), heading("Cooling signs")]
            for w in item.warnings:
                label, style = SEVERITY.get(w.severity, SEVERITY[2])
                parts.append(Content.from_markup(f"[{style}]! $m[/]", m=w.message))
                if w.evidence:
                    parts.append(Content.from_markup("  [dim]$e[/]", e=evidence(w.evidence)))
        if advice.suggestions:
            parts += [Content(""), heading("What builds trust now")]
            for s in advice.suggestions:
                parts.append(Content.from_markup("› $t", t=s.text))
                if s.why:
                    parts.append(Content.from_markup("  [dim]$w[/]", w=s.why))
        if note:
            parts += [Content(""), Content.from_markup("[dim]$note[/]", note=note)]
        self.query_one("#panel-body", Static).update(Content("\n").join(parts))
        self.scroll_home(animate=False)
