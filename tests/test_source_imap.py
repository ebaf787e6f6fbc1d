"""The `imap` source kind against a real IMAP server (pymap, started by `imap_server` on 127.0.0.1).

Mail is put on the server with IMAP APPEND; the reader is the plugin's own
`read`, given what the core gives it (validated options, the last cursor, a
fixed clock). Every test starts from an empty account.
"""

from __future__ import annotations

import datetime as dt
import sys
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from pydantic import ValidationError

import imap_server
from imap_server import PASSWORD, USER
from keepwarm.plugin import Capture, Channel, Checkpoint, Person, Progress, ReadRequest, Skip
from keepwarm_plugins import source_imap
from keepwarm_plugins.source_imap import ImapSourceError

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("imap-server")]

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
ME, BOB, CAROL = "ada@example.org", "bob@partner.example", "carol@partner.example"


@pytest.fixture(scope="module")
def server(imap_once):
    """The test process's one pymap server (conftest.py); `mail` empties its account before each test."""
    return imap_once


@pytest.fixture
def mail(server):
    """An empty account (INBOX only) and a client to fill it, logged out afterwards."""
    client = server.client()
    for _flags, _sep, name in client.list_folders():
        if name.upper() != "INBOX":
            client.delete_folder(name)
    client.select_folder("INBOX")
    old = client.search(["ALL"])
    if old:
        client.delete_messages(old)
        client.expunge()
    client.close_folder()
    yield client
    client.logout()


@pytest.fixture
def secret_script(tmp_path):
    """A password command that prints the password; `secret_script(status=3)` prints it and fails."""

    made = []

    def make(*, status: int = 0, text: str = PASSWORD) -> str:
        made.append(text)
        script = tmp_path / f"password-{len(made)}.py"
        script.write_text(
            f"import sys\nsys.stdout.write({text!r} + '\\nsecond line\\n')\nsys.stderr.write('stderr: ' + {text!r})\n"
            f"sys.exit({status})\n",
            encoding="utf-8",
        )
        return f"{sys.executable} {script}"

    return make


def options(server, secret_script, **changes):
    values = {
        "host": server.host, "port": server.tls_port, "username": USER,
        "ca_file": str(server.ca_file), "password_command": secret_script(),
    }
    values.update(changes)
    return source_imap.Options(**{k: v for k, v in values.items() if v is not None})


def read(opts, cursor=None, name="work-mail"):
    request = ReadRequest(name=name, options=opts, cursor=cursor or {}, now=NOW,
                          since=NOW - dt.timedelta(days=365), until=NOW + dt.timedelta(days=60))
    return list(source_imap.read(request))


def captures(items):
    return [item for item in items if isinstance(item, Capture)]


def last_cursor(items):
    points = [item for item in items if isinstance(item, Checkpoint)]
    assert points, "the reader ended without a checkpoint"
    assert items[-1] is points[-1], "the last item must be the final checkpoint"
    return dict(points[-1].cursor)


def message(*, sender, to, cc=(), subject="Hello", when, message_id=None, in_reply_to=None, references=(), **extra):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    if when is not None:
        msg["Date"] = format_datetime(when)
    if message_id:
        msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        msg["References"] = " ".join(f"<{r}>" for r in references)
    for key, value in extra.items():
        msg[key.replace("_", "-")] = value
    msg.set_content("The body, which the reader never downloads.\n")
    return msg.as_bytes()


def append(client, folder, raw, when):
    """APPEND with the arrival time set, so the history window does not depend on the real clock."""
    client.append(folder, raw, flags=(), msg_time=when.replace(tzinfo=None) if when else NOW.replace(tzinfo=None))


def kind():
    (found,) = source_imap.keepwarm_source_kinds()
    return found


def test_the_kind_is_imap_targeting_the_host_with_documented_options():
    found = kind()
    assert (found.name, found.family, found.target) == ("imap", "mail", "host")
    assert "password" not in found.options.model_fields
    assert all(field.description for field in found.options.model_fields.values())
    with pytest.raises(ValidationError, match="Extra inputs"):
        found.options(host="imap.example.org", username="me", password="hunter2")


