"""keepwarm.testing, as a plugin author uses it: fixtures from the pytest11 entry point."""

from __future__ import annotations

import datetime as dt

from keepwarm.plugin import Warning, hookimpl
from keepwarm.testing import run_engine


class QuietMonths:
    """A detector an author might write: no touch for 60 days."""

    @hookimpl
    def keepwarm_warnings(self, ctx):
        days = ctx.days_since_touch()
        if days is not None and days > 60:
            return [Warning("quiet_months", f"{ctx.contact.name} has been quiet", 2, {"days": days})]


def test_history_builder_and_run_engine(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace")
    count = keepwarm_history.every(ada, days=14, start="2025-11-01", end="2026-08-01")
    assert count == 20
    evaluation = run_engine(keepwarm_session, QuietMonths(), builtins=False)
    [warning] = evaluation.warnings[ada]
    last = dt.date(2025, 11, 1) + dt.timedelta(days=14 * 19)
    assert warning.evidence == {"days": (dt.date(2026, 11, 22) - last).days}
    assert evaluation.stats[ada].touches_total == 20


def test_the_clock_fixture_is_the_one_the_engine_uses(keepwarm_session, keepwarm_now):
    assert keepwarm_session.today == keepwarm_now.date()
