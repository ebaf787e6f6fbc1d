"""Synthetic data at team scale, for benchmarks and demos of size.

Deterministic for a seed. Written through the store's own functions so that
what is measured is what users get. The shapes are meant to be realistic:
accounts of very different sizes, every role and style, contacts who are
touched in bursts and then go silent, replies that come or do not, moods that
drift, and notes that now and then mention a competitor or a budget.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from sqlalchemy import insert

from ..home.session import Session
from ..model import (
    Assessment,
    Channel,
    Commitment,
    Contact,
    DateKind,
    Direction,
    ImportantDate,
    Interaction,
    Motivation,
    Outcome,
    Purpose,
    Role,
    SocialStyle,
    Stage,
    Tier,
)
from ..store import activity
from ..store import contacts as people
from ..store.schema import accounts

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Hedy",
    "John",
    "Joan",
    "Guido",
    "Sophie",
    "Yukihiro",
    "Annie",
    "José",
    "Zoë",
    "Björn",
    "Chloé",
    "Mateo",
    "Aisha",
    "Wei",
    "Priya",
    "Olu",
    "Ingrid",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "McCarthy",
    "Clarke",
    "van Rossum",
    "Wilson",
    "Matsumoto",
    "Easley",
    "Núñez",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Kowalski",
    "Haddad",
    "Zhang",
    "Rao",
]
INDUSTRIES = ["logistics", "healthcare", "banking", "retail", "energy", "media", "manufacturing", "education"]
INTERESTS = [
    "college football",
    "sailing",
    "jazz",
    "trail running",
    "chess",
    "gardening",
    "cycling",
    "wine",
    "photography",
    "cooking",
    "golf",
    "history podcasts",
    "climbing",
    "birdwatching",
]
NOTES = [
    "Talked through their roadmap for next quarter.",
    "They liked the case study; want to share it internally.",
    "Quick catch-up, kids back at school.",
    "Asked about integration timelines.",
    "Mentioned a competitor is pitching them an RFP.",
    "Budget freeze until the new fiscal year.",
    "They were late and seemed distracted.",
    "Great energy, wants to meet the wider team.",
    "",
    "",
]


def _name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} {index:05d}"


def generate(
    session: Session,
    *,
    contacts: int,
    interactions_per_contact: int,
    seed: int = 1,
    accounts_count: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    rng = random.Random(seed)
    now = session.now
    n_accounts = accounts_count or max(6, contacts // 25)
    total_interactions = 0
    with session.store.write() as conn:
        account_names = []
        for a in range(n_accounts):
            name = (
                f"{rng.choice(['North', 'Blue', 'Iron', 'Bright', 'Oak', 'Delta', 'Summit'])} "
                f"{rng.choice(['Freight', 'Health', 'Bank', 'Retail', 'Power', 'Media', 'Works'])} {a:04d}"
            )
            conn.execute(
                insert(accounts).values(
                    name=name,
                    industry=rng.choice(INDUSTRIES),
                    culture="",
                    decision_making="",
                    risk_tolerance="",
                    budget_cycle="",
                    notes="",
                    created_at=now.replace(tzinfo=None),
                    updated_at=now.replace(tzinfo=None),
                )
            )
            account_names.append(name)
        # Zipf-like sizes: a few big accounts, many small ones.
        weights = [1 / (i + 1) ** 0.8 for i in range(n_accounts)]
        roles, styles, stages = list(Role), list(SocialStyle), list(Stage)
        batch: list[Interaction] = []
        for index in range(contacts):
            contact = Contact(
                name=_name(rng, index),
                account=rng.choices(account_names, weights)[0],
                role=rng.choice(roles),
                style=rng.choice(styles),
                tier=rng.choices(list(Tier), [1, 3, 6])[0],
                stage=rng.choices(stages, [2, 2, 10, 2, 2, 1])[0],
                interests=rng.sample(INTERESTS, rng.randint(0, 3)),
                motivations=rng.sample(list(Motivation), rng.randint(0, 2)),
                emails=[f"person{index}@example.com"],
                tags=[f"expert:{rng.choice(INTERESTS)}"] if rng.random() < 0.05 else [],
                dates=[
                    ImportantDate(
                        kind=DateKind.BIRTHDAY,
                        month=rng.randint(1, 12),
                        day=rng.randint(1, 28),
                        year=rng.choice([None, rng.randint(1960, 2000)]),
                    )
                ]
                if rng.random() < 0.6
                else [],
            )
            cid = people.insert_contact(conn, contact, now)
            count = max(0, int(rng.gauss(interactions_per_contact, interactions_per_contact / 4)))
            span_days = 3 * 365
            silent_from = rng.random() < 0.25 and rng.randint(30, 400)
            mood = rng.uniform(-0.5, 1.5)
            for _ in range(count):
                age = rng.random() ** 1.3 * span_days
                if silent_from and age < silent_from:
                    age += silent_from
                at = now - dt.timedelta(days=age, hours=rng.randint(0, 23))
                outbound = rng.random() < 0.7
                batch.append(
                    Interaction.model_construct(
                        id=None,
                        contact_id=cid,
                        at=at,
                        channel=rng.choices(list(Channel), [5, 8, 4, 2, 1, 1, 0.2, 0.2, 0.6])[0],
                        direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
                        purpose=rng.choices(list(Purpose), [10, 2, 1, 1, 1, 0.5, 0.5, 6, 0.5, 0.5, 0.3])[0],
                        outcome=rng.choices(list(Outcome), [20, 1, 1, 1, 0.3])[0],
                        sentiment=max(-2, min(2, round(rng.gauss(mood, 0.8)))) if rng.random() < 0.6 else None,
                        responded=(rng.random() < 0.75) if outbound and rng.random() < 0.7 else None,
                        response_hours=round(rng.expovariate(1 / 20), 1) if outbound and rng.random() < 0.4 else None,
                        notes=rng.choice(NOTES),
                        group_key=None,
                    )
                )
            if len(batch) >= 20_000:
                total_interactions += activity.bulk_insert_interactions(conn, batch, now)
                batch = []
            if rng.random() < 0.1:
                activity.insert_commitment(
                    conn,
                    Commitment(
                        contact_id=cid,
                        text="send the benchmark report",
                        due=(now + dt.timedelta(days=rng.randint(-30, 30))).date(),
                    ),
                    now,
                )
            if rng.random() < 0.2:
                activity.insert_assessment(
                    conn,
                    Assessment(
                        contact_id=cid,
                        on=(now - dt.timedelta(days=rng.randint(0, 300))).date(),
                        **{
                            d: rng.randint(1, 5)
                            for d in ("trust", "communication", "sharing", "advocacy", "conflict", "commitment")
                        },
                    ),
                    now,
                )
            if progress is not None and index % 1000 == 0:
                progress(index, contacts)
        total_interactions += activity.bulk_insert_interactions(conn, batch, now)
    return {"accounts": n_accounts, "contacts": contacts, "interactions": total_interactions}
