"""The `imap` source kind: the headers of the mail in an IMAP account's folders.

Most people's mail lives on a server, not in a Maildir: this reads it where it
is, through IMAPClient, without a local copy. It reads only headers
(`BODY.PEEK[HEADER]`, in folders opened read-only with EXAMINE), so no body
is ever downloaded and no message is marked read; the headers are read by
`_mail_headers`, as the Maildir and mbox kinds read theirs, so a message
gives the same touch, or the same skip reason, from all three. Each folder is read from
the highest UID seen last time; a folder whose UIDVALIDITY changed (recreated
or renumbered by the server) is read again whole, and the core's
de-duplication by Message-ID keeps that from doubling touches.

The password is never in config.toml: it comes from a command the user
already trusts (`pass show mail`) or from the system keyring, and it never
appears in an error message.
"""

from __future__ import annotations

import ipaddress
import shlex
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from keepwarm.plugin import Capture, Checkpoint, Progress, ReadRequest, Skip, SourceKind, hookimpl

from ._one_line import one_line
from ._password_command import PasswordCommandError, check_command, run_password_command

#: UIDs fetched in one FETCH: a few hundred keeps each answer small and the round trips few.
BATCH = 200
#: A checkpoint at least this often, in items (the core holds the items between two in memory).
CHECKPOINT_EVERY = 1000
_HEADER_ANSWER = b"BODY[HEADER]<0>"
#: The hosts a password may be sent to without TLS: this machine only.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class ImapSourceError(RuntimeError):
    """The account cannot be read: a one-line message naming the host or folder and what to do."""


class Options(BaseModel):
    """`[sources.NAME]` with `kind = "imap"`: where the account is and how to log in (never the password itself)."""

    # Built when a source of this kind is checked, not when the plugins load (`contact show` loads them too).
    model_config = ConfigDict(extra="forbid", defer_build=True)

    host: str = Field(..., min_length=1, description="The IMAP server's host name, e.g. imap.example.org.")
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description='The server\'s port; by default 993 with security = "tls", 143 with "starttls" or "none".',
    )
    username: str = Field(..., min_length=1, description="The login name on the server, often the mail address.")
    security: Literal["tls", "starttls", "none"] = Field(
        "tls",
        description='"tls": TLS from the first byte (IMAPS, port 993); "starttls": plain connection upgraded '
        'with STARTTLS (port 143); "none": no encryption, allowed only for localhost, 127.0.0.1 and ::1.',
    )
    ca_file: Path | None = Field(
        None,
        description="A PEM file of extra certificate authorities to trust, for a server with a self-signed certificate.",
    )
    folders: list[str] | None = Field(
        None,
        description="The folders to read; by default INBOX and the server's Sent folder (the one it marks \\Sent, "
        "else one with a usual name such as Sent or Sent Items).",
    )
    password_command: str | None = Field(
        None,
        description='A command that prints the password on its first line, e.g. "pass show mail" '
        "(split like a shell would, run without one).",
    )
    keyring_service: str | None = Field(
        None,
        description="The service name under which the password is kept in the system keyring "
        "(with the username); needs the keyring package.",
    )
    timeout: float = Field(60.0, gt=0, le=3600, description="Seconds to wait for the server before giving up.")

    @field_validator("host")
    @classmethod
    def _plain_host(cls, value: str) -> str:
        value = value.strip()
        if not value or any(c.isspace() or c in "/@" for c in value):
            raise ValueError("a host name such as imap.example.org (no scheme, user or path)")
        return value

    @field_validator("folders")
    @classmethod
    def _some_folders(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and (not value or any(not f.strip() for f in value)):
            raise ValueError('a list of folder names, e.g. ["INBOX", "Sent"]')
        return value

    _command_splits = field_validator("password_command")(check_command)

    @model_validator(mode="after")
    def _safe_enough(self) -> Options:
        if self.security == "none" and not _is_local(self.host):
            raise ValueError(
                f'security = "none" would send the password in clear to {self.host}: '
                'use "tls" or "starttls" (plain is allowed only for localhost, 127.0.0.1 and ::1)'
            )
        if self.password_command and self.keyring_service:
            raise ValueError("give password_command or keyring_service, not both")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "tls" else 143)


def _is_local(host: str) -> bool:
    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@hookimpl
def keepwarm_source_kinds() -> list[SourceKind]:
    return [
        SourceKind(
            name="imap",
            family="mail",
            summary="an IMAP mail account (headers only; TLS; password from a command or the keyring)",
            options=Options,
            target="host",
            read=read,
        )
    ]


# --- the password ------------------------------------------------------------------------------


def password(options: Options, source: str) -> str:
    """The password from the command or the keyring; a one-line ImapSourceError that never holds it, else."""
    if options.password_command:
        try:
            return run_password_command(options.password_command)
        except PasswordCommandError as exc:
            raise ImapSourceError(str(exc)) from None
    if options.keyring_service:
        return _from_keyring(options.keyring_service, options.username)
    raise ImapSourceError(
        f'IMAP source {source}: no password: set password_command (e.g. "pass show mail") or keyring_service '
        f"in [sources.{source}] (keepwarm never keeps a password in config.toml)"
    )


