"""The "maildir" source kind: Maildirs written with the standard library's mailbox module."""

from __future__ import annotations

import builtins
import datetime as dt
import mailbox
import os
import tomllib
from email import policy
from email.message import EmailMessage
from importlib.metadata import EntryPoint
from pathlib import Path

import pydantic
import pytest

from keepwarm.hosting.host import PluginHost
from keepwarm.plugin import Capture, Checkpoint, Progress, ReadRequest, Skip
from keepwarm_plugins import source_maildir

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
ROOT = Path(__file__).resolve().parents[1]


def mail(n: int, sender: str = "ada@example.org", **extra: str) -> EmailMessage:
    msg = EmailMessage(policy=policy.compat32)
    msg["From"] = sender
    msg["To"] = "me@example.org"
    msg["Date"] = (NOW - dt.timedelta(days=30, minutes=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg["Message-ID"] = f"<m{n}@example.org>"
    msg["Subject"] = f"message {n}"
    for name, value in extra.items():
        msg[name.replace("_", "-")] = value
    msg.set_payload(f"body of {n}\nFrom: someone-else@example.org\n")
    return msg


def request(path: Path, cursor=None, **options) -> ReadRequest:
    return ReadRequest(
        name="mail", options=source_maildir.MaildirOptions(path=str(path), **options), cursor=cursor or {},
        now=NOW, since=NOW - dt.timedelta(days=365), until=NOW + dt.timedelta(days=60),
    )


def read_all(req: ReadRequest) -> tuple[list, dict]:
    items = list(source_maildir.read(req))
    assert isinstance(items[-1], Checkpoint)
    return [i for i in items if not isinstance(i, (Progress, Checkpoint))], dict(items[-1].cursor)


def ids(items) -> list[str]:
    return sorted(i.external_id for i in items if isinstance(i, Capture))


@pytest.fixture
def maildir(tmp_path) -> mailbox.Maildir:
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    for n in range(3):
        box.add(mail(n))
    sent = box.add_folder("Sent")  # Maildir++: .Sent
    sent.add(mail(10, sender="me@example.org"))
    work = box.add_folder("Work.Clients")
    work.add(mail(20, sender="client@example.com"))
    box.add_folder("Trash").add(mail(30))
    box.add_folder("Drafts").add(mail(40, sender="me@example.org"))
    return box


def test_every_folder_is_read_but_drafts_and_trash_with_the_fields_of_each_message(maildir, tmp_path):
    items, cursor = read_all(request(tmp_path / "Mail"))
    assert ids(items) == sorted(f"m{n}@example.org" for n in (0, 1, 2, 10, 20))
    sent = next(i for i in items if i.external_id == "m10@example.org")
    assert [(p.role, p.address) for p in sent.people] == [("from", "me@example.org"), ("to", "me@example.org")]
    assert sent.subject == "message 10" and sent.at == NOW - dt.timedelta(days=30, minutes=10)
    assert sorted(cursor["folders"]) == ["INBOX", "Sent", "Work.Clients"]


def test_folders_chooses_by_name_and_a_wrong_name_is_one_clear_line(maildir, tmp_path):
    items, _ = read_all(request(tmp_path / "Mail", folders=["Sent", "work/clients"]))
    assert ids(items) == ["m10@example.org", "m20@example.org"]
    items, _ = read_all(request(tmp_path / "Mail", folders=["Trash"], skip_folders=[]))
    assert ids(items) == ["m30@example.org"]
    with pytest.raises(source_maildir.NotAMaildir, match=r"no folder 'Archive' \(there are: INBOX, .*Sent"):
        list(source_maildir.read(request(tmp_path / "Mail", folders=["Archive"])))


def test_the_layout_mbsync_writes_verbatim_is_read_too(tmp_path):
    for name, n in (("INBOX", 1), ("Sent", 2), ("Work/Clients", 3)):
        (tmp_path / "acct" / name).parent.mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(tmp_path / "acct" / name, create=True).add(mail(n))
    (tmp_path / "acct" / ".notmuch" / "xapian").mkdir(parents=True)
    items, cursor = read_all(request(tmp_path / "acct"))
    assert ids(items) == ["m1@example.org", "m2@example.org", "m3@example.org"]
    assert cursor["folders"] == ["INBOX", "Sent", "Work/Clients"]


def test_a_missing_folder_or_one_that_is_no_maildir_is_one_line_naming_it(tmp_path):
    with pytest.raises(source_maildir.NotAMaildir) as missing:
        list(source_maildir.read(request(tmp_path / "nowhere")))
    assert str(missing.value) == f"{tmp_path / 'nowhere'}: no such folder (expected a Maildir, with cur/ and new/ folders)"
    (tmp_path / "plain" / "photos").mkdir(parents=True)
    with pytest.raises(source_maildir.NotAMaildir) as plain:
        list(source_maildir.read(request(tmp_path / "plain")))
    assert str(plain.value) == f"{tmp_path / 'plain'}: not a Maildir: no cur/ and new/ folders in it or below it"


def test_automatic_broken_and_garbage_files_are_skipped_with_their_reason(tmp_path):
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    box.add(mail(1))
    box.add(mail(2, List_Id="<friends.lists.example.org>"))
    box.add(mail(3, sender="GitHub <noreply@github.com>"))
    nodate = mail(4)
    del nodate["Date"]
    box.add(nodate)
    absurd = mail(5)
    absurd.replace_header("Date", "Sat, 01 Jan 2050 00:00:00 +0000")
    box.add(absurd)
    (tmp_path / "Mail" / "new" / "garbage").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "Mail" / "new" / "empty").write_bytes(b"")
    (tmp_path / "Mail" / "cur" / "cut:2,S").write_bytes(b"From: bob@example.org\nMessage-ID: <cut@x>\nDate: Mon, 2 No")
    (tmp_path / "Mail" / "cur" / ".hidden").write_bytes(b"From: x@example.org\n")
    items, _ = read_all(request(tmp_path / "Mail"))
    assert ids(items) == ["m1@example.org"]
    assert sorted((i.external_id, i.reason) for i in items if isinstance(i, Skip) and "@" in i.external_id) == [
        ("cut@x", "unreadable Date"), ("m2@example.org", "mailing list"), ("m3@example.org", "no-reply sender"),
        ("m4@example.org", "no Date header"), ("m5@example.org", "Date out of range")]
    assert sorted(i.reason for i in items if isinstance(i, Skip) and "@" not in i.external_id) == [
        "not a mail message", "not a mail message"]


def counting_open(monkeypatch) -> dict[str, int]:
    """The bytes the reader takes from each message file it opens."""
    read: dict[str, int] = {}
    real_open = builtins.open

    class Counted:
        def __init__(self, stream, name):
            self.stream, self.name = stream, name

        def readline(self, size=-1):
            line = self.stream.readline(size)
            read[self.name] = read.get(self.name, 0) + len(line)
            return line

        def __getattr__(self, name):
            return getattr(self.stream, name)

        def __enter__(self):
            read.setdefault(self.name, 0)
            return self

        def __exit__(self, *exc):
            self.stream.close()

    monkeypatch.setattr(source_maildir, "open", lambda path, mode="r": Counted(real_open(path, mode), Path(path).name),
                        raising=False)
    return read


def test_a_50_mb_message_is_read_no_further_than_its_headers(tmp_path, monkeypatch):
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    box.add(mail(1))
    path = next((tmp_path / "Mail" / "new").iterdir())
    with open(path, "ab") as f:
        line = b"From: not-a-header@example.org " + b"A" * 1000 + b"\n"
        for _ in range(50 * 1024):
            f.write(line)
    assert path.stat().st_size > 50_000_000
    read = counting_open(monkeypatch)
    items, _ = read_all(request(tmp_path / "Mail"))
    assert [(i.external_id, [p.address for p in i.people]) for i in items] == [
        ("m1@example.org", ["ada@example.org", "me@example.org"])]
    assert read == {path.name: len(path.read_bytes().split(b"\n\n", 1)[0]) + 2}


def test_a_resync_with_nothing_new_opens_no_file_and_one_new_message_is_all_the_next_one_reads(
        maildir, tmp_path, monkeypatch):
    _, cursor = read_all(request(tmp_path / "Mail"))
    read = counting_open(monkeypatch)
    items, again = read_all(request(tmp_path / "Mail", cursor))
    assert items == [] and read == {}
    maildir.get_folder("Sent").add(mail(11, sender="me@example.org"))
    items, _ = read_all(request(tmp_path / "Mail", again))
    assert ids(items) == ["m11@example.org"]


def test_a_flag_change_reads_that_message_again_only(maildir, tmp_path):
    _, cursor = read_all(request(tmp_path / "Mail"))
    key = next(k for k, m in maildir.items() if m["Message-ID"] == "<m1@example.org>")
    message = maildir[key]
    message.set_subdir("cur")
    message.set_flags("S")
    maildir[key] = message  # renames the file into cur/ with its flags
    items, cursor = read_all(request(tmp_path / "Mail", cursor))
    assert ids(items) == ["m1@example.org"]
    assert read_all(request(tmp_path / "Mail", cursor))[0] == []


def test_a_folder_added_to_the_choice_later_is_read_whole(maildir, tmp_path):
    _, cursor = read_all(request(tmp_path / "Mail", folders=["INBOX"]))
    items, _ = read_all(request(tmp_path / "Mail", cursor, folders=["INBOX", "Sent"]))
    assert ids(items) == ["m10@example.org"]


def test_a_sync_killed_after_a_checkpoint_resumes_where_it_stopped(tmp_path):
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    for n in range(1234):
        box.add(mail(n))
    first: list = []
    reader = source_maildir.read(request(tmp_path / "Mail"))
    progress = []
    for item in reader:
        if isinstance(item, Progress):
            progress.append((item.done, item.total))
        elif isinstance(item, Checkpoint):
            cursor = dict(item.cursor)
            break
        else:
            first.append(item.external_id)
    reader.close()  # killed here
    assert len(first) == 1000 and progress == [(500, 1234), (1000, 1234)]
    rest, _ = read_all(request(tmp_path / "Mail", cursor))
    assert sorted(first + ids(rest)) == sorted(f"m{n}@example.org" for n in range(1234))
    assert not set(first) & set(ids(rest))


def test_options_are_checked_and_documented():
    with pytest.raises(pydantic.ValidationError):
        source_maildir.MaildirOptions(path="~/Mail", folder=["INBOX"])
    for name, field in source_maildir.MaildirOptions.model_fields.items():
        assert field.description, name
    assert source_maildir.KIND.target == "path" and source_maildir.KIND.family == "mail"


def test_both_mail_kinds_are_built_in_plugins_declared_and_loaded_as_a_third_partys_would_be():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["keepwarm"]
    assert declared["source_maildir"] == "keepwarm_plugins.source_maildir"
    assert declared["source_mbox"] == "keepwarm_plugins.source_mbox"
    eps = [EntryPoint(name, declared[name], "keepwarm") for name in ("source_maildir", "source_mbox")]
    host = PluginHost(eps=eps, plugins_dir=None, budget=0).load()
    assert host.problems == [] and all(host.infos[n].active for n in ("source_maildir", "source_mbox"))
    kinds = [k for found in host.pm.hook.keepwarm_source_kinds() for k in found]
    assert sorted((k.name, k.family, k.target) for k in kinds) == [("maildir", "mail", "path"), ("mbox", "mail", "path")]


def test_the_mail_plugins_import_only_what_a_third_party_can():
    for module in ("source_maildir", "source_mbox", "_mail_headers"):
        text = (ROOT / "plugins" / "keepwarm_plugins" / f"{module}.py").read_text()
        imports = {line.split()[1] for line in text.splitlines() if line.startswith(("import ", "from "))}
        assert {i for i in imports if i.startswith("keepwarm")} <= {"keepwarm.plugin"}, module


def test_a_file_whose_modification_time_lies_years_ahead_does_not_hide_later_mail(tmp_path):
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    box.add(mail(1))
    spam = next((tmp_path / "Mail" / "new").iterdir())
    ahead = int((NOW + dt.timedelta(days=3650)).timestamp())
    os.utime(spam, (ahead, ahead))  # as offlineimap's utime_from_header does with a message dated 2036
    _, cursor = read_all(request(tmp_path / "Mail"))
    box.add(mail(2))
    items, _ = read_all(request(tmp_path / "Mail", cursor))
    assert ids(items) == ["m2@example.org"]