def test_inbox_and_sent_are_read_with_people_roles_ids_and_replies(server, mail, secret_script):
    t1 = dt.datetime(2026, 11, 10, 8, 30, tzinfo=dt.timezone.utc)
    t2 = dt.datetime(2026, 11, 11, 16, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    mail.create_folder("Sent")
    append(mail, "INBOX", message(sender=f"Bob Stone <{BOB}>", to=[f"Ada <{ME}>"], cc=[f"Carol Kühn <{CAROL}>"],
                                  subject="=?utf-8?q?Gr=C3=BC=C3=9Fe?= from Bob", when=t1, message_id="q1@partner"), t1)
    append(mail, "Sent", message(sender=ME, to=[BOB], subject="Re: Grüße", when=t2, message_id="a1@example.org",
                                 in_reply_to="q1@partner", references=["q0@partner", "q1@partner"]), t2)

    items = read(options(server, secret_script))  # folders not set: INBOX and the server's Sent folder

    inbound, outbound = captures(items)
    assert inbound == Capture(
        external_id="q1@partner", at=t1, channel=Channel.EMAIL,
        people=(Person(BOB, "from", "Bob Stone"), Person(ME, "to", "Ada"), Person(CAROL, "cc", "Carol Kühn")),
        message_id="q1@partner", subject="Grüße from Bob",
    )
    assert outbound.external_id == "a1@example.org"
    assert outbound.at == t2 and outbound.direction is None
    assert outbound.people == (Person(ME, "from"), Person(BOB, "to"))
    assert outbound.replies_to == ("q1@partner", "q0@partner")
    assert [i for i in items if isinstance(i, Progress)][-1] == Progress(2, 2)
    cursor = last_cursor(items)
    assert set(cursor) == {"INBOX", "Sent"}
    assert all(set(state) == {"uidvalidity", "last_uid"} for state in cursor.values())


def test_a_second_read_brings_nothing_and_a_new_message_alone(server, mail, secret_script):
    when = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.timezone.utc)
    for n in range(3):
        append(mail, "INBOX", message(sender=BOB, to=[ME], when=when, message_id=f"m{n}@partner"), when)
    opts = options(server, secret_script)
    first = read(opts)
    assert [c.external_id for c in captures(first)] == ["m0@partner", "m1@partner", "m2@partner"]
    cursor = last_cursor(first)

    again = read(opts, cursor)
    assert captures(again) == [] and [i for i in again if isinstance(i, Skip)] == []
    assert last_cursor(again) == cursor

    append(mail, "INBOX", message(sender=CAROL, to=[ME], when=when, message_id="m3@partner"), when)
    third = read(opts, cursor)
    assert [c.external_id for c in captures(third)] == ["m3@partner"]
    assert last_cursor(third)["INBOX"]["last_uid"] > cursor["INBOX"]["last_uid"]


def test_a_sync_stopped_after_a_checkpoint_resumes_from_it(server, mail, secret_script, monkeypatch):
    monkeypatch.setattr(source_imap, "BATCH", 2)
    monkeypatch.setattr(source_imap, "CHECKPOINT_EVERY", 2)
    when = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.timezone.utc)
    for n in range(5):
        append(mail, "INBOX", message(sender=BOB, to=[ME], when=when, message_id=f"r{n}@partner"), when)
    items = read(options(server, secret_script, folders=["INBOX"]))
    points = [i for i, item in enumerate(items) if isinstance(item, Checkpoint)]
    assert len(points) == 3  # after 2, after 4, at the end
    seen_before = [c.external_id for c in captures(items[: points[0]])]
    assert seen_before == ["r0@partner", "r1@partner"]

    resumed = read(options(server, secret_script, folders=["INBOX"]), dict(items[points[0]].cursor))
    assert [c.external_id for c in captures(resumed)] == ["r2@partner", "r3@partner", "r4@partner"]


def test_mail_before_the_history_window_is_not_read(server, mail, secret_script):
    old = NOW - dt.timedelta(days=400)
    recent = NOW - dt.timedelta(days=3)
    append(mail, "INBOX", message(sender=BOB, to=[ME], when=old, message_id="old@partner"), old)
    append(mail, "INBOX", message(sender=BOB, to=[ME], when=recent, message_id="new@partner"), recent)
    items = read(options(server, secret_script))
    assert [c.external_id for c in captures(items)] == ["new@partner"]
    assert last_cursor(items)["INBOX"]["last_uid"] == max(mail.folder_status("INBOX", ["UIDNEXT"])[b"UIDNEXT"] - 1, 0)


