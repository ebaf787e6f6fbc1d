"""Address book sync with CardDAV against a real Radicale (issue #20, point 8).

The address book is made on the server with an extended MKCOL and edited by "the phone" with plain PUTs,
as a CardDAV client does; keepwarm syncs it through `keepwarm source add carddav URL` and `keepwarm sync`.
A phone's edit landing between keepwarm's read and its write is refused by the server (If-Match): a
conflict, never an overwrite. A server that refuses (401, 404, nobody listening) adds nothing.
"""

from __future__ import annotations

import re
import shlex
import sys
import zlib

import pytest

from keepwarm.api import dav
from keepwarm.plugin import BookRequest, CardChanged
from keepwarm_plugins import source_carddav
from radicale_server import PASSWORD, USER, free_port, radicale  # noqa: F401 -- the real Radicale server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("calendar-clients")]

MKCOL = (
    '<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
    "<D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>"
    "<D:displayname>{name}</D:displayname></D:prop></D:set></D:mkcol>"
)
ADA = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada-1\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "EMAIL;TYPE=work:ada@analytical.example\r\nX-ABADR:uk\r\nEND:VCARD\r\n"
)


def prints(secret: str) -> str:
    """A password_command printing `secret`, as `pass show dav` would (run without a shell)."""
    return shlex.join([sys.executable, "-c", "import sys; print(sys.argv[1])", secret])


class Phone:
    """The other CardDAV client: puts and reads cards as a phone syncing the address book does."""

    def __init__(self, server, url: str) -> None:
        self.client = dav.client(url, USER, PASSWORD)
        self.url = url

    def put(self, name: str, text: str) -> None:
        response = self.client.request(self.url + name, "PUT", text, {"Content-Type": "text/vcard; charset=utf-8"})
        assert response.status in (201, 204), response.status

    def get(self, name: str) -> str:
        return self.client.request(self.url + name, "GET").raw.replace("\r\n", "\n")

    def names(self) -> list[str]:
        book = source_carddav.DavBook(source_carddav.Options(url=self.url, username=USER), PASSWORD)
        return sorted(ref.href.rpartition("/")[2] for ref in book.cards())


@pytest.fixture
def phone(radicale, request):  # noqa: F811
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())
    url = f"{radicale.url}book-{slug[:40]}-{zlib.crc32(slug.encode()):08x}/"  # one book per test and parameter
    client = dav.client(url, USER, PASSWORD)
    made = client.request(url, "MKCOL", MKCOL.format(name="Work"), {"Content-Type": "application/xml"})
    assert made.status == 201, made.status
    it = Phone(radicale, url)
    it.put("ada-1.vcf", ADA)
    return it


def add(run, url: str, *more: str, password: str = PASSWORD):
    return run("source", "add", "carddav", url, "--set", f"username={USER}",
               "--set", f"password_command={prints(password)}", *more)


def names(run) -> set[str]:
    return {c["name"] for c in run("contact", "list", "--json").json()}


def test_cards_and_contacts_go_both_ways_through_carddav(run, phone):
    assert run("contact", "add", "Grace Hopper", "--email", "grace@navy.example").exit_code == 0
    result = add(run, phone.url, "--json")
    assert result.exit_code == 0, result.stderr
    [summary] = result.json()
    assert (summary["read"], summary["new_contacts"], summary["new_cards"]) == (1, 1, 1)
    assert names(run) == {"Ada Lovelace", "Grace Hopper"}
    grace = run("contact", "show", "Grace Hopper", "--json").json()["contact"]
    assert phone.names() == sorted(["ada-1.vcf", f"{grace['uid']}.vcf"])
    assert "FN:Grace Hopper" in phone.get(f"{grace['uid']}.vcf").splitlines()

    # The phone edits Ada; keepwarm edits Grace: each goes the other way, the phone's own property stays.
    phone.put("ada-1.vcf", ADA.replace("FN:Ada Lovelace", "FN:Ada King"))
    assert run("contact", "edit", "Grace Hopper", "--title", "Rear Admiral").exit_code == 0
    [summary] = run("sync", "--json").json()
    assert (summary["updated_contacts"], summary["updated_cards"], summary["waiting"]) == (1, 1, [])
    assert names(run) == {"Ada King", "Grace Hopper"}
    assert "TITLE:Rear Admiral" in phone.get(f"{grace['uid']}.vcf").splitlines()
    assert run("contact", "edit", "Ada King", "--title", "Countess").exit_code == 0
    run("sync")
    ada = phone.get("ada-1.vcf").splitlines()
    assert "TITLE:Countess" in ada and "X-ABADR:uk" in ada and "EMAIL;TYPE=work:ada@analytical.example" in ada


