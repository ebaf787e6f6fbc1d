"""The fast card reader (io/vcard_parse.py) against vobject.readOne, which it stands in for.

`vcard_import.read` hands each card to `vcard_parse.read_card` and falls back to
vobject.readOne when that declines. Reading a file with the fast reader switched off
(every card through vobject.readOne, as before) must give the same records and the
same problems, card by card; and where the fast reader does take a card, every line
it holds must equal vobject's own (value, parameters, group).
"""

from __future__ import annotations

from unittest import mock

import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from keepwarm.io import vcard_import, vcard_parse
from keepwarm.io.vcard_import import keep_commas, split_cards


def _card(*lines: str) -> str:
    return "\r\n".join(("BEGIN:VCARD", *lines, "END:VCARD")) + "\r\n"


def _plain(n: int) -> str:
    return _card(
        "VERSION:3.0", f"UID:urn:uuid:00000000-0000-4000-8000-{n:012d}", f"FN:Person {n:03d}",
        f"N:{n:03d};Person;;;", f"ORG:Iron Works {n % 7};Sales", "TITLE:Engineer",
        f"EMAIL;TYPE=work:p{n}@example.org", f"TEL;TYPE=cell:+1-555-{n:07d}", f"BDAY:19{60 + n % 40}-03-14",
    )


#: (card text, whether the fast reader takes it)
CARDS = [
    (_plain(1), True),
    (_card("VERSION:3.0", "FN:Ana Lima", "N:Lima;Ana;;;", "NOTE:one\\, two\\; three\\nnext line",
           "CATEGORIES:Customer,Board\\, advisory", "ORG:Lima\\, Filhos & Cia", "X-KEEPWARM-ROLE:champion",
           "X-KEEPWARM-MOTIVATION:recognition", "X-KEEPWARM-MOTIVATION:security", "X-KEEPWARM-DO-NOT-CONTACT:no"),
     True),
    # folded lines (space and tab), non-ASCII
    (_card("VERSION:3.0", "FN:José Ñúñez", " -Garçía", "N:Ñúñez-Garçía;José;;;",
           "NOTE:Prefers calls before 9, dislikes", "\t e-mail. 日本語 too.", "TITLE:Directeur général"), True),
    # vCard 2.1: quoted-printable with soft line breaks, singleton parameters, another charset
    (_card("VERSION:2.1", "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;",
           "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller", "TEL;WORK;VOICE:+49 30 901820",
           "EMAIL;PREF;INTERNET:juergen@bau.example",
           "ADR;WORK;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Gro=C3=9Fe Stra=C3=9Fe 12;Berlin;;10115;Deutschland",
           "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Kennt jeden Bauleiter, sagt er. Anrufe vo=",
           "r 9 Uhr.=0D=0AMag Fu=C3=9Fball."), True),
    (_card("VERSION:2.1", "FN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Ren=E9 Lef=E8vre",
           "NOTE;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:caf=", "=E9 au lait"), True),
    # the malformed card in the middle: vobject words the error, naming the line
    (_card("VERSION:3.0", "FN:Broken Card", "this line has no colon at all", "EMAIL:broken@example.org"), False),
    # Apple groups, labelled dates, keepwarm's own dates, an address with an escaped comma
    (_card("VERSION:3.0", "FN:Bea Sato", "item1.X-ABDATE;type=pref:2010-06-01", "item1.X-ABLabel:_$!<Anniversary>!$_",
           "item2.X-ABDATE:2019-02-03", "item2.X-ABLabel:Kick-off", "X-KEEPWARM-DATE:custom;2001-05-06;First deal",
           "ADR;TYPE=work:;;1 Main St\\, Suite 2;Springfield;;12345;USA", "URL:https://example.org/a,b"), True),
    # unescaped commas (kept by keep_commas), a quoted parameter holding ':' and a lower-case name
    (_card("VERSION:3.0", "FN:Carl Berg", "NOTE:met in Lyon, liked it, call in May",
           'X-SOCIALPROFILE;TYPE="x:y";X-USER=carl:https://social.example/carl', "title:head of it, ops",
           "x_keepwarm_tier:key"), True),
    # vCard 4.0
    (_card("VERSION:4.0", "FN:Dana Fox", "ORG:Fox & Hound;", "N:Fox;", "BDAY:--0314", "ANNIVERSARY:20100601",
           "TEL;VALUE=uri:tel:+1-555-0100",
           "EMAIL;TYPE=work:mailto:dana@example.org", "UID:urn:uuid:11111111-2222-4333-8444-555555555555"), True),
    # base64 text, an unknown charset and a nested component: left to vobject
    (_card("VERSION:3.0", "FN:Eve Base", "NOTE;ENCODING=b:aGVsbG8sIHdvcmxk"), False),
    (_card("VERSION:2.1", "FN;CHARSET=X-NOPE;ENCODING=QUOTED-PRINTABLE:Fr=E9d"), False),
    (_card("VERSION:3.0", "FN:Finn Nest", "BEGIN:VCALENDAR", "X-THING:1", "END:VCALENDAR"), False),
    (_card("VERSION:3.0", "N:Only;Name;;;", "EMAIL:only@example.org"), True),  # no FN
    (_card("VERSION:3.0", "EMAIL:nobody@example.org"), True),  # no name at all
    *((_plain(n), True) for n in range(100, 160)),
]
MIXED = (
    "".join(text for text, _ in CARDS[:8])
    + "a stray line between cards\r\n"
    + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\n"  # a card without END:VCARD
    + "".join(text for text, _ in CARDS[8:])
)


