"""One contact: profile, how to talk to them, what is cooling, what to do, history, trend.

`e` swaps the profile for the contact form in place; saving writes the whole
record in a worker and comes back to the refreshed view. The form is built,
hidden, once the view is painted, so that `e` only shows it: building its
fifty widgets took the UI thread most of a second, during which a second `e`
waited to be typed into the Name field. The footer shows the keys used most; `?`
and the palette list the rest (P, M, D, N). `p`, `k` and `P` add, keep and edit
the contact's promises (the app's dialogs, the CLI's core functions). `M` merges
another contact who is the same person into this one, `D` deletes this one: each
says what it will do and asks first (the core functions of `contact merge` and
`contact rm`). `c` sets the person's own rhythm and `s` snoozes them, each a
one-line dialog read as the CLI reads `keepwarm contact rhythm` / `snooze` (an
empty line clears it). `F` plans a follow-up and `A` assesses the relationship
(the dialogs of `followup add` and `assess`). `n` adds a note (things to
remember, not a touch: `keepwarm note add`) and `N` edits or deletes one. `L`
links the person to someone they know (`keepwarm link`: the other person and the
kind, or words of your own) and `X` removes one of their links (`keepwarm
unlink`). Every write here can be taken back with `u` (the app's undo).
"""

from __future__ import annotations

import datetime as dt
from datetime import tzinfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import ContentSwitcher, Footer, Header, Sparkline, Static
from textual.worker import get_current_worker

from ...errors import UserError
from ...model import Contact
from ...model.entities import Note
from ...services import links, merge, notes, operations, queries
from ...store.contacts import describe
from ...text.rhythms import rhythm
from ...text.wording import cut, one_line, plural
from ..charts import health_chart
from ..keys import typing_starts_now
from ..render import SEVERITY, band_content, evidence, heading, words
from ..screen_views import ContactView, Profile
from ..views import Health
from ..widgets.confirm import ConfirmScreen
from ..widgets.contact_form import ContactForm
from ..widgets.contact_ref import ContactRefScreen
from ..widgets.rhythm import Chosen, PersonSnoozeScreen, RhythmScreen
from .base import DataScreen


def _profile(c: Profile) -> Content:
    rows = [
        ("Account", c.account),
        ("Title", c.title),
        ("Role", words(c.role)),
        ("Style", words(c.style) if c.style != "unknown" else ""),
        ("Motivations", ", ".join(words(m) for m in c.motivations)),
        ("Interests", ", ".join(c.interests)),
        ("Prefers", " ".join(x for x in (c.preferred_channel or "", c.best_time) if x)),
        ("Do not contact", "yes" if c.do_not_contact else ""),
        ("Tier / stage", f"{c.tier.upper()} / {words(c.stage)}"),
        ("Emails", ", ".join(c.emails)),
        ("Phones", ", ".join(c.phones)),
        ("Tags", ", ".join(c.tags)),
        ("Owner", c.owner),
    ]
    lines = [Content.from_markup("[dim]$k[/] $v", k=f"{label:<14}", v=str(value)) for label, value in rows if value]
    if c.notes:
        lines += [Content(""), Content(c.notes)]
    return Content("\n").join(lines)


def _own_rhythm(view: ContactView) -> Content:
    """The rhythm the user set, the snooze (or an import's first touch) while it lasts, and who they know (`keepwarm link`), under the
    profile (nothing when none)."""
    rows = [
        ("Rhythm", f"{view.rhythm} (yours)" if view.rhythm else ""),
        ("Snoozed until", f"{dt.date.fromisoformat(view.snoozed_until):%a %d %b %Y}" if view.snoozed_until else ""),
        ("First touch", _planned(view.first_touch_on)),
        *((("Links" if i == 0 else ""), f"{k.says} {k.other} (#{k.other_id})") for i, k in enumerate(view.links)),
    ]
    lines = [Content.from_markup("[dim]$k[/] $v", k=f"{label:<14}", v=value) for label, value in rows if value]
    return Content("\n").join([Content(""), *lines]) if lines else Content("")


def _planned(day: str | None) -> str:
    return f"planned for {dt.date.fromisoformat(day):%a %d %b %Y} (spread out by an import)" if day else ""