def _from_keyring(service: str, username: str) -> str:
    try:
        import keyring  # optional: only those who keep their password there need it
        from keyring.errors import KeyringError
    except ImportError:
        raise ImapSourceError(
            "keyring_service is set but the keyring package is not installed (pip install keyring), "
            "or use password_command instead"
        ) from None
    try:
        secret = keyring.get_password(service, username)
    except KeyringError as exc:
        raise ImapSourceError(
            f"the system keyring could not be read ({type(exc).__name__}): {_line(str(exc))}"
        ) from None
    if not secret:
        raise ImapSourceError(
            f"no password for {username} under service {service!r} in the system keyring "
            f"(store one with: keyring set {shlex.quote(service)} {shlex.quote(username)})"
        )
    return secret


def _line(text: str, secret: str = "", limit: int = 200) -> str:
    """Server or library text made one short printable line, with the password (if any) blanked out."""
    if len(text) > 2 and text[0] == "b" and text[1] in "'\"" and text[-1] == text[1]:
        text = text[2:-1]  # imaplib's errors are often the repr of the server's bytes
    return one_line(text, secrets=[secret], limit=limit)


# --- the connection ----------------------------------------------------------------------------


def _context(options: Options) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if options.ca_file is not None:
        path = options.ca_file.expanduser()
        try:
            context.load_verify_locations(cafile=str(path))
        except (OSError, ssl.SSLError) as exc:
            reason = "not a PEM certificate file" if isinstance(exc, ssl.SSLError) else exc.strerror or str(exc)
            raise ImapSourceError(f"ca_file {path}: {reason}") from None
    return context


def connect(options: Options, source: str):
    """A logged-in IMAPClient, or an ImapSourceError saying what failed and what to do."""
    import imapclient
    from imapclient.exceptions import IMAPClientError, LoginError

    host, port = options.host, options.effective_port
    where = f"{host}:{port}"
    if not (options.password_command or options.keyring_service):
        password(options, source)  # says how to set one, before any connection
    context = _context(options) if options.security != "none" else None
    client = secret = None
    try:
        client = imapclient.IMAPClient(
            host, port=port, ssl=options.security == "tls", ssl_context=context, timeout=options.timeout
        )
        if options.security == "starttls":
            if not client.has_capability("STARTTLS"):
                raise ImapSourceError(
                    f'IMAP server {where} does not offer STARTTLS: set security = "tls" (and port 993)'
                )
            client.starttls(context)
        # Asked only once the server is reached (and private): no pinentry prompt for a server that is down.
        secret = password(options, source)
        try:
            if secret.isascii() and options.username.isascii():
                client.login(options.username, secret)
            else:  # LOGIN carries ASCII only; SASL PLAIN carries UTF-8
                client.plain_login(options.username, secret)
        except LoginError as exc:
            raise ImapSourceError(
                f"IMAP server {where} refused the login of {options.username} ({_line(str(exc), secret)}): "
                "check username and the password the source gets"
            ) from None
        return client
    except ImapSourceError:
        _close(client)
        raise
    except ssl.SSLCertVerificationError as exc:
        _close(client)
        raise ImapSourceError(
            f"IMAP server {where}: its TLS certificate is not trusted ({_line(exc.verify_message or str(exc))}); "
            "if it is self-signed, set ca_file to the certificate of its authority"
        ) from None
    except ssl.SSLError as exc:
        _close(client)
        raise ImapSourceError(
            f"IMAP server {where}: TLS failed ({_line(exc.reason or str(exc))}); check security and port "
            '("tls" usually on 993, "starttls" on 143)'
        ) from None
    except (TimeoutError, OSError) as exc:
        _close(client)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else (_line(str(exc)) or "timed out")
        raise ImapSourceError(f"cannot reach IMAP server {where}: {reason}; check host, port and the network") from None
    except IMAPClientError as exc:
        _close(client)
        raise ImapSourceError(
            f"IMAP server {where} failed: {_line(str(exc), secret or '')}; check security and port "
            '("tls" usually on 993, "starttls" on 143)'
        ) from None


def _close(client) -> None:
    if client is None:
        return
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection is going away anyway
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001
            pass


def _folders(client, options: Options) -> list[str]:
    """The folders to read: those configured (each must exist), else INBOX and the Sent folder."""
    from imapclient.imapclient import SENT

    present = [name for _flags, _sep, name in client.list_folders()]
    if options.folders is None:
        sent = client.find_special_folder(SENT)
        return ["INBOX"] + ([sent] if sent and sent.upper() != "INBOX" else [])
    known = {name.upper() if name.upper() == "INBOX" else name for name in present}
    for folder in options.folders:
        if (folder.upper() if folder.upper() == "INBOX" else folder) not in known:
            listed = ", ".join(sorted(present)[:20]) or "none"
            raise ImapSourceError(
                f"IMAP server {options.host}: folder {folder!r} does not exist (folders there: {listed}); fix folders"
            )
    return list(dict.fromkeys(options.folders))


# --- reading -----------------------------------------------------------------------------------