def test_a_phone_edit_between_the_read_and_the_write_is_a_conflict_not_an_overwrite(run, phone, monkeypatch):
    assert add(run, phone.url).exit_code == 0
    assert run("contact", "edit", "Ada Lovelace", "--title", "Analyst").exit_code == 0
    real_put = source_carddav.DavBook.put

    def phone_first(self, href, text, *, uid, etag):
        phone.put("ada-1.vcf", ADA.replace("FN:Ada Lovelace", "FN:Ada Byron"))  # the phone syncs just now
        return real_put(self, href, text, uid=uid, etag=etag)

    monkeypatch.setattr(source_carddav.DavBook, "put", phone_first)
    [summary] = run("sync", "--json").json()
    monkeypatch.setattr(source_carddav.DavBook, "put", real_put)
    assert [(w["uid"], w["why"]) for w in summary["waiting"]] == [("ada-1", "conflict")]
    assert "FN:Ada Byron" in phone.get("ada-1.vcf").splitlines()  # the phone's edit stands
    assert "TITLE:Analyst" not in phone.get("ada-1.vcf")
    assert names(run) == {"Ada Lovelace"}  # and keepwarm's too
    [summary] = run("sync", "--json").json()
    assert summary["waiting"][0]["fields"] == ["name", "title"]
    assert run("source", "resolve", "carddav", "ada-1", "--keep", "mine").exit_code == 0
    card = phone.get("ada-1.vcf").splitlines()
    assert "FN:Ada Lovelace" in card and "TITLE:Analyst" in card


def test_a_conditional_put_with_an_old_etag_is_refused(phone):
    book = source_carddav.open_book(BookRequest("b", source_carddav.Options(url=phone.url, username=USER,
                                                                            password_command=prints(PASSWORD))))
    [ref] = book.cards()
    text, etag = book.get(ref.href)
    assert etag == ref.etag and "UID:ada-1" in text
    phone.put("ada-1.vcf", ADA.replace("Lovelace", "King"))
    with pytest.raises(CardChanged):
        book.put(ref.href, text, uid="ada-1", etag=etag)
    with pytest.raises(CardChanged):
        book.put(None, text, uid="ada-1", etag=None)  # a new card never replaces one
    assert "King" in phone.get("ada-1.vcf")


@pytest.mark.parametrize(
    ("url", "password", "said"),
    [
        ("{book}", "wrong", "the server refused the credentials for user 'ada' (check username and password_command)"),
        ("{root}nothing-here/", PASSWORD, "no address book there (HTTP 404; check the url: an address book's URL)"),
        ("{other}", PASSWORD, "the server refused access for user 'ada' (HTTP 403 forbidden: the credentials were "
                              "accepted, but this account may not use that address book)"),
        ("http://127.0.0.1:{port}/ada/book/", PASSWORD, "cannot reach the CardDAV server (connection refused; "
                                                         "check the url and the network)"),
    ],
)
def test_a_server_that_refuses_adds_nothing_and_says_why_in_one_line(run, phone, radicale, url, password, said):  # noqa: F811
    assert run("contact", "add", "Grace Hopper").exit_code == 0
    other = radicale.url.removesuffix(f"{USER}/") + "someone-else/book/"
    target = url.format(book=phone.url, root=radicale.url, port=free_port(), other=other)
    result = add(run, target, password=password)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert said in line and "the source was not added" in line
    assert PASSWORD not in line and password not in line
    assert run("source", "list", "--json").json() == []
    assert names(run) == {"Grace Hopper"}
    assert phone.names() == ["ada-1.vcf"]  # nothing written to the book either


def test_a_sync_with_a_server_gone_exits_1_and_keeps_everything(run, phone, monkeypatch):
    assert add(run, phone.url).exit_code == 0
    monkeypatch.setenv("KEEPWARM_NOW", "2026-11-23T09:00:00+00:00")
    config = run("source", "list", "--json").json()
    assert [s["name"] for s in config] == ["carddav"]
    result = run("sync", "--json")
    assert result.exit_code == 0
    # A password that no longer works: a problem named in one line, exit 1, nothing changed here.
    from keepwarm.home import paths

    text = paths.config_file().read_text()
    paths.config_file().write_text(text.replace(PASSWORD, "expired"))
    result = run("sync", "--json")
    assert result.exit_code == 1
    assert "refused the credentials" in result.json()[0]["problem"]
    assert names(run) == {"Ada Lovelace"}


def test_deletions_on_carddav_wait_and_are_carried_only_when_asked(run, phone):
    assert run("contact", "add", "Grace Hopper", "--email", "grace@navy.example").exit_code == 0
    assert add(run, phone.url).exit_code == 0
    grace = run("contact", "show", "Grace Hopper", "--json").json()["contact"]["uid"]
    assert run("contact", "rm", "Ada Lovelace", "--yes").exit_code == 0
    phone.client.request(f"{phone.url}{grace}.vcf", "DELETE")
    [summary] = run("sync", "--json").json()
    assert {w["uid"]: w["why"] for w in summary["waiting"]} == {"ada-1": "gone_here", grace: "gone_there"}
    assert phone.names() == ["ada-1.vcf"] and names(run) == {"Grace Hopper"}

    assert run("source", "resolve", "carddav", "ada-1", "--keep", "mine").exit_code == 0  # delete the card too
    assert run("source", "resolve", "carddav", grace, "--keep", "mine").exit_code == 0  # write Grace's card again
    assert phone.names() == [f"{grace}.vcf"]
    [quiet] = run("sync", "--json").json()
    assert (quiet["waiting"], quiet["new_cards"], quiet["new_contacts"]) == ([], 0, 0)