def _card(title: str, lines: list[Content], empty: str) -> Content:
    """A card: its heading, its lines, or `empty` dimmed when there are none."""
    if not lines:
        lines = [Content.from_markup("[dim]$e[/]", e=empty)]
    return Content("\n").join([heading(title), *lines])


def _title(view: ContactView) -> Content:
    c, h = view.contact, view.health
    title = Content.from_markup("[b]$name[/]  ", name=c.name) + band_content(h.score, h.band)
    if c.title or c.account:
        title += Content.from_markup("  [dim]$t[/]", t=" at ".join(x for x in (c.title, c.account) if x))
    return title


def _dates(view: ContactView) -> Content:
    lines = []
    for d in view.dates_upcoming:
        name = d.label or words(d.kind)
        years = f", {plural(d.years, 'year')}" if d.years else ""
        when = "today" if d.in_days == 0 else f"in {plural(d.in_days, 'day')}"
        lines.append(Content.from_markup("$n [dim]$d[/] · next $x ($i$y)", n=name, d=d.date, x=d.next, i=when, y=years))
    return _card("Important dates", lines, "none recorded")


def _assessments(view: ContactView) -> Content:
    trend = view.assessment_trend
    text = [heading("Assessments")]
    for a in view.assessments[-4:]:
        text.append(
            Content(
                f"{a.on}  trust {a.trust} · comm {a.communication} · sharing {a.sharing}"
                f" · advocacy {a.advocacy} · conflict {a.conflict} · future {a.commitment}"
                f"  = {a.mean:.1f}"
            )
        )
    if not trend:
        text.append(Content.from_markup("[dim]not assessed yet: press A to rate the relationship[/]"))
    elif len(trend) == 1:
        text.append(Content.from_markup("[dim]one assessment so far; the trend shows from the second[/]"))
    else:
        text.append(
            Content.from_markup(
                "[dim]trend of the mean, oldest to newest: $a → $b[/]", a=f"{trend[0]:.1f}", b=f"{trend[-1]:.1f}"
            )
        )
    return Content("\n").join(text)


#: Under a chart with a single week: where the next points come from.
_few_weeks = "Only this week so far: keepwarm adds a point for each week in which their health changes."


def _health(h: Health) -> Content:
    terms = [heading(f"Health {h.score}/100 ({h.band})")]
    for t in h.terms:
        terms.append(Content.from_markup("[dim]$p[/] $l: $d", p=f"{t.points:+5.1f}", l=t.label, d=t.detail))
    return Content("\n").join(terms)


def _tips(view: ContactView) -> Content:
    return _card(
        "How to talk to them",
        [Content.from_markup("• $t", t=t.text) for t in view.tips],
        "no tips: set their social style, motivations or channel",
    )


def _warnings(view: ContactView) -> Content:
    lines = []
    for w in view.warnings:
        _, style = SEVERITY.get(w.severity, SEVERITY[2])
        lines.append(Content.from_markup(f"[{style}]! $m[/]", m=w.message))
        if w.evidence:
            lines.append(Content.from_markup("  [dim]$e[/]", e=evidence(w.evidence)))
    return _card("Cooling signs", lines, "none")


def _suggestions(view: ContactView) -> Content:
    lines = []
    for s in view.suggestions:
        lines.append(Content.from_markup("› $t", t=s.text))
        if s.why:
            lines.append(Content.from_markup("  [dim]$w[/]", w=s.why))
    return _card("What builds trust now", lines, "none right now")


def _plans(view: ContactView) -> Content:
    lines = []
    for p in view.open_promises:
        late = p.due is not None and p.due < view.today
        who = "I promised" if p.by == "me" else "They promised"
        lines.append(
            Content.from_markup(
                f"{'[$error]' if late else ''}$w $t · due $d{'[/]' if late else ''}",
                w=who,
                t=p.text,
                d=p.due.isoformat() if p.due else "–",
            )
        )
    if view.open_promises:
        lines.append(Content.from_markup("[dim]k marks a promise kept, P edits one, p adds one[/]"))
    for f in view.open_followups:
        lines.append(Content.from_markup("$d [dim]$s[/] $r", d=f.shown_due, s=f.status, r=f.reason))
    return _card("Promises and follow-ups", lines, "nothing open")