def test_a_recreated_folder_with_a_new_uidvalidity_is_read_again(server, mail, secret_script):
    when = dt.datetime(2026, 11, 13, 9, 0, tzinfo=dt.timezone.utc)
    no_id = message(sender=BOB, to=[ME], when=when)  # no Message-ID: the id is folder, UIDVALIDITY and UID
    mail.create_folder("Archive")
    append(mail, "Archive", no_id, when)
    opts = options(server, secret_script, folders=["Archive"])
    first = read(opts)
    cursor = last_cursor(first)
    (before,) = captures(first)
    validity = cursor["Archive"]["uidvalidity"]
    assert before.external_id == f"imap:Archive:{validity}:{cursor['Archive']['last_uid']}"

    for _ in range(5):  # pymap draws a new UIDVALIDITY; drawing the same one twice in a row is a 1 in 65536 chance
        mail.delete_folder("Archive")
        mail.create_folder("Archive")
        if mail.folder_status("Archive", ["UIDVALIDITY"])[b"UIDVALIDITY"] != validity:
            break
    append(mail, "Archive", no_id, when)
    append(mail, "Archive", message(sender=CAROL, to=[ME], when=when, message_id="later@partner"), when)

    second = read(opts, cursor)
    again, later = captures(second)
    new_validity = last_cursor(second)["Archive"]["uidvalidity"]
    assert new_validity != validity
    assert again.external_id.startswith(f"imap:Archive:{new_validity}:") and later.external_id == "later@partner"


def test_reading_leaves_the_seen_flags_as_they_were(server, mail, secret_script):
    when = dt.datetime(2026, 11, 14, 9, 0, tzinfo=dt.timezone.utc)
    append(mail, "INBOX", message(sender=BOB, to=[ME], when=when, message_id="unread@partner"), when)
    append(mail, "INBOX", message(sender=CAROL, to=[ME], when=when, message_id="read@partner"), when)
    mail.select_folder("INBOX")
    unread, seen = mail.search(["ALL"])
    mail.add_flags([seen], [b"\\Seen"])
    mail.close_folder()

    assert len(captures(read(options(server, secret_script)))) == 2

    mail.select_folder("INBOX", readonly=True)
    flags = mail.get_flags([unread, seen])
    assert b"\\Seen" not in flags[unread] and b"\\Seen" in flags[seen]


def test_automatic_mail_and_broken_headers_are_skipped_with_reasons(server, mail, secret_script):
    when = dt.datetime(2026, 11, 15, 9, 0, tzinfo=dt.timezone.utc)
    for raw in (
        message(sender=BOB, to=[ME], when=when, message_id="list@x", List_Id="<team.lists.example>"),
        message(sender="No Reply <no-reply@shop.example>", to=[ME], when=when, message_id="shop@x"),
        message(sender=BOB, to=[ME], when=None, message_id="nodate@x"),
        message(sender=BOB, to=[ME], when=NOW + dt.timedelta(days=30), message_id="future@x"),
    ):
        append(mail, "INBOX", raw, when)
    skipped = {(s.external_id, s.reason) for s in read(options(server, secret_script)) if isinstance(s, Skip)}
    assert skipped == {("list@x", "mailing list"), ("shop@x", "no-reply sender"),
                       ("nodate@x", "no Date header"), ("future@x", "Date out of range")}


def test_a_message_over_25_mb_is_read_from_its_header_and_its_body_never_fetched(server, mail, secret_script):
    # As the Maildir and mbox kinds do: a person's large message is a touch like any other.
    when = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.timezone.utc)
    head = message(sender=BOB, to=[ME], when=when, message_id="huge@partner").split(b"\n\n", 1)[0]
    big = head + b"\n\n" + (b"x" * 998 + b"\r\n") * (26 * 1024 + 100)
    append(mail, "INBOX", big, when)
    items = read(options(server, secret_script))
    assert [c.external_id for c in captures(items)] == ["huge@partner"]
    assert [s for s in items if isinstance(s, Skip)] == []
    asked = {item for line in server.commands() if " UID FETCH " in line.upper()
             for item in line.rsplit("(", 1)[-1].rstrip(")").split()}
    assert asked <= {"BODY.PEEK[HEADER]<0.262145>", "FLAGS"} and "BODY.PEEK[HEADER]<0.262145>" in asked, asked


def test_a_refused_login_is_one_line_naming_the_host_and_never_the_password(server, mail, secret_script):
    wrong = "wrong-Secret-7"
    with pytest.raises(ImapSourceError) as caught:
        read(options(server, secret_script, password_command=secret_script(text=wrong)))
    text = str(caught.value)
    assert "\n" not in text and f"127.0.0.1:{server.tls_port}" in text and "refused the login of " + USER in text
    assert wrong not in text and PASSWORD not in text