def _per_card(text: str, file: str = "mixed.vcf") -> list:
    """`read` as it was: every card through vobject.readOne."""
    with mock.patch.object(vcard_parse, "read_card", return_value=None):
        return vcard_import.read(text, file)


def _view(card) -> dict:
    """Every line of a parsed card as comparable parts (vobject's Name and Address compare by field)."""
    return {
        key: [(line.value, line.params, line.singletonparams, line.group) for line in lines]
        for key, lines in card.contents.items()
    }


def _logical(text: str) -> list[list[str]]:
    cards, _ = split_cards(text)
    return [[keep_commas(line) for _, line in raw.lines] for raw in cards if not raw.problem]


def test_fast_and_per_card_reading_give_the_same_records_and_problems():
    fast, slow = vcard_import.read(MIXED, "mixed.vcf"), _per_card(MIXED)
    assert len(fast) == len(slow) == len(CARDS) + 2  # the stray line and the card without END
    for a, b in zip(fast, slow):
        assert a == b
    problems = [(i.where.line, i.problem) for i in fast if i.problem]
    physical = MIXED.split("\r\n")
    bad = physical.index("this line has no colon at all") + 1
    assert problems[:2] == [
        (physical.index("FN:Broken Card") - 1, f"line {bad}: 'this line has no colon at all' is not a vCard property "
                                           "(expected NAME:value)"),
        (physical.index("a stray line between cards") + 1, "expected BEGIN:VCARD, found 'a stray line between cards'"),
    ]
    assert any("no END:VCARD" in p for _, p in problems)
    assert sum(1 for i in fast if not i.problem) > 70


def test_the_fast_reader_takes_plain_cards_and_leaves_the_rest_to_vobject():
    taken = [vcard_parse.read_card(lines) is not None for lines in _logical("".join(t for t, _ in CARDS))]
    assert taken == [expected for _, expected in CARDS]


def test_where_the_fast_reader_takes_a_card_every_line_equals_vobjects():
    for lines in _logical(MIXED):
        card = vcard_parse.read_card(lines)
        if card is not None:
            assert _view(card) == _view(vobject.readOne("\r\n".join(lines) + "\r\n"))


def test_fields_read_from_the_fast_reader():
    [item] = vcard_import.read(CARDS[3][0], "nokia.vcf")
    assert (item.fields["name"], item.fields["addresses"], item.fields["phones"]) == (
        "Jürgen Müller", ["Große Straße 12, Berlin, 10115, Deutschland"], ["+49 30 901820"])
    assert item.fields["notes"] == "Kennt jeden Bauleiter, sagt er. Anrufe vor 9 Uhr.\nMag Fußball."
    [item] = vcard_import.read(CARDS[1][0], "ana.vcf")
    assert item.fields["account"] == "Lima, Filhos & Cia"
    assert item.fields["tags"] == ["Customer", "Board, advisory"]
    assert item.fields["motivations"] == ["recognition", "security"]


#: Values that exercise escaping, splitting, quoting and encodings.
_VALUE = st.lists(st.sampled_from(list("ab Zé日,;:\\=\"'n") + ["\\n", "\\,", "\\;", "=C3=A9", "=0D=0A"]),
                  max_size=12).map("".join)
_PROPERTY = st.sampled_from([
    "FN", "N", "ORG", "ADR", "NOTE", "TITLE", "CATEGORIES", "EMAIL;TYPE=work", "TEL;CELL", "BDAY", "UID", "URL",
    "item1.X-ABLABEL", "X-KEEPWARM-INTEREST", "NICKNAME", "GEO", "LABEL", "PRODID", "X-UNKNOWN;X-A=\"q:r\"",
    "NOTE;ENCODING=QUOTED-PRINTABLE", "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE", "NOTE;QUOTED-PRINTABLE",
])
_CARD = st.builds(
    lambda version, props: _card(version, *(f"{p}:{v}" for p, v in props)),
    st.sampled_from(["VERSION:2.1", "VERSION:3.0", "VERSION:4.0"]),
    st.lists(st.tuples(_PROPERTY, _VALUE), max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CARD, min_size=1, max_size=4).map("".join))
def test_any_card_reads_the_same_with_and_without_the_fast_reader(text):
    assert vcard_import.read(text, "any.vcf") == _per_card(text, "any.vcf")
    for lines in _logical(text):
        card = vcard_parse.read_card(lines)
        if card is not None:
            assert _view(card) == _view(vobject.readOne("\r\n".join(lines) + "\r\n"))