def _notes(view: ContactView) -> Content:
    lines = []
    for n in view.notes:
        kind = "" if n.kind == "other" else f"{words(n.kind)} · "
        first, *more = n.text.split("\n")
        lines.append(Content.from_markup("[dim]$o[/] [b]$k[/]$t", o=n.on, k=kind, t=first))
        lines.extend(Content.from_markup("  $t", t=line) for line in more)
    if view.notes:
        lines.append(Content.from_markup("[dim]n adds a note, N edits or deletes one[/]"))
    return _card("Notes", lines, "nothing noted yet: press n to add what to remember")


def _timeline(view: ContactView, tz: tzinfo) -> Content:
    lines = []
    for i in view.timeline:
        when = i.at.astimezone(tz).strftime("%Y-%m-%d")
        mood = "" if i.sentiment is None else f" {i.sentiment:+d}"
        arrow = "←" if i.direction == "inbound" else "→"
        outcome = "" if i.outcome == "completed" else f" ({words(i.outcome)})"
        line = Content.from_markup(
            "[dim]$w[/] $a $c $p$o$m", w=when, a=arrow, c=i.channel, p=words(i.purpose), o=outcome, m=mood
        )
        if i.notes:
            line += Content.from_markup(" [dim]— $n[/]", n=i.notes.replace("\n", " "))
        lines.append(line)
    return _card("Timeline", lines, "no interactions yet: press l to log one")