def test_a_failing_password_command_names_it_and_its_status_but_not_its_output(server, secret_script):
    command = secret_script(status=3, text="the-real-secret")
    with pytest.raises(ImapSourceError) as caught:
        read(options(server, secret_script, password_command=command))
    assert str(caught.value) == f"password_command {command!r} failed with exit status 3"
    with pytest.raises(ImapSourceError, match=r"^password_command 'no-such-pass-tool show mail': command not found$"):
        read(options(server, secret_script, password_command="no-such-pass-tool show mail"))


def test_without_a_password_source_the_error_says_how_to_set_one(server):
    opts = source_imap.Options(host=server.host, port=server.tls_port, username=USER, ca_file=str(server.ca_file))
    with pytest.raises(ImapSourceError) as caught:
        read(opts, name="work-mail")
    text = str(caught.value)
    assert "\n" not in text and "password_command" in text and "keyring_service" in text and "[sources.work-mail]" in text


def test_the_keyring_gives_the_password_when_chosen(server, mail, monkeypatch, secret_script):
    import keyring.core
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        """A keyring in memory: the tests never touch the machine's own."""

        priority = 1
        store = {("keepwarm-imap", USER): PASSWORD}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)


    monkeypatch.setattr(keyring.core, "_keyring_backend", Memory())
    when = dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.timezone.utc)
    append(mail, "INBOX", message(sender=BOB, to=[ME], when=when, message_id="k@partner"), when)
    opts = options(server, secret_script, password_command=None, keyring_service="keepwarm-imap")
    assert [c.external_id for c in captures(read(opts))] == ["k@partner"]
    with pytest.raises(ImapSourceError, match=r"no password for ada@example.org under service 'elsewhere'"):
        read(options(server, secret_script, password_command=None, keyring_service="elsewhere"))


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_needs_the_servers_authority_to_be_trusted(server, mail, secret_script, security):
    port = server.tls_port if security == "tls" else server.starttls_port
    when = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.timezone.utc)
    append(mail, "INBOX", message(sender=BOB, to=[ME], when=when, message_id="tls@partner"), when)

    trusted = options(server, secret_script, security=security, port=port)
    assert [c.external_id for c in captures(read(trusted))] == ["tls@partner"]

    untrusted = options(server, secret_script, security=security, port=port, ca_file=None)
    with pytest.raises(ImapSourceError) as caught:
        read(untrusted)
    text = str(caught.value)
    assert "\n" not in text and f"127.0.0.1:{port}" in text and "not trusted" in text and "ca_file" in text


def test_plain_imap_only_on_this_machine(server, mail, secret_script):
    when = dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.timezone.utc)
    append(mail, "INBOX", message(sender=BOB, to=[ME], when=when, message_id="plain@partner"), when)
    plain = options(server, secret_script, security="none", port=server.plain_port, ca_file=None)
    assert [c.external_id for c in captures(read(plain))] == ["plain@partner"]
    with pytest.raises(ValidationError, match="in clear to imap.example.org"):
        source_imap.Options(host="imap.example.org", username=USER, security="none", password_command="pass show mail")
    assert source_imap.Options(host="::1", username=USER, security="none", password_command="x").effective_port == 143
    assert source_imap.Options(host="imap.example.org", username=USER, password_command="x").effective_port == 993


def test_a_missing_folder_an_unreachable_host_and_a_bad_ca_file_are_one_line_errors(server, mail, secret_script, tmp_path):
    with pytest.raises(ImapSourceError) as caught:
        read(options(server, secret_script, folders=["INBOX", "Projects"]))
    assert str(caught.value) == (
        "IMAP server 127.0.0.1: folder 'Projects' does not exist (folders there: INBOX); fix folders"
    )
    closed = imap_server.free_port()
    with pytest.raises(ImapSourceError) as caught:  # the password command is not even run: it would fail
        read(options(server, secret_script, port=closed, password_command=secret_script(status=3)))
    text = str(caught.value)
    assert "\n" not in text and text.startswith(f"cannot reach IMAP server 127.0.0.1:{closed}: ")
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ImapSourceError, match=f"^ca_file {not_pem}: not a PEM certificate file$"):
        read(options(server, secret_script, ca_file=str(not_pem)))