def read(request: ReadRequest) -> Iterator[Capture | Skip | Progress | Checkpoint]:
    """The messages of each folder newer than the cursor, as Captures and Skips, with checkpoints."""
    from imapclient.exceptions import IMAPClientError

    options = cast(Options, request.options)  # the host builds them with `options=`
    client = connect(options, request.name)
    at: dict[str, str] = {}  # the folder being read, for the error message
    try:
        yield from _read(client, options, request, at)
    except IMAPClientError as exc:
        raise ImapSourceError(f"IMAP server {options.host}: {_where(at)}failed: {_line(str(exc))}") from None
    except OSError as exc:  # the connection dropped or timed out: what was checkpointed is kept
        reason = exc.strerror or _line(str(exc)) or type(exc).__name__
        raise ImapSourceError(
            f"IMAP server {options.host}: connection lost {_where(at)}({reason}); sync again to resume"
        ) from None
    finally:
        _close(client)


def _where(at: dict[str, str]) -> str:
    return f"reading folder {at['folder']!r} " if "folder" in at else ""


def _read(
    client, options: Options, request: ReadRequest, at: dict[str, str]
) -> Iterator[Capture | Skip | Progress | Checkpoint]:
    # lazy for start-up: every command that runs the rules loads this plugin; only a sync reads mail
    from ._mail_headers import MAX_HEADER_BYTES

    # What is fetched of each message: its header block, and one byte more than the most read (that byte tells
    # a header block too long from one just long enough), as the Maildir and mbox readers stop there too.
    header = f"BODY.PEEK[HEADER]<0.{MAX_HEADER_BYTES + 1}>"
    cursor: dict[str, dict[str, int]] = {k: dict(v) for k, v in request.cursor.items() if isinstance(v, dict)}
    plans = []
    for folder in _folders(client, options):
        at["folder"] = folder
        plans.append(_plan(client, folder, cursor.get(folder, {}), request))
    at.pop("folder", None)
    total, done, pending = sum(len(p.wanted) for p in plans), 0, 0
    yield Progress(0, total)
    for plan in plans:
        at["folder"] = plan.folder
        if _select(client, plan.folder) != plan.uidvalidity:
            raise ImapSourceError(
                f"IMAP server {options.host}: folder {plan.folder!r} was renumbered during the sync; sync again"
            )
        for start in range(0, len(plan.uids), BATCH):
            batch = plan.uids[start : start + BATCH]
            wanted = [uid for uid in batch if uid in plan.wanted]
            answers = client.fetch(wanted, [header]) if wanted else {}
            for uid in wanted:
                data = answers.get(uid)
                if data is None:  # expunged since the search
                    continue
                yield _item(data, f"imap:{plan.folder}:{plan.uidvalidity}:{uid}", request)
                done += 1
                pending += 1
                if done % 500 == 0:
                    yield Progress(done, total)
            cursor[plan.folder] = {"uidvalidity": plan.uidvalidity, "last_uid": batch[-1]}
            if pending >= CHECKPOINT_EVERY:
                yield Checkpoint(_copy(cursor))
                pending = 0
        cursor[plan.folder] = {"uidvalidity": plan.uidvalidity, "last_uid": plan.highest}
    yield Progress(done, total)
    yield Checkpoint(_copy(cursor))


class _Plan:
    __slots__ = ("folder", "uidvalidity", "uids", "wanted", "highest")

    def __init__(self, folder: str, uidvalidity: int, uids: list[int], wanted: set[int], highest: int) -> None:
        self.folder, self.uidvalidity, self.uids, self.wanted, self.highest = folder, uidvalidity, uids, wanted, highest


def _select(client, folder: str) -> int:
    # EXAMINE (read-only): nothing in the folder changes, \Seen included.
    return int(client.select_folder(folder, readonly=True)[b"UIDVALIDITY"])


def _plan(client, folder: str, state: dict, request: ReadRequest) -> _Plan:
    """Which UIDs of a folder are new since the cursor, and which of them fall in the history window."""
    uidvalidity = _select(client, folder)
    last = int(state.get("last_uid", 0)) if state.get("uidvalidity") == uidvalidity else 0
    # "UID n:*" always matches the highest UID, even below n: hence the filter.
    uids = sorted(uid for uid in client.search(["UID", f"{last + 1}:*"]) if uid > last)
    wanted: set[int] = set()
    if uids:
        wanted = {uid for uid in client.search(["UID", f"{last + 1}:*", "SINCE", request.since.date()]) if uid > last}
    return _Plan(folder, uidvalidity, uids, wanted, max([last, *uids]))


def _item(data: dict, fallback_id: str, request: ReadRequest) -> Capture | Skip:
    from ._mail_headers import HEADER_TOO_LARGE, MAX_HEADER_BYTES, capture  # lazy for start-up (see _read)

    header = data.get(_HEADER_ANSWER) or b""
    if len(header) > MAX_HEADER_BYTES:
        return Skip(fallback_id, HEADER_TOO_LARGE)
    return capture(header, now=request.now, fallback_id=fallback_id)


def _copy(cursor: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {folder: dict(state) for folder, state in cursor.items()}
