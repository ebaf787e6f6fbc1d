"""A scoped run over contacts of several accounts, one of them named with a non-ASCII capital.

SQLite's lower() folds ASCII letters only, so the store finds no account for a
name like "Ärzte GmbH" when it is looked up by its Python lower case; the
scoped run then held that unknown account (None) next to the found ones and
sorted them together, which raised TypeError instead of evaluating anyone.
"""

from __future__ import annotations

from keepwarm.engine.evaluate import evaluate


def test_a_scoped_run_over_accounts_one_not_found_by_name_evaluates_every_contact(keepwarm_session, keepwarm_history):
    h = keepwarm_history
    umlaut = h.contact("Anna Arzt", account="Ärzte GmbH")
    acme = h.contact("Ada Lovelace", account="Acme")
    h.log(acme, "2026-11-01")

    scoped = evaluate(keepwarm_session, contact_ids=[umlaut, acme], persist=False)
    full = evaluate(keepwarm_session, persist=False)

    assert set(scoped.contacts) == {umlaut, acme}
    assert scoped.health[acme] == full.health[acme]
    assert scoped.health[umlaut] == full.health[umlaut]