class ContactScreen(DataScreen):
    LOADING_TARGET = "#detail-switch"
    BINDINGS = [
        Binding("escape", "back", "Back", id="contact.back"),
        Binding("e", "edit", "Edit", id="contact.edit"),
        Binding("p", "add_promise", "Promise", id="contact.promise", tooltip="Record a promise, yours or theirs"),
        Binding("k", "keep_promise", "Kept", id="contact.keep", tooltip="Mark an open promise kept"),
        Binding("P", "edit_promise", "Edit promise", id="contact.edit_promise", key_display="P", show=False),
        Binding(
            "M",
            "merge",
            "Merge",
            id="contact.merge",
            key_display="M",
            tooltip="Merge another contact who is the same person into this one",
            show=False,
        ),
        Binding(
            "D", "delete", "Delete", id="contact.delete", key_display="D", tooltip="Delete this contact", show=False
        ),
        Binding("c", "rhythm", "Rhythm", id="contact.rhythm", tooltip="Set your own rhythm with this person"),
        Binding("s", "snooze", "Snooze", id="contact.snooze", tooltip="Nothing due for this person before a day"),
        Binding("F", "add_followup", "Follow-up", id="contact.followup", key_display="F", tooltip="Plan a follow-up"),
        Binding(
            "A",
            "assess",
            "Assess",
            id="contact.assess",
            key_display="A",
            tooltip="Rate the relationship on the six dimensions, 1 to 5",
        ),
        Binding("n", "add_note", "Note", id="contact.note", tooltip="Write down something to remember, not a touch"),
        Binding(
            "N",
            "edit_note",
            "Edit note",
            id="contact.edit_note",
            key_display="N",
            tooltip="Change or delete one",
            show=False,
        ),
        Binding(
            "L",
            "link",
            "Link",
            id="contact.link",
            key_display="L",
            tooltip="Record whom this person knows: reports to, introduced by, partner...",
            show=False,
        ),
        Binding(
            "X",
            "unlink",
            "Unlink",
            id="contact.unlink",
            key_display="X",
            tooltip="Remove one of their links",
            show=False,
        ),
        Binding("r", "refresh", "Refresh", id="contact.refresh", show=False),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.view: ContactView | None = None
        self.contact: Contact | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="detail-view", id="detail-switch"):
            with VerticalScroll(id="detail-view"):
                yield Static("", id="detail-title")
                with Horizontal(id="detail-columns"):
                    with Vertical(id="detail-left", classes="detail-column"):
                        yield Static("", id="detail-profile", classes="card")
                        yield Static("", id="detail-notes", classes="card")
                        yield Static("", id="detail-dates", classes="card")
                        with Vertical(id="detail-assessments", classes="card"):
                            yield Static("", id="detail-assessment-text")
                            yield Sparkline([], id="health-trend")
                        yield Static("", id="detail-health", classes="card")
                        with Vertical(id="detail-health-chart", classes="card chart-card"):
                            yield Static("", id="detail-health-chart-note")
                    with Vertical(id="detail-right", classes="detail-column"):
                        yield Static("", id="detail-tips", classes="card")
                        yield Static("", id="detail-warnings", classes="card")
                        yield Static("", id="detail-suggestions", classes="card")
                        yield Static("", id="detail-plans", classes="card")
                        yield Static("", id="detail-timeline", classes="card")
            yield Vertical(id="detail-edit")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Contact"

    # ------------------------------------------------------------- data

    def fetch(self) -> tuple[ContactView, Contact]:
        view = self.app.gate.run(queries.contact_view, self.app.session, self.contact_id)
        return ContactView.from_json(view), operations.get_contact(self.app.session, self.contact_id)

    def show(self, data: tuple[ContactView, Contact]) -> None:
        view, contact = data
        self.view, self.contact = view, contact
        self.sub_title = view.contact.name
        for card, content in (
            ("#detail-title", _title(view)),
            ("#detail-profile", heading("Profile") + "\n" + _profile(view.contact) + _own_rhythm(view)),
            ("#detail-notes", _notes(view)),
            ("#detail-dates", _dates(view)),
            ("#detail-assessment-text", _assessments(view)),
            ("#detail-health", _health(view.health)),
            ("#detail-tips", _tips(view)),
            ("#detail-warnings", _warnings(view)),
            ("#detail-suggestions", _suggestions(view)),
            ("#detail-plans", _plans(view)),
            ("#detail-timeline", _timeline(view, self.app.session.tz)),
        ):
            self.query_one(card, Static).update(content)
        trend = list(view.assessment_trend)
        spark = self.query_one("#health-trend", Sparkline)
        spark.data = trend if len(trend) > 1 else []
        spark.display = len(trend) > 1
        self._chart(view)
        if not self.editing:
            self.call_after_refresh(self._prepare_form)

    def _chart(self, view: ContactView) -> None:
        """The health week by week (the chart's widget, and plotext, load with the first contact shown)."""
        from ..widgets.charts import show_chart  # lazy for start-up: plotext loads with the first chart

        show_chart(
            self.query_one("#detail-health-chart"), "health-chart", health_chart(view.contact.name, view.health_history)
        )
        recorded = sum(1 for w in view.health_history if w.score is not None)
        note = self.query_one("#detail-health-chart-note", Static)
        note.update(Content.from_markup(f"[dim]{_few_weeks}[/]") if recorded < 2 else "")
        note.display = recorded < 2

    async def _prepare_form(self) -> ContactForm | None:
        """The edit form for the contact as shown, built hidden (again only when the contact changed)."""
        if self.contact is None or self.editing or not self.is_attached:
            return None
        try:
            holder = self.query_one("#detail-edit", Vertical)
        except NoMatches:  # the screen is being closed
            return None
        found = holder.query(ContactForm)
        if found and found.first().base == self.contact:
            return found.first()
        await holder.remove_children()
        form = ContactForm(self.contact, id="edit-form", focus=False)
        await holder.mount(form)
        return form

    # ------------------------------------------------------------ state

    def selected_contact(self) -> tuple[int, str] | None:
        name = self.contact.name if self.contact else str(self.contact_id)
        return self.contact_id, name

    # ---------------------------------------------------------- actions

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.reload()

    def action_add_promise(self) -> None:
        self.app.action_add_promise()

    def action_keep_promise(self) -> None:
        self.app.action_keep_promise()

    def action_edit_promise(self) -> None:
        self.app.action_edit_promise()

    def action_rhythm(self) -> None:
        if self.contact is None:
            return
        days = self.contact.rhythm_days
        current = rhythm(days) if days is not None else ""
        dialog = RhythmScreen(self.contact.name, self.app.session.today, default=current)
        self.app.push_screen(dialog, callback=lambda chosen: self._chosen("rhythm", chosen))

    def action_snooze(self) -> None:
        if self.contact is None:
            return
        until, today = self.contact.snoozed_until, self.app.session.today
        current = until.isoformat() if until is not None and until > today else "for 3 weeks"
        dialog = PersonSnoozeScreen(self.contact.name, today, default=current)
        self.app.push_screen(dialog, callback=lambda chosen: self._chosen("snooze", chosen))

    def _chosen(self, what: str, chosen: Chosen | None) -> None:
        if chosen is not None:
            self._write_own(what, chosen.value)

    @work(thread=True, group="write")
    def _write_own(self, what: str, value) -> None:
        """The rhythm or the snooze written as the CLI writes it (services.operations), then the view again."""
        session = self.app.session
        try:
            if what == "rhythm":
                found = self.app.undoable(
                    [self.contact_id], _said_rhythm, operations.set_rhythm, session, self.contact_id, value
                )
                said = _said_rhythm(found)
            else:
                found = self.app.undoable(
                    [self.contact_id],
                    lambda c: _said_snooze(c, session.today),
                    operations.snooze_contact,
                    session,
                    self.contact_id,
                    value,
                )
                said = _said_snooze(found, session.today)
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not saved", severity="error")
            return
        self.app.call_from_thread(self._changed, said)

    def action_add_followup(self) -> None:
        self.app.action_add_followup()

    def action_assess(self) -> None:
        self.app.action_assess()

    def action_add_note(self) -> None:
        self._open_note(None)

    def action_edit_note(self) -> None:
        """The note to change or delete: the only one, or the one picked from a list (as `P` picks a promise)."""
        shown = self.view.notes if self.view else ()
        if not shown:
            self.notify(f"No note on {self._who()}: press n to add one.", severity="warning")
            return
        if len(shown) == 1:
            self._open_note(shown[0].id)
            return
        from ..widgets.confirm import PickScreen  # lazy for start-up: the dialogs load with their first use

        def picked(note_id: int | None) -> None:
            if note_id is not None:
                self._open_note(note_id)

        choices = [(n.id, f"{n.on} {words(n.kind)}: {cut(one_line(n.text), 60)}") for n in shown]
        self.app.push_screen(PickScreen(f"Which note on {self._who()}?", choices), callback=picked)

    def _who(self) -> str:
        return self.contact.name if self.contact else str(self.contact_id)

    def _open_note(self, note_id: int | None) -> None:
        from ..widgets.note_form import DELETE, NoteScreen  # lazy for start-up: the note form loads with the first note

        try:
            was = notes.get_note(self.app.session, note_id) if note_id is not None else None
        except UserError as exc:  # deleted meanwhile, by another process
            self.notify(exc.message, severity="warning")
            return
        who = self._who()

        def closed(answer: Note | str | None) -> None:
            if answer == DELETE and note_id is not None:
                self._write_note(who, note_id=note_id, delete=True)
            elif isinstance(answer, Note):
                self._write_note(who, answer, note_id=note_id)

        self.app.push_screen(NoteScreen(self.contact_id, who, self.app.session.today, was), callback=closed)

    @work(thread=True, group="write")
    def _write_note(
        self, who: str, note: Note | None = None, *, note_id: int | None = None, delete: bool = False
    ) -> None:
        # No engine run after it: a note is no touch, nothing a rule reads changed (keepwarm.store.notes).
        session = self.app.session
        try:
            mine = [self.contact_id]
            if delete and note_id is not None:
                done = f"Deleted the note on {who}."
                self.app.undoable(mine, done, notes.delete_note, session, note_id)
            elif note is not None and note_id is not None:
                done = f"Changed the note on {who}."
                self.app.undoable(mine, done, notes.change_note, session, note_id, note)
            elif note is not None:
                done = f"Noted on {who}."
                self.app.undoable(mine, f"Added a note on {who}.", notes.add_note, session, note)
            else:
                return
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not saved", severity="error")
            return
        self.app.call_from_thread(self._changed, done)

    # ------------------------------------------------------------- links

    def action_link(self) -> None:
        from ..widgets.link_form import LinkScreen  # lazy for start-up: the dialogs load with their first use

        who = self._who()

        def closed(value) -> None:
            if value is not None:
                self._write_link(value)

        self.app.push_screen(LinkScreen(self.app.session, self.contact_id, who), callback=closed)

    @work(thread=True, group="write")
    def _write_link(self, value) -> None:
        other, kind, label = value
        session = self.app.session
        try:
            sentence = f"{self._who()} {links.store.says(kind, label, first=True)} "
            sentence += operations.get_contact(session, other).name
            _, had = self.app.undoable(
                [self.contact_id, other],
                f"Linked {sentence}.",
                links.link,
                session,
                self.contact_id,
                other,
                kind,
                label,
            )
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not linked", severity="error")
            return
        self.app.call_from_thread(self._changed, f"{'Already linked' if had else 'Linked'}: {sentence}.")

    def action_unlink(self) -> None:
        """The link to remove: the only one, or the one picked from a list; asked about first."""
        shown = self.view.links if self.view else ()
        if not shown:
            self.notify(f"{self._who()} has no links: press L to add one.", severity="warning")
            return
        if len(shown) == 1:
            self._ask_unlink(shown[0])
            return
        from ..widgets.confirm import PickScreen  # lazy for start-up: the dialogs load with their first use

        by_id = {k.id: k for k in shown}

        def picked(link_id: int | None) -> None:
            if link_id is not None:
                self._ask_unlink(by_id[link_id])

        choices = [(k.id, f"{k.says} {k.other} (#{k.other_id})") for k in shown]
        self.app.push_screen(PickScreen(f"Which link of {self._who()} to remove?", choices), callback=picked)

    def _ask_unlink(self, link) -> None:
        said = f"{self._who()} {link.says} {link.other}"

        def answered(yes: bool | None) -> None:
            if yes:
                self._write_unlink(link.id, link.other_id, said)

        self.app.push_screen(ConfirmScreen(f"Remove the link: {said}?", yes="Remove", no="Keep"), callback=answered)

    @work(thread=True, group="write")
    def _write_unlink(self, link_id: int, other: int, said: str) -> None:
        done = f"Removed the link: {said}."
        try:
            self.app.undoable([self.contact_id, other], done, links.unlink_one, self.app.session, link_id)
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not removed", severity="error")
            return
        self.app.call_from_thread(self._changed, done)

    async def action_edit(self) -> None:
        if self.contact is None or self.editing:
            return
        await self._prepare_form()  # at once when it was built ahead
        self.query_one("#detail-switch", ContentSwitcher).current = "detail-edit"
        self.query_one("#in-name").focus()
        typing_starts_now(self)
        self.refresh_bindings()

    @property
    def editing(self) -> bool:
        try:
            return self.query_one("#detail-switch", ContentSwitcher).current == "detail-edit"
        except NoMatches:
            return False

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        quiet_while_editing = (
            "back",
            "edit",
            "refresh",
            "add_promise",
            "keep_promise",
            "edit_promise",
            "merge",
            "delete",
            "rhythm",
            "snooze",
            "add_followup",
            "assess",
            "add_note",
            "edit_note",
            "link",
            "unlink",
        )
        if action in quiet_while_editing and self.editing:
            return False
        return True

    @on(ContactForm.Cancelled)
    def _cancelled(self, event: ContactForm.Cancelled) -> None:
        event.stop()
        self._close_form()

    def _close_form(self) -> None:
        self.query_one("#detail-switch", ContentSwitcher).current = "detail-view"
        self.query_one("#detail-edit", Vertical).remove_children()
        self.query_one("#detail-view").focus()
        self.refresh_bindings()
        self.call_after_refresh(self._prepare_form)  # a fresh one for the next `e`

    @on(ContactForm.Saved)
    def _saved(self, event: ContactForm.Saved) -> None:
        """Saved at once, unless the edit gave the contact another contact's name or e-mail: then
        asked first, naming who has it (as the add form and `contact add` do)."""
        event.stop()
        new = event.contact
        found = operations.same_person(self.app.session, new, self.contact_id, was=event.form.base)
        if not found:
            self._save(new)
            return

        def answered(save: bool | None) -> None:
            if save:
                self._save(new)

        detail = "\n".join(f"{describe(p)} exists already ({p['why']})" for p in found)
        self.app.push_screen(
            ConfirmScreen(f"Save {new.name} all the same?", yes="Save", no="Keep editing", detail=detail),
            callback=answered,
        )

    @work(thread=True, exclusive=True, group="save")
    def _save(self, contact: Contact) -> None:
        try:
            self.app.undoable(
                [self.contact_id],
                f"Saved the changes to {contact.name}.",
                operations.save_contact,
                self.app.session,
                contact,
                self.contact_id,
            )
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not saved", severity="error")
            return
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._after_save, contact.name)

    def _after_save(self, name: str) -> None:
        self._close_form()
        self.notify(f"Saved {name}.")
        self.app.data_changed()

    # ------------------------------------------------------- merge, delete

    def action_merge(self) -> None:
        if self.contact is None:
            return
        name = self.contact.name

        def chosen(other: int | None) -> None:
            if other is not None:
                self._plan_merge(other)

        self.app.push_screen(
            ContactRefScreen(
                f"Merge which contact into {name}?",
                lambda text: merge.other_contact(self.app.session, self.contact_id, text),
                default=name,
                action="Next",
            ),
            callback=chosen,
        )

    @work(thread=True, exclusive=True, group="merge")
    def _plan_merge(self, other: int) -> None:
        """What the merge would do (a dry run), asked about before anything is written."""
        try:
            plan = merge.merge_contacts(self.app.session, self.contact_id, other, dry_run=True)
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not merged", severity="error")
            return
        self.app.call_from_thread(self._ask_merge, plan)

    def _ask_merge(self, plan: merge.Merge) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._merge(plan.gone)

        self.app.push_screen(
            ConfirmScreen(
                f"Merge #{plan.gone} {plan.gone_name} into #{plan.keep} {plan.contact.name} and remove #{plan.gone}?",
                yes="Merge",
                no="Cancel",
                detail="\n".join(line.strip() for line in merge.describe(plan)),
            ),
            callback=answered,
        )

    @work(thread=True, exclusive=True, group="merge")
    def _merge(self, other: int) -> None:
        try:
            done = self.app.undoable(
                [self.contact_id, other],
                lambda m: f"Merged #{m.gone} {m.gone_name} into #{m.keep} {m.contact.name}.",
                merge.merge_contacts,
                self.app.session,
                self.contact_id,
                other,
            )
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not merged", severity="error")
            return
        self.app.call_from_thread(
            self._changed, f"Merged #{done.gone} {done.gone_name} into #{done.keep} {done.contact.name}."
        )

    def action_delete(self) -> None:
        if self.contact is None:
            return
        who = describe({"id": self.contact_id, "name": self.contact.name, "account": self.contact.account})

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(who)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {who}?",
                yes="Delete",
                no="Keep",
                detail="Their touches, promises, follow-ups, assessments, notes and links go with them. "
                "u brings them all back while the app is open (after that, a backup: keepwarm backup).",
            ),
            callback=answered,
        )

    @work(thread=True, exclusive=True, group="merge")
    def _delete(self, who: str) -> None:
        try:
            self.app.undoable(
                [self.contact_id], f"Deleted {who}.", operations.delete_contact, self.app.session, self.contact_id
            )
        except UserError as exc:
            self.app.call_from_thread(self.notify, exc.message, title="Not deleted", severity="error")
            return
        self.app.call_from_thread(self._deleted, who)

    def _left_the_book(self, message: str) -> None:
        """The contact left the book while shown (its adding undone, deleted elsewhere): back to where it was opened."""
        name = self.contact.name if self.contact is not None else f"#{self.contact_id}"
        self.notify(f"{one_line(name)} is no longer in the book.", severity="warning")
        if self.app.screen is self:
            self.dismiss()

    def _deleted(self, who: str) -> None:
        self.notify(f"Deleted {who}.")
        if self.app.screen is self:
            self.dismiss()
        self.app.data_changed()

    def _changed(self, message: str) -> None:
        """A write of this screen's landed (rhythm, snooze, note, merge): said, and every screen recomputes."""
        self.notify(message)
        self.app.data_changed()


def _said_rhythm(contact: Contact) -> str:
    if contact.rhythm_days is None:
        return f"{contact.name}: the cadence rules set the rhythm again."
    return f"{contact.name}: {rhythm(contact.rhythm_days)}, your own rhythm."


def _said_snooze(contact: Contact, today: dt.date) -> str:
    until = contact.snoozed_until
    if until is None or until <= today:
        return f"{contact.name} is not snoozed: what was due is due again."
    return f"Snoozed {contact.name} until {until:%a %d %b %Y}."
