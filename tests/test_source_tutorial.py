"""The interaction-source tutorial in docs/plugins.md works as printed."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

from sqlalchemy import select

from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.model import Contact
from keepwarm.home.settings import Settings
from keepwarm.sources.sync import sync
from keepwarm.store import contacts as people
from keepwarm.store.schema import interactions

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def _tutorial_module(monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    [block] = [b for b in blocks if "def keepwarm_source_kinds" in b and "from keepwarm.plugin import" in b]
    module = types.ModuleType("chatlog_tutorial")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(block, "docs/plugins.md source tutorial", "exec"), module.__dict__)
    return module


def test_the_source_tutorial_reads_new_rows_and_skips_bad_ones(session, tmp_path, monkeypatch):
    log = tmp_path / "chats.csv"
    log.write_text("2026-11-20T10:00:00+00:00,ada@client.example,out\n"
                   "2026-11-20T10:30:00+00:00,ada@client.example,in\n"
                   "yesterday,ada@client.example,in\n", encoding="utf-8")
    # The settings first: the store's first write reads them (the acting user owns what it makes).
    session._config = Settings.model_validate(
        {"me": ["me@corp.example"], "sources": {"chat": {"kind": "chatlog", "path": str(log)}}})
    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada", emails=["ada@client.example"]), session.now)
    host = PluginHost(plugins_dir=None).load()
    host.register_for_test(_tutorial_module(monkeypatch), "chatlog")
    session.__dict__["runtime"] = build_runtime(host=host)
    [first] = sync(session)
    assert (first.read, first.new_touches, dict(first.skipped), first.problem) == (3, 2, {"unreadable row": 1}, None)
    with log.open("a", encoding="utf-8") as out:
        out.write("2026-11-21T08:00:00+00:00,ada@client.example,in\n")
    [second] = sync(session)
    assert (second.read, second.new_touches) == (1, 1)
    with session.store.read() as conn:
        rows = conn.execute(select(interactions.c.channel, interactions.c.direction)
                            .where(interactions.c.contact_id == ada).order_by(interactions.c.at)).all()
    assert rows == [("text", "outbound"), ("text", "inbound"), ("text", "inbound")]
