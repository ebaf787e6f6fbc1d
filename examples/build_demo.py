"""Writes demo.json, keepwarm's example data set: `python examples/build_demo.py`.

The accounts, the people and the storylines that make each rule fire are
written out below by hand; the routine touches between a storyline's moments
come from a seeded generator, so every run writes the same bytes (a test
checks that demo.json is exactly what this script writes). Every record goes
through keepwarm's own backup models, so the file is a valid backup whose dates
are relative to ANCHOR: `keepwarm demo` moves them to today.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import uuid
from pathlib import Path

ANCHOR = dt.date(2026, 11, 22)
NAMESPACE = uuid.UUID("5b0c3f0e-8d1c-4d53-9a36-3f4f6f1d2a10")
ME = "Alex Morgan"
TEAMMATE = "Jordan Lee"

# How people of each social style tend to like being reached, and when (for the
# contacts whose storyline does not say otherwise).
HABITS = {
    "analytical": ("email", "mornings"),
    "driver": ("call", "before 9am"),
    "expressive": ("meeting", ""),
    "amiable": ("call", "afternoons"),
}

# --------------------------------------------------------------- note pools
# Routine notes, in our own words; storyline notes are written where they happen.

ROUTINE = {
    "check_in": [
        "Quick catch-up; their quarter is busy but on plan.",
        "Asked how the team is settling in after the reorganisation; mostly good news.",
        "Talked about their offsite next month and what they hope to get out of it.",
        "They were just back from holiday and full of ideas for the new year.",
        "Checked how the last support ticket was handled; they were happy with the speed.",
        "Mentioned they are hiring two more people for the team.",
        "Short call; they wanted to know what is coming in our next release.",
        "Caught up over coffee on their current priorities.",
        "They shared how their board meeting went; cautious but positive.",
        "Asked what is keeping them up at night this quarter: mostly staffing.",
    ],
    "business": [
        "Walked through the usage report together; adoption is up in two teams.",
        "Reviewed open items from the last steering meeting.",
        "Discussed the renewal timeline and who needs to sign off.",
        "Agreed on the scope of the next phase.",
        "Went through the integration plan step by step.",
        "Quarterly review: usage up, two support issues open, one feature request.",
    ],
    "value_article": [
        "Sent them a short article on route planning we had talked about.",
        "Forwarded a case study from a company their size.",
        "Shared a podcast episode that matched a question they had asked.",
        "Passed on a benchmark report they could use in their budget pitch.",
    ],
    "value_resource": [
        "Sent a template for their project kickoff.",
        "Shared our checklist for rolling out to a new site.",
    ],
    "favor_received": [
        "They introduced me to a peer at another company.",
        "They agreed to be a reference for a prospect; very generous.",
    ],
    "favor_asked": [
        "Asked for ten minutes of feedback on our new onboarding flow; they gave sharp, useful comments.",
        "Asked whether they would try a beta feature; they said yes.",
    ],
}

# ------------------------------------------------------------------- builder


def at(days_ago: int, hour: int = 14, minute: int = 0) -> dt.datetime:
    day = ANCHOR - dt.timedelta(days=days_ago)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone.utc)


def on(days_from_anchor: int) -> dt.date:
    return ANCHOR + dt.timedelta(days=days_from_anchor)


def yearly(days_from_anchor: int, year: int | None) -> dict:
    day = on(days_from_anchor)
    return {"month": day.month, "day": day.day, "year": year}


class Book:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.accounts: list[dict] = []
        self.contacts: list[dict] = []
        self.touches: list[dict] = []
        self.promises: list[dict] = []
        self.followups: list[dict] = []
        self.assessments: list[dict] = []
        self.notes: list[dict] = []
        self._names: dict[str, int] = {}

    # -- people
    def account(self, name: str, created: int, **fields) -> str:
        self.accounts.append({"name": name, "created_at": at(created, 9), "updated_at": at(created, 9), **fields})
        return name

    def contact(self, name: str, created: int, **fields) -> int:
        cid = len(self.contacts) + 1
        first = name.split()[0].lower()
        if "preferred_channel" not in fields and cid % 5:
            # Most people's habits are known after a few touches; one in five is still to be asked.
            channel, best_time = HABITS.get(fields.get("style") or "unknown", (None, ""))
            if channel is not None:
                fields.update(preferred_channel=channel, best_time=fields.get("best_time") or best_time)
        self.contacts.append({
            "id": cid,
            "uid": str(uuid.uuid5(NAMESPACE, name)),
            "name": name,
            "created_at": at(created, 9, 30),
            "updated_at": at(created, 9, 30),
            **fields,
        })
        self._names[first] = cid
        return cid

    # -- history
    def touch(self, cid: int, days_ago: int, channel: str, direction: str = "outbound", purpose: str = "check_in",
              notes: str = "", sentiment: int | None = 1, responded: bool | None = None,
              response_hours: float | None = None, outcome: str = "completed", hour: int | None = None,
              minute: int = 0, group: str | None = None) -> None:
        if hour is None:
            hour = 9 + (days_ago * 7 + cid * 3) % 8
        if channel in ("email", "text", "letter") and direction == "outbound" and responded is None \
                and outcome == "completed" and days_ago > 2:
            responded, response_hours = True, float(2 + (days_ago + cid) % 18)
        if outcome != "completed":
            sentiment = None
        self.touches.append({
            "contact_id": cid, "at": at(days_ago, hour, minute), "channel": channel, "direction": direction,
            "purpose": purpose, "outcome": outcome, "sentiment": sentiment, "responded": responded,
            "response_hours": response_hours, "notes": notes, "group_key": group,
            "created_at": at(days_ago, hour, minute) + dt.timedelta(minutes=20),
        })

    def meeting(self, cids: list[int], days_ago: int, notes: str, purpose: str = "business", sentiment: int = 1) -> None:
        """One meeting with several people: one touch each, sharing a group key."""
        key = str(uuid.uuid5(NAMESPACE, f"meeting-{days_ago}-{'-'.join(map(str, cids))}")) if len(cids) > 1 else None
        for cid in cids:
            self.touch(cid, days_ago, "meeting", purpose=purpose, notes=notes, sentiment=sentiment, hour=15, group=key)

    def rhythm(self, cid: int, start: int, end: int, every: int, *, channels=("email", "call", "meeting"),
               purposes=("check_in", "business", "check_in", "value_article", "check_in", "business"),
               inbound_every: int = 3, moods=(1, 1, 2, 1, 0, 1), jitter: int = 3, notes: dict | None = None,
               favor_at: int | None = None) -> None:
        """Routine touches every `every` days (give or take `jitter`) from `start` days ago to `end`."""
        pool = {**ROUTINE, **(notes or {})}
        days, index = start, 0
        while days >= end:
            inbound = index % inbound_every == inbound_every - 1
            purpose = purposes[index % len(purposes)]
            if inbound and purpose.startswith("value_"):
                purpose = "check_in"
            if favor_at is not None and index == favor_at:
                purpose, inbound = "favor_asked", False
            channel = channels[index % len(channels)]
            text = self.rng.choice(pool.get(purpose, pool["check_in"]))
            self.touch(cid, days, channel, "inbound" if inbound else "outbound", purpose, text,
                       sentiment=moods[index % len(moods)])
            days -= every + self.rng.randint(-jitter, jitter)
            index += 1

    # -- promises, plans, ratings
    def promise(self, cid: int, text: str, *, by: str = "me", due: int | None, made: int, status: str = "open",
                done: int | None = None) -> None:
        self.promises.append({
            "contact_id": cid, "by": by, "text": text, "due": on(due) if due is not None else None, "status": status,
            "created_at": at(made, 16), "done_at": at(done, 17) if done is not None else None,
        })

    def followup(self, cid: int, due: int, reason: str, *, action: str = "", status: str = "open", made: int = 1,
                 channel: str | None = None) -> None:
        closed = at(0, 8) if status == "done" else None
        self.followups.append({
            "contact_id": cid, "due": on(due), "due_time": None, "reason": reason, "source": "manual",
            "rule_key": "manual", "channel": channel, "action": action, "status": status, "snoozed_until": None,
            "sequence": 1 if status == "done" else 0, "satisfied_by_touch": True, "created_at": at(made, 10),
            "updated_at": closed or at(made, 10), "closed_at": closed,
        })

    def assess(self, cid: int, days_ago: int, trust: int, communication: int, sharing: int, advocacy: int,
               conflict: int, commitment: int, note: str = "") -> None:
        self.assessments.append({
            "contact_id": cid, "on": on(-days_ago), "trust": trust, "communication": communication, "sharing": sharing,
            "advocacy": advocacy, "conflict": conflict, "commitment": commitment, "note": note,
            "created_at": at(days_ago, 18),
        })


    def note(self, first: str, days_ago: int, kind: str, text: str) -> None:
        """Something to remember about someone (not a touch), by their first name."""
        self.notes.append({"contact_id": self._names[first], "on": on(-days_ago), "kind": kind, "text": text,
                           "created_at": at(days_ago, 19)})


# ------------------------------------------------------------------ the cast


def northwind(b: Book) -> None:
    acct = b.account(
        "Northwind Logistics", 560, industry="logistics",
        culture="Plain-spoken operations people; they trust numbers from the depot floor more than slides.",
        decision_making="Consensus in the steering group, then the CFO signs.",
        risk_tolerance="Low: anything that could stop a truck gets piloted in one depot first.",
        budget_cycle="Fiscal year starts in April; budgets are set in January.",
        notes="Our largest account. Twelve depots, three on the platform so far.",
    )
    common = {"account": acct, "owner": ME}
    tomas = b.contact("Tomas Berg", 555, **common, title="Head of Fleet Operations", role="champion", style="driver",
                      motivations=["achievement", "autonomy"], interests=["rally driving"], tier="a", stage="former",
                      emails=["tomas.berg@northwind.example"], phones=["+44 20 7946 0101"],
                      notes="Our first champion at Northwind. Left for a freight start-up in the autumn.")
    priya = b.contact("Priya Raman", 550, **common, title="Chief Operating Officer", role="executive_sponsor",
                      style="driver", motivations=["achievement", "legacy"], interests=["sailing"], tier="a",
                      emails=["priya.raman@northwind.example"], phones=["+44 20 7946 0102"],
                      preferred_channel="email", best_time="early mornings",
                      dates=[{"kind": "birthday", **yearly(95, 1976)}],
                      tags=["vip", "steering-group"])
    daniel = b.contact("Daniel Okafor", 540, **common, title="CFO", role="financial_approver", style="analytical",
                       motivations=["security_stability"], interests=["chess", "history podcasts"], tier="b",
                       emails=["daniel.okafor@northwind.example"], tags=["steering-group"])
    lena = b.contact("Lena Hoffmann", 530, **common, title="Enterprise Architect", role="technical_evaluator",
                     style="analytical", motivations=["learning"], interests=["cycling"], tier="b",
                     emails=["lena.hoffmann@northwind.example"], urls=["https://github.com/lena-h-example"])
    sam = b.contact("Sam Whitaker", 420, **common, title="Dispatcher, Leeds depot", role="end_user", style="amiable",
                    motivations=["social_connection"], interests=["college football"], tier="c",
                    emails=["sam.whitaker@northwind.example"])
    rosa = b.contact("Rosa Delgado", 400, **common, title="Rollout Lead", role="implementation_team", style="amiable",
                     motivations=["social_connection", "professional_success"], interests=["gardening"], tier="b",
                     emails=["rosa.delgado@northwind.example"], phones=["+44 20 7946 0108"])
    ibrahim = b.contact("Ibrahim Haddad", 200, **common, title="Planner, Bristol depot", role="end_user",
                        interests=["photography"], tier="c", emails=["ibrahim.haddad@northwind.example"])
    maya = b.contact("Maya Lindqvist", 50, **common, title="Director of Network Planning", role="champion",
                     style="expressive", motivations=["professional_success", "social_connection"],
                     interests=["trail running", "jazz"], tier="a", emails=["maya.lindqvist@northwind.example"],
                     notes="Took over as our champion after Tomas left. Keen to make her mark.")

    # Tomas: two years of steady, warm contact, then he leaves.
    b.rhythm(tomas, 545, 95, 14, inbound_every=2, favor_at=6, notes={
        "check_in": ["Tomas walked me round the Leeds depot; proud of the new loading bays.",
                     "Talked about his rally weekend; then twenty minutes on route planning.",
                     "He called to vent about a late supplier, and to ask for our take.",
                     "Caught up on the pilot numbers; he wants to show them to the COO himself."]})
    b.touch(tomas, 80, "call", "inbound", notes="Tomas told me he is leaving Northwind at the end of next month "
            "for a role at a freight start-up. He will brief his successor.", sentiment=1)
    b.touch(tomas, 62, "meal", purpose="entertainment",
            notes="Farewell lunch with Tomas; no business, lots of stories from the early pilot days.", sentiment=2)
    b.promise(tomas, "Tomas to introduce me to the fleet maintenance team", by="them", due=-70, made=100,
              status="cancelled", done=60)

    # Priya: monthly, rising trust; quarterly steering meetings with Daniel and Lena.
    b.rhythm(priya, 540, 18, 31, channels=("email", "call"), purposes=("check_in", "business", "value_article"))
    for days in (500, 410, 320, 230, 140, 48):
        b.meeting([priya, daniel, lena], days, "Steering meeting: reviewed the depot rollout and next quarter's plan.")
    b.assess(priya, 450, 3, 3, 3, 3, 3, 3, "Polite but guarded; still judging us on the pilot.")
    b.assess(priya, 270, 4, 3, 4, 3, 4, 4, "Opened up after the pilot results.")
    b.assess(priya, 100, 4, 4, 4, 4, 4, 4)
    b.assess(priya, 20, 4, 4, 5, 4, 4, 5, "Shares plans early now and asks for our view.")
    b.promise(priya, "Send Priya the three-depot results summary before her board meeting", due=-150, made=160,
              status="done", done=152)

    b.rhythm(daniel, 520, 60, 75, channels=("email",), purposes=("business", "check_in"), inbound_every=2)
    b.promise(daniel, "Daniel will confirm next year's budget line for the rollout", by="them", due=10, made=14)
    b.assess(daniel, 300, 3, 3, 2, 2, 3, 3)
    b.assess(daniel, 60, 3, 3, 3, 3, 3, 4, "Reads every figure we send; prefers email to calls.")

    b.rhythm(lena, 520, 25, 45, channels=("email", "call"), purposes=("business", "value_resource", "check_in"),
             favor_at=4)
    b.followup(lena, 2, "Send Lena the notes on API rate limits she asked for.", action="Email the notes",
               channel="email")

    b.rhythm(sam, 410, 30, 60, channels=("call", "email"), inbound_every=2, moods=(1, 2, 1))
    b.rhythm(rosa, 395, 20, 30, channels=("call", "email", "meeting"),
             purposes=("business", "check_in", "business", "value_resource"), notes={
                 "business": ["Rosa ran me through the Leeds cut-over plan; tight but doable.",
                              "Went over training dates for the dispatch teams.",
                              "Rosa flagged two depots where the scanners need replacing first."]})
    b.promise(rosa, "Send Rosa the rollout checklist for the Bristol depot", due=-9, made=16)
    b.touch(rosa, 16, "call", notes="Rosa asked for our rollout checklist for Bristol; promised it within a week.")
    b.followup(sam, -3, "Ask Sam how the new dispatch screen is working for the night shift.", status="done", made=10,
               channel="call")

    b.touch(ibrahim, 190, "meeting", notes="Met Ibrahim at the Bristol depot visit; sharp questions about exports.")
    b.touch(ibrahim, 120, "email", notes="Sent Ibrahim the export guide he asked about.", purpose="value_resource")

    # Maya: the new champion, met through Priya.
    b.touch(maya, 48, "meeting", purpose="business",
            notes="Priya introduced me to Maya, Tomas's successor. She wants quick wins in the first ninety days.",
            sentiment=1)
    b.touch(maya, 46, "email", notes="Thanked Maya for her time and sent the one-page summary of where we are.")
    b.touch(maya, 33, "call", "inbound", notes="Maya called with questions about the Leeds numbers.", sentiment=2)
    b.touch(maya, 21, "meeting", purpose="business", notes="Workshop with Maya's planners; lots of energy.")
    b.touch(maya, 9, "email", purpose="value_article", notes="Sent Maya an article on network design for "
            "regional hubs; she replied within the hour.", responded=True, response_hours=1.0)


def harbor(b: Book) -> None:
    acct = b.account(
        "Harbor Health Partners", 545, industry="healthcare",
        culture="Clinicians first; anything that adds clicks for nurses is resisted.",
        decision_making="The COO decides with the CMIO; procurement runs a formal process above a threshold.",
        risk_tolerance="Very low after a data incident two years ago.",
        budget_cycle="Calendar year; renewals reviewed in October.",
        notes="Renewal in February. The August outage hurt us badly here.",
    )
    common = {"account": acct, "owner": TEAMMATE}
    gregory = b.contact("Gregory Vance", 540, **common, title="Director of Operations", role="primary_contact",
                        style="driver", motivations=["achievement"], interests=["golf"], tier="a", stage="at_risk",
                        emails=["g.vance@harborhealth.example"], phones=["+1 617 555 0142"],
                        preferred_channel="call", best_time="after 4pm", tags=["renewal-2027"])
    nadia = b.contact("Nadia Petrova", 500, **common, title="Head of Clinical Systems", role="decision_influencer",
                      style="analytical", motivations=["security_stability", "learning"], interests=["birdwatching"],
                      tier="b", emails=["n.petrova@harborhealth.example"])
    colin = b.contact("Colin Murphy", 480, **common, title="VP Finance", role="financial_approver", style="driver",
                      motivations=["security_stability"], tier="b", emails=["c.murphy@harborhealth.example"])
    helen = b.contact("Helen Achebe", 470, **common, title="Security & Compliance Lead", role="technical_evaluator",
                      style="analytical", motivations=["learning"], interests=["data privacy", "cooking"], tier="b",
                      emails=["h.achebe@harborhealth.example"])
    ruth = b.contact("Ruth Adeyemi", 530, **common, title="Chief Operating Officer", role="executive_sponsor",
                     style="driver", motivations=["legacy"], tier="a", emails=["r.adeyemi@harborhealth.example"])
    mei = b.contact("Mei Chen", 300, **common, title="Ward Manager", role="end_user", style="amiable",
                    interests=["choir singing"], tier="c", emails=["m.chen@harborhealth.example"])

    # Gregory: warm for a year, then the outage and a slide into negative moods.
    b.rhythm(gregory, 535, 100, 14, channels=("call", "email", "meeting"), moods=(1, 2, 1, 1), inbound_every=3,
             favor_at=9, notes={"check_in": ["Gregory talked golf for five minutes, then straight to the numbers.",
                                             "He wants monthly reporting he can forward to the COO unchanged."]})
    b.assess(gregory, 400, 4, 4, 4, 4, 3, 4, "Demanding, fair, and responsive.")
    b.assess(gregory, 220, 4, 4, 3, 4, 3, 4)
    for days, channel, mood, text in (
        (88, "call", -1, "The August outage came up first thing; Gregory is unhappy with how long the fix took."),
        (77, "meeting", -2, "Tense meeting: he wants a service credit and a written root-cause report."),
        (66, "call", -1, "He said his nurses have lost confidence in the system."),
        (52, "email", -1, "Short, cold reply to my update; he copied the COO."),
        (40, "call", -2, "Gregory said the renewal is 'not a given' this year."),
        (26, "meeting", -1, "Walked through our fixes; he listened but did not commit to anything."),
    ):
        b.touch(gregory, days, channel, notes=text, sentiment=mood, purpose="business")
    b.touch(gregory, 12, "meeting", purpose="recovery", sentiment=-1,
            notes="Owned the outage in person, walked him through the root cause and the monitoring we added.")
    b.touch(gregory, 5, "call", purpose="recovery", sentiment=0,
            notes="Follow-up call: he is still sceptical but agreed to a fortnightly check-in.")
    b.assess(gregory, 60, 2, 3, 2, 2, 2, 2, "Trust damaged by the outage; he is testing every promise.")
    b.promise(gregory, "Send Gregory the written root-cause report", due=-14, made=26, status="done", done=13)
    b.promise(gregory, "Propose a service credit for the August outage", due=6, made=5)

    # Nadia: meetings declined, cancelled and moved.
    b.rhythm(nadia, 495, 100, 30, channels=("meeting", "email"), purposes=("business", "check_in", "value_article"))
    b.touch(nadia, 70, "meeting", outcome="cancelled", notes="Nadia cancelled our review an hour before.")
    b.touch(nadia, 55, "meeting", outcome="declined", notes="Invite declined without a note.")
    b.touch(nadia, 41, "call", notes="Brief call; she said things are hectic and asked to push the workshop.",
            sentiment=0)
    b.touch(nadia, 33, "meeting", outcome="rescheduled", notes="Workshop moved for the second time.")
    b.touch(nadia, 19, "meeting", outcome="no_show", notes="Nadia did not join; her assistant apologised later.")

    # Colin: push-away reactions.
    b.rhythm(colin, 470, 110, 45, channels=("email", "meeting"), purposes=("business",), moods=(0, 1, 0))
    b.touch(colin, 64, "meeting", purpose="business", sentiment=-1,
            notes="Colin arrived twenty minutes late and spent most of the meeting on his phone.")
    b.touch(colin, 38, "email", purpose="business", sentiment=-1, responded=True, response_hours=70.0,
            notes="Curt replies all week, and a snide remark about our 'creative invoicing'.")
    b.touch(colin, 15, "call", purpose="business", sentiment=-1,
            notes="He cut me off twice and ended the call early.")

    # Helen: competitor and budget signals.
    b.rhythm(helen, 465, 60, 40, channels=("email", "call"), purposes=("business", "check_in", "value_article"))
    b.touch(helen, 45, "call", purpose="business", sentiment=0,
            notes="Helen mentioned procurement has issued an RFP for the same scope; Vireo Systems is invited.")
    b.touch(helen, 24, "email", "inbound", purpose="business", sentiment=0,
            notes="She says a competitor demoed to her team last week and the nurses liked it.")
    b.touch(helen, 10, "call", purpose="business", sentiment=-1,
            notes="Budget cuts announced for next year; every renewal is under review.")

    # Ruth: the executive sponsor nobody has spoken to since spring.
    for days in (520, 430, 330, 235):
        b.touch(ruth, days, "meeting", purpose="business", notes="Executive check-in with Ruth on the partnership.")
    b.rhythm(mei, 290, 30, 55, channels=("email", "call"), inbound_every=2, moods=(1, 2))


def bluefin(b: Book) -> None:
    acct = b.account(
        "Bluefin Bank", 420, industry="banking",
        culture="Formal; every change goes through a risk committee.",
        decision_making="Executive sponsor sets direction; finance approves; risk can veto.",
        risk_tolerance="Low.", budget_cycle="Calendar year.",
        notes="Everything runs through Oliver. We need more people in the room.",
    )
    common = {"account": acct, "owner": ME}
    oliver = b.contact("Oliver Grant", 415, **common, title="Head of Branch Operations", role="primary_contact",
                       style="amiable", motivations=["security_stability"], interests=["photography"], tier="b",
                       emails=["oliver.grant@bluefin.example"], phones=["+1 212 555 0177"])
    b.contact("Catherine Wu", 240, **common, title="Chief Digital Officer", role="executive_sponsor", style="driver",
              motivations=["legacy", "achievement"], tier="a", emails=["catherine.wu@bluefin.example"],
              notes="Oliver's boss. Has never been in a meeting with us.")
    b.contact("Marcus Bell", 240, **common, title="Finance Director", role="financial_approver", style="analytical",
              tier="b", emails=["marcus.bell@bluefin.example"])
    b.contact("Yusuf Demir", 180, **common, title="Branch Manager, Midtown", role="end_user", style="amiable", tier="c",
              emails=["yusuf.demir@bluefin.example"])
    b.rhythm(oliver, 410, 8, 24, channels=("email", "call", "meeting"), inbound_every=3, favor_at=7)
    b.promise(oliver, "Send Oliver the compliance FAQ for the risk committee", due=20, made=8)
    b.assess(oliver, 200, 3, 3, 3, 2, 3, 3)
    b.assess(oliver, 30, 3, 4, 3, 3, 3, 3, "Friendly, but he cannot get us in front of Catherine.")


def copperleaf(b: Book) -> None:
    acct = b.account(
        "Copperleaf Retail", 42, industry="retail",
        culture="Fast and informal; decisions in the corridor.",
        decision_making="The founder-CEO decides; Victor shapes the options.",
        risk_tolerance="High.", budget_cycle="Quarterly.",
        notes="New client since last month: forty stores, rolling out region by region.",
    )
    common = {"account": acct, "owner": TEAMMATE, "stage": "new_client"}
    hannah = b.contact("Hannah Brooks", 40, **common, title="Head of Store Operations", role="primary_contact",
                       style="expressive", motivations=["professional_success"], interests=["wine", "street food"],
                       tier="a", emails=["hannah@copperleaf.example"], phones=["+1 503 555 0190"],
                       preferred_channel="meeting")
    victor = b.contact("Victor Alvarez", 40, **common, title="Director of Strategy", role="decision_influencer",
                       style="driver", motivations=["achievement", "autonomy"], interests=["cycling"], tier="b",
                       emails=["victor@copperleaf.example"])
    aisha = b.contact("Aisha Karim", 30, **common, title="Store Manager, Pearl District", role="end_user",
                      style="amiable", motivations=["social_connection"], interests=["pottery"], tier="c",
                      emails=["aisha@copperleaf.example"])
    leo = b.contact("Leo Fontaine", 28, **common, title="Finance Manager", role="financial_approver",
                    style="analytical", tier="b", emails=["leo@copperleaf.example"])
    b.meeting([hannah, victor], 38, "Kickoff: region one goes live in January; Hannah owns the rollout.")
    b.touch(hannah, 37, "email", notes="Thank-you note after the kickoff, with the plan attached.")
    b.touch(victor, 37, "email", notes="Sent Victor the kickoff summary.")
    b.touch(hannah, 25, "call", "inbound", notes="Hannah called about store training; excited about the pilot.",
            sentiment=2)
    b.touch(aisha, 24, "meeting", notes="Store visit; Aisha showed me how they count stock today.", sentiment=1)
    b.touch(leo, 22, "email", purpose="business", notes="Sent Leo the invoicing schedule.")
    b.touch(victor, 18, "call", purpose="business", notes="Victor wants a price comparison for region two.")
    b.promise(victor, "Send Victor the pricing comparison for region two", due=3, made=18)
    b.touch(hannah, 12, "call", notes="Weekly check-in; two stores are ahead of plan.")
    b.touch(aisha, 8, "email", "inbound", notes="Aisha sent photos of the new stock room labels.", sentiment=2)
    b.touch(hannah, 1, "meeting", purpose="business", sentiment=2, hour=15,
            notes="Onboarding workshop: they want weekly usage reports and one named support contact.")
    b.assess(hannah, 10, 3, 4, 4, 3, 3, 4, "Early days; very open.")


def meridian(b: Book) -> None:
    acct = b.account(
        "Meridian Energy", 548, industry="energy",
        culture="Engineers; slow to decide, loyal once decided.",
        decision_making="Technical committee recommends, finance approves.",
        risk_tolerance="Medium.", budget_cycle="Fiscal year from July.",
        notes="Long-standing client. Contact has thinned out since the summer.",
    )
    common = {"account": acct, "owner": ME}
    robert = b.contact("Robert Lang", 545, **common, title="Operations Director", role="primary_contact",
                       style="analytical", motivations=["security_stability"], interests=["astronomy"], tier="a",
                       emails=["robert.lang@meridian.example"], phones=["+61 2 5550 1234"])
    julia = b.contact("Julia Santos", 540, **common, title="Programme Manager", role="champion", style="amiable",
                      motivations=["social_connection"], interests=["choir singing"], tier="b",
                      emails=["julia.santos@meridian.example"])
    ken = b.contact("Ken Watanabe", 500, **common, title="Finance Controller", role="financial_approver",
                    style="driver", tier="b", emails=["ken.watanabe@meridian.example"])
    sophie = b.contact("Sophie Laurent", 450, **common, title="Grid Analytics Lead", role="technical_evaluator",
                       style="analytical", motivations=["learning"], interests=["climbing"], tier="b",
                       emails=["sophie.laurent@meridian.example"])
    tom = b.contact("Tom Reyes", 380, **common, title="Field Systems Engineer", role="implementation_team",
                    style="amiable", interests=["fishing"], tier="c", emails=["tom.reyes@meridian.example"])

    # Robert: every nine days for a year, then one touch in three months.
    b.rhythm(robert, 540, 100, 9, channels=("email", "call", "meeting"), jitter=2, favor_at=12)
    b.touch(robert, 70, "email", notes="Short update on the maintenance window; no reply yet.", responded=False)
    b.assess(robert, 300, 4, 4, 4, 3, 4, 4)
    b.assess(robert, 100, 3, 3, 3, 3, 3, 3, "Feels like he is busy elsewhere.")

    # Julia: used to answer within hours; now slowly, or not at all.
    days, index = 535, 0
    while days > 100:
        if index % 3 == 2:
            b.touch(julia, days, "call", "inbound", notes=b.rng.choice(ROUTINE["check_in"]), sentiment=2)
        else:
            b.touch(julia, days, "email", notes=b.rng.choice(ROUTINE["check_in"]), responded=True,
                    response_hours=float(2 + days % 5))
        days, index = days - 18, index + 1
    for days, replied, hours in ((85, True, 72.0), (68, False, None), (52, True, 96.0), (36, False, None),
                                 (21, False, None)):
        b.touch(julia, days, "email", notes="Sent Julia the programme update and asked for her view.",
                responded=replied, response_hours=hours, sentiment=None)

    b.rhythm(ken, 495, 60, 60, channels=("email", "meeting"), purposes=("business",))
    b.touch(ken, 30, "call", purpose="business", sentiment=0,
            notes="Ken says there is a budget freeze on all new spend until the next fiscal year.")
    b.rhythm(sophie, 445, 3, 40, channels=("email", "call"), purposes=("business", "value_article", "check_in"),
             favor_at=3)
    b.rhythm(tom, 375, 25, 50, channels=("call",), inbound_every=2)


def lumen(b: Book) -> None:
    acct = b.account(
        "Lumen Media", 480, industry="media",
        culture="Creative and social; relationships matter more than process.",
        decision_making="Chloé decides; she likes to hear from the team first.",
        risk_tolerance="High.", budget_cycle="Calendar year.",
        notes="Our happiest client. A good source of referrals.",
    )
    common = {"account": acct, "owner": TEAMMATE}
    chloe = b.contact("Chloé Martin", 475, **common, title="Managing Director", role="executive_sponsor",
                      style="expressive", motivations=["legacy", "social_connection"],
                      interests=["film festivals", "wine"], tier="a", emails=["chloe@lumenmedia.example"],
                      phones=["+33 1 55 50 12 34"], tags=["vip", "reference-customer"])
    diego = b.contact("Diego Ferreira", 470, **common, title="Head of Production", role="champion", style="expressive",
                      motivations=["achievement"], interests=["football"], tier="a",
                      emails=["diego@lumenmedia.example"], preferred_channel="text",
                      dates=[{"kind": "birthday", **yearly(5, 1984)}])
    emma = b.contact("Emma Novak", 460, **common, title="Head of Digital", role="decision_influencer",
                     style="amiable", motivations=["professional_success"], interests=["theatre"], tier="b",
                     emails=["emma@lumenmedia.example"],
                     dates=[{"kind": "work_anniversary", **yearly(10, 2019)}])
    felix = b.contact("Felix Braun", 440, **common, title="Systems Architect", role="technical_evaluator",
                      style="analytical", motivations=["learning", "autonomy"], interests=["retro computing"],
                      tier="c", emails=["felix@lumenmedia.example"])
    ava = b.contact("Ava Thompson", 300, **common, title="Project Coordinator", role="implementation_team",
                    style="amiable", interests=["yoga"], tier="c", emails=["ava@lumenmedia.example"])

    b.rhythm(chloe, 470, 9, 20, channels=("meeting", "email", "call"), inbound_every=2, moods=(1, 2, 2, 1),
             purposes=("check_in", "business", "favor_received", "check_in", "value_article"), favor_at=13,
             notes={"check_in": ["Chloé invited me to their screening night; met two of her producers.",
                                 "She called just to share a win on the festival campaign."]})
    b.assess(chloe, 380, 3, 3, 3, 3, 3, 3)
    b.assess(chloe, 200, 4, 4, 4, 4, 4, 4)
    b.assess(chloe, 45, 5, 4, 5, 5, 4, 5, "Recommends us unprompted; calls us her partner, not her supplier.")
    b.promise(chloe, "Share our media-industry benchmark with Chloé", due=-100, made=110, status="done", done=101)

    b.rhythm(diego, 465, 6, 14, channels=("text", "call", "meeting"), inbound_every=2, moods=(1, 2))
    b.rhythm(emma, 455, 4, 35, channels=("email", "meeting"), purposes=("business", "check_in", "value_article"))
    b.touch(emma, 150, "meal", purpose="entertainment", sentiment=2,
            notes="Theatre night with Emma and her partner; not a word about work.")
    b.assess(emma, 100, 4, 4, 3, 4, 4, 4)
    b.rhythm(felix, 435, 15, 45, channels=("email", "call"), purposes=("business", "value_resource"))
    b.rhythm(ava, 295, 12, 40, channels=("call", "email"), inbound_every=2)


def fieldstone(b: Book) -> None:
    acct = b.account(
        "Fieldstone Manufacturing", 62, industry="manufacturing",
        culture="Family-owned; loyalty and plain talk.", decision_making="The owner signs everything.",
        risk_tolerance="Medium.", budget_cycle="Calendar year.",
        notes="Prospect: they found us at the Leeds logistics fair.",
    )
    common = {"account": acct, "owner": ME, "stage": "prospect"}
    b.contact("Isabel Quinn", 1, **common, title="Managing Director", role="primary_contact", style="driver",
              motivations=["autonomy"], tier="a", emails=["isabel.quinn@fieldstone.example"],
              notes="Filled in the contact form yesterday asking for a demo.")
    arjun = b.contact("Arjun Mehta", 3, **common, title="Production Planner", role="decision_influencer",
                      style="analytical", motivations=["learning"], interests=["cricket"], tier="b",
                      emails=["arjun.mehta@fieldstone.example"])
    grace = b.contact("Grace Liu", 60, **common, title="Plant Systems Engineer", role="technical_evaluator",
                      style="expressive", motivations=["professional_success"], interests=["trail running"],
                      tier="b", emails=["grace.liu@fieldstone.example"])
    b.touch(arjun, 1, "call", sentiment=1, hour=11,
            notes="Intro call: they plan shifts in a spreadsheet and lose a day a week to it.")
    b.touch(grace, 58, "call", notes="First call after the fair; she runs the plant's systems single-handed.")
    b.touch(grace, 57, "email", notes="Thanked Grace for the call and sent two short customer stories.")
    b.touch(grace, 43, "meeting", purpose="business", notes="Demo for Grace and two planners; good questions.")
    b.touch(grace, 29, "email", "inbound", notes="Grace asked how we handle shift swaps.", sentiment=1)
    b.touch(grace, 20, "call", purpose="business", notes="Walked Grace through shift swaps; she wants a trial.")
    b.promise(grace, "Grace will share their current shift-planning spreadsheet", by="them", due=-2, made=20)


def granite(b: Book) -> None:
    acct = b.account(
        "Granite Ridge Capital", 500, industry="investment management",
        culture="Analytical and quiet; they read everything before a meeting.",
        decision_making="Partners decide together.", risk_tolerance="Low.", budget_cycle="Calendar year.",
        notes="Steady client for three years.",
    )
    common = {"account": acct, "owner": TEAMMATE}
    william = b.contact("William Hart", 495, **common, title="Managing Partner", role="executive_sponsor",
                        style="driver", motivations=["legacy"], interests=["sailing", "wine"], tier="a",
                        emails=["william.hart@graniteridge.example"])
    zara = b.contact("Zara Ahmed", 490, **common, title="Head of Investor Relations", role="champion",
                     style="expressive", motivations=["professional_success", "social_connection"],
                     interests=["photography"], tier="a", emails=["zara.ahmed@graniteridge.example"])
    lucas = b.contact("Lucas Moreau", 480, **common, title="CFO", role="financial_approver", style="analytical",
                      motivations=["security_stability"], interests=["chess"], tier="b",
                      emails=["lucas.moreau@graniteridge.example"])
    b.rhythm(william, 490, 14, 35, channels=("meeting", "email"), inbound_every=2, favor_at=4)
    b.rhythm(zara, 485, 7, 21, channels=("call", "email", "meeting"), inbound_every=2, favor_at=10,
             purposes=("check_in", "value_article", "business", "favor_received"))
    b.rhythm(lucas, 475, 35, 60, channels=("email",), purposes=("business",), favor_at=3)
    b.assess(zara, 300, 4, 4, 4, 4, 4, 4)
    b.assess(zara, 40, 4, 5, 4, 4, 4, 5)


def network(b: Book) -> None:
    """People in my own network, outside any account: mentors, experts, old colleagues."""
    ben = b.contact("Ben Carter", 540, title="Sailing instructor and former logistics COO", role="external_advisor",
                    style="amiable", motivations=["legacy"], interests=["sailing"], tier="c",
                    tags=["expert:sailing", "mentor"], emails=["ben.carter@example.org"], owner=ME)
    sofia = b.contact("Sofia Rossi", 500, title="Sommelier and hospitality consultant", role="external_advisor",
                      style="expressive", interests=["wine", "travel"], tier="c", tags=["expert:wine"],
                      emails=["sofia@rossi-wines.example"], owner=TEAMMATE)
    marta = b.contact("Marta Kowalska", 460, title="Data protection lawyer", role="external_advisor",
                      style="analytical", motivations=["autonomy"], tier="c", tags=["expert:data privacy"],
                      emails=["marta.kowalska@example.net"], owner=ME)
    noah = b.contact("Noah Fischer", 530, title="Consultant", tier="c",
                     emails=["noah.fischer@example.com"], owner=ME,
                     notes="Former colleague; now independent. I keep reaching out, he never does.")
    elena = b.contact("Elena Popescu", 510, title="Angel investor", tier="c", emails=["elena@popescu.example"],
                      owner=ME, interests=["architecture"])
    b.contact("Paul Schmidt", 450, title="Former client, on sabbatical", style="amiable", tier="c",
              do_not_contact=True, emails=["paul.schmidt@example.de"], owner=ME,
              notes="Asked not to be contacted until his sabbatical ends.")

    b.rhythm(ben, 530, 40, 60, channels=("call", "meal"), inbound_every=2, moods=(2, 1), favor_at=2)
    b.rhythm(sofia, 495, 35, 75, channels=("email", "event"), inbound_every=2)
    b.rhythm(marta, 455, 10, 75, channels=("email",), inbound_every=2)
    days = 520
    while days > 30:
        b.touch(noah, days, "email", notes="Sent Noah a note and an article I thought he would like.",
                purpose="value_article", responded=False)
        days -= 55
    b.rhythm(elena, 505, 45, 90, channels=("meeting", "email"), inbound_every=2, purposes=("check_in",))
    b.promise(elena, "Elena will send the intro deck for her portfolio company", by="them", due=-5, made=40)


def remembered(b: Book) -> None:
    """What I know about a few people: written down as notes, never counted as touches."""
    b.note("priya", 300, "family", "Two daughters; the elder starts university in Edinburgh next autumn.")
    b.note("priya", 40, "gift", "Loved the sailing print in my office: a signed one for her birthday?")
    b.note("daniel", 120, "preference", "No calls before 10; prefers a one-page summary to a deck.")
    b.note("maya", 48, "how_we_met", "Met at the Leeds logistics summit; Rosa introduced us over coffee.")
    b.note("ben", 400, "how_we_met", "My first boss; taught me to sail on the Solent.")
    b.note("ben", 20, "family", "His grandson Leo was born in the spring.")


def build() -> dict:
    book = Book()
    for part in (northwind, harbor, bluefin, copperleaf, meridian, lumen, fieldstone, granite, network, remembered):
        part(book)
    return book_to_backup(book)


def book_to_backup(book: Book) -> dict:
    from keepwarm.io.backup import dumps  # noqa: F401  (imported by main)
    from keepwarm.io.records import FORMAT, SECTIONS, VERSION

    def numbered(items: list[dict], key) -> list[dict]:
        ordered = sorted(items, key=key)
        return [{**item, "id": index} for index, item in enumerate(ordered, start=1)]

    raw = {
        "accounts": numbered(book.accounts, lambda a: (a["created_at"], a["name"])),
        "contacts": book.contacts,
        "interactions": numbered(book.touches, lambda t: (t["at"], t["contact_id"])),
        "promises": numbered(book.promises, lambda p: (p["created_at"], p["contact_id"])),
        "followups": numbered(book.followups, lambda f: (f["created_at"], f["contact_id"])),
        "assessments": numbered(book.assessments, lambda a: (a["on"], a["contact_id"])),
        "notes": numbered(book.notes, lambda n: (n["on"], n["contact_id"])),
    }
    data: dict = {"format": FORMAT, "version": VERSION, "anchor": ANCHOR.isoformat(), "rules": {}}
    for section, model in SECTIONS.items():
        data[section] = [model.model_validate(item).model_dump(mode="json") for item in raw.get(section, [])]
    return data


def main() -> None:
    from keepwarm.io.backup import dumps

    target = Path(__file__).with_name("demo.json")
    target.write_text(dumps(build()), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
