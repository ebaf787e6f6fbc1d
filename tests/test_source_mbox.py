"""The "mbox" source kind: mbox files written with the standard library's mailbox module."""

from __future__ import annotations

import datetime as dt
import mailbox
import tracemalloc
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pydantic
import pytest

from keepwarm.plugin import Capture, Checkpoint, Person, Progress, ReadRequest, Skip
from keepwarm_plugins import source_mbox

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)


def mail(n: int, sender: str = "ada@example.org", body: str | None = None, **extra: str) -> EmailMessage:
    msg = EmailMessage(policy=policy.compat32)
    msg["From"] = sender
    msg["To"] = "Me <me@example.org>"
    msg["Cc"] = "=?utf-8?q?Z=C3=B6e?= <zoe@example.org>"
    msg["Date"] = (NOW - dt.timedelta(days=10, hours=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg["Message-ID"] = f"<m{n}@example.org>"
    msg["Subject"] = f"message {n}"
    for name, value in extra.items():
        msg[name.replace("_", "-")] = value
    # A body line that starts "From " after a blank line: mailbox quotes it as ">From ", as mbox writers do.
    msg.set_payload(body if body is not None else f"Hi,\n\nFrom what I hear, {n} is fine.\nFrom: not-a-header@x\n")
    return msg


def request(path: Path, cursor=None) -> ReadRequest:
    return ReadRequest(name="archive", options=source_mbox.MboxOptions(path=str(path)), cursor=cursor or {},
                       now=NOW, since=NOW - dt.timedelta(days=365), until=NOW + dt.timedelta(days=60))


def read_all(path: Path, cursor=None) -> tuple[list, dict]:
    items = list(source_mbox.read(request(path, cursor)))
    assert isinstance(items[-1], Checkpoint)
    return [i for i in items if not isinstance(i, (Progress, Checkpoint))], dict(items[-1].cursor)


def ids(items) -> list[str]:
    return [i.external_id for i in items if isinstance(i, Capture)]


def write(path: Path, *messages: EmailMessage) -> None:
    box = mailbox.mbox(path)
    box.lock()
    for message in messages:
        box.add(message)
    box.flush()
    box.unlock()
    box.close()


def test_each_message_becomes_a_capture_with_its_fields(tmp_path):
    path = tmp_path / "archive.mbox"
    write(path, mail(1), mail(2, In_Reply_To="<m1@example.org>", References="<m0@example.org> <m1@example.org>"))
    items, cursor = read_all(path)
    assert ids(items) == ["m1@example.org", "m2@example.org"]
    second = items[1]
    assert second.people == (Person("ada@example.org", "from"), Person("me@example.org", "to", "Me"),
                             Person("zoe@example.org", "cc", "Zöe"))
    assert second.replies_to == ("m1@example.org", "m0@example.org")
    assert (second.subject, second.at) == ("message 2", NOW - dt.timedelta(days=10, hours=2))
    assert cursor["offset"] == path.stat().st_size


def test_a_file_that_only_grew_is_read_from_where_the_last_read_stopped(tmp_path):
    path = tmp_path / "inbox"
    write(path, mail(1), mail(2))
    _, cursor = read_all(path)
    assert read_all(path, cursor)[0] == []
    write(path, mail(3))
    items, cursor = read_all(path, cursor)
    assert ids(items) == ["m3@example.org"]
    assert read_all(path, cursor)[0] == []


def test_a_rewritten_file_is_read_again_whole(tmp_path):
    path = tmp_path / "inbox"
    write(path, mail(1), mail(2), mail(3))
    _, cursor = read_all(path)
    box = mailbox.mbox(path)
    box.lock()
    box.remove(next(k for k, m in box.items() if m["Message-ID"] == "<m2@example.org>"))
    box.flush()
    box.unlock()
    box.close()
    write(path, mail(4, body="a longer body than the one removed, so the file is no smaller\n" * 4))
    items, _ = read_all(path, cursor)
    assert ids(items) == ["m1@example.org", "m3@example.org", "m4@example.org"]


def test_a_rewritten_start_is_read_again_whole_even_when_the_file_grew(tmp_path):
    path = tmp_path / "inbox"
    write(path, mail(1))
    _, cursor = read_all(path)
    path.write_bytes(b"")
    write(path, mail(5, body="x" * 2000 + "\n"), mail(6))
    items, _ = read_all(path, cursor)
    assert ids(items) == ["m5@example.org", "m6@example.org"]


def test_automatic_and_broken_messages_are_skipped_and_the_rest_read(tmp_path):
    path = tmp_path / "inbox"
    nodate = mail(3)
    del nodate["Date"]
    write(path, mail(1, Precedence="bulk"), mail(2, Auto_Submitted="auto-replied"), nodate, mail(4))
    with open(path, "ab") as f:  # a last message cut off inside its headers
        f.write(b"\nFrom bob@example.org Mon Nov 16 10:00:00 2026\nFrom: bob@example.org\nMessage-ID: <cut@x>\nDa")
    items, _ = read_all(path)
    assert [(i.external_id, getattr(i, "reason", "")) for i in items] == [
        ("m1@example.org", "bulk mail"), ("m2@example.org", "automatic mail"), ("m3@example.org", "no Date header"),
        ("m4@example.org", ""), ("cut@x", "no Date header")]


def test_a_50_mb_message_is_passed_over_without_holding_it(tmp_path):
    path = tmp_path / "inbox"
    big = mail(2, body=("B" * (1024 * 1024) + "\n") * 50)  # 50 lines of 1 MB
    write(path, mail(1), big, mail(3))
    assert path.stat().st_size > 50 * 1024 * 1024
    tracemalloc.start()
    try:
        items, _ = read_all(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ids(items) == ["m1@example.org", "m2@example.org", "m3@example.org"]
    assert peak < 2 * 1024 * 1024


def test_a_sync_killed_after_a_checkpoint_resumes_where_it_stopped(tmp_path):
    path = tmp_path / "inbox"
    write(path, *(mail(n) for n in range(1500)))
    first = []
    reader = source_mbox.read(request(path))
    for item in reader:
        if isinstance(item, Checkpoint):
            cursor = dict(item.cursor)
            break
        if isinstance(item, Capture):
            first.append(item.external_id)
    reader.close()  # killed here
    assert len(first) == 1000
    rest, _ = read_all(path, cursor)
    assert first + ids(rest) == [f"m{n}@example.org" for n in range(1500)]


def test_a_missing_file_or_one_that_is_no_mbox_is_one_line_naming_it(tmp_path):
    with pytest.raises(source_mbox.NotAnMbox) as missing:
        list(source_mbox.read(request(tmp_path / "nope")))
    assert str(missing.value) == f"{tmp_path / 'nope'}: no such file (expected an mbox file)"
    with pytest.raises(source_mbox.NotAnMbox, match="a folder, not an mbox file"):
        list(source_mbox.read(request(tmp_path)))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(source_mbox.NotAnMbox) as garbage:
        list(source_mbox.read(request(tmp_path / "photo.png")))
    assert str(garbage.value) == f"{tmp_path / 'photo.png'}: not an mbox file: it does not start with a \"From \" line"


def test_an_empty_mbox_reads_nothing_and_its_first_message_later_is_read(tmp_path):
    path = tmp_path / "inbox"
    path.write_bytes(b"")
    items, cursor = read_all(path)
    assert items == []
    write(path, mail(1))
    assert ids(read_all(path, cursor)[0]) == ["m1@example.org"]


def test_options_are_checked_and_documented():
    with pytest.raises(pydantic.ValidationError):
        source_mbox.MboxOptions(path="~/mbox", folders=["x"])
    assert all(f.description for f in source_mbox.MboxOptions.model_fields.values())
    assert (source_mbox.KIND.name, source_mbox.KIND.target) == ("mbox", "path")


def test_a_header_block_too_large_is_skipped_and_the_next_message_read(tmp_path):
    path = tmp_path / "inbox"
    huge = mail(1)
    for n in range(400):
        huge[f"X-Filler-{n}"] = "y" * 900
    write(path, huge, mail(2))
    items, _ = read_all(path)
    assert [type(i).__name__ for i in items] == ["Skip", "Capture"]
    assert items[0].reason == "header larger than 256 KB" and items[1].external_id == "m2@example.org"
    assert isinstance(items[0], Skip)
