"""`keepwarm export ics` at 50,000 contacts: what it holds at once (issue 19: every command under 400 MB).

The export brings the stored results up to date (one run over what changed, the
whole book at most) and takes the advice from that run or the kept advice
(`calendar.advice.consult`): one evaluation held at a time. The record of what each target got (`calendar.state`) is written as it is encoded,
not built as one string first.
"""

from __future__ import annotations

import gc
import json
import weakref

from keepwarm.services import devdata
from keepwarm.calendar import state as records
from keepwarm.calendar.advice import consult
from keepwarm.engine import evaluate as engine


def test_the_export_runs_the_engine_over_the_book_once(session, monkeypatch):
    """The stored results brought up to date (here: the first run, over the whole book) and the advice taken
    from that same run: one whole-book evaluation held, not a second to look again."""
    devdata.generate(session, contacts=12, interactions_per_contact=3, seed=4)  # no follow-ups yet
    real = engine.evaluate
    runs: list[weakref.ref] = []

    def watched(*args, **kwargs):
        evaluation = real(*args, **kwargs)
        runs.append(weakref.ref(evaluation))
        return evaluation

    monkeypatch.setattr(engine, "evaluate", watched)
    consultation = consult(session, persist=True)
    consultation.prepare(range(1, 13))
    assert len(runs) == 1 and runs[0]() is not None  # the advice comes from the run that stored the results
    assert any(consultation.advice_for(cid).tips or consultation.advice_for(cid).suggestions for cid in range(1, 13))
    again = consult(session, persist=True)  # nothing changed since: no run at all, the advice kept
    again.prepare(range(1, 13))
    assert len(runs) == 1
    assert [again.advice_for(cid) for cid in range(1, 13)] == [consultation.advice_for(cid) for cid in range(1, 13)]


def _state(targets: int, entries: int) -> dict:
    return {
        "version": records.VERSION,
        "targets": {
            f"/books/{t}.sqlite|/out/{t}.ics|vevent": {
                "updated": "2026-11-22T09:00:00+00:00",
                "entries": {
                    f"kw-{t}-{n}@keepwarm": {
                        "seq": n % 3,
                        "hash": f"{n:032x}",
                        "kind": "VEVENT",
                        "summary": f"Call Zoë {n} — “quarterly”",
                        "start": "2026-11-30",
                        "followup_id": n,
                        "cancelled_at": None,
                        "stamp": None,
                    }
                    for n in range(entries)
                },
            }
            for t in range(targets)
        },
    }


def test_the_export_record_is_written_as_it_is_encoded_to_the_same_bytes(tmp_path, monkeypatch):
    data = _state(2, 3000)
    path = tmp_path / "calendar-exports.json"
    sizes: list[int] = []
    real = records.write_atomic

    def counted(target, pieces):
        assert not isinstance(pieces, (bytes, bytearray)), "the whole record was built before writing"

        def passing():
            for piece in pieces:
                sizes.append(len(piece))
                yield piece

        real(target, passing())

    monkeypatch.setattr(records, "write_atomic", counted)
    records.ExportState(path, data).save()
    written = path.read_bytes()
    assert written == (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    assert len(sizes) > 10 and max(sizes) < len(written) / 10  # pieces of about 64 KB, not the whole
    again = records.ExportState.load(path)
    assert again.previous("/books/1.sqlite|/out/1.ics|vevent")["kw-1-7@keepwarm"].summary == "Call Zoë 7 — “quarterly”"
