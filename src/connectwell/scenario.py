"""The scenario: a connection note and what the sender knows about the recipient.

A scenario arrives as a plain mapping (from JSON, YAML or Python). Parsing is strict so that a
typo in a course data file or a recruiter's CSV is reported, naming the field, rather than
silently ignored and graded as if the field were empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

PURPOSES = (
    "met_in_person",
    "shared_connection",
    "profile_interest",
    "article",
    "job_offer",
    "relationship",
)
ACCOUNTS = {"free": 200, "premium": 300}
# Where the text goes. An invitation note has the account's limit; an InMail (a paid message to
# someone you are not connected to) may run to 1,900 characters, but LinkedIn's own study of
# recruiters' InMails found replies above average only up to about 800 characters, and best
# under 400; past 800 the reply rate falls below average, so that is where fits-limit draws it.
CHANNELS = ("invitation", "inmail")
INMAIL_LIMIT = 800


class ScenarioError(ValueError):
    """Bad input: the message names the field and what was expected."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: a learner sees one line.
        return [f"ScenarioError: {self}"]


@dataclass(frozen=True)
class Person:
    """The sender: who is writing the note."""

    name: str = ""
    headline: str = ""


@dataclass(frozen=True)
class Profile:
    """What the sender can see on the recipient's profile."""

    name: str = ""
    headline: str = ""
    company: str = ""
    industry: str = ""
    skills: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    shared_connections: tuple[str, ...] = ()
    events: tuple[str, ...] = ()

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        # "Ma. Lourdes Santos": an abbreviated first name (Ma. for María) is not what anyone
        # is called; the given name after it is.
        if len(parts) > 2 and parts[0].endswith(".") and len(parts[0]) <= 4:
            return parts[1]
        return parts[0] if parts else ""

    @property
    def role(self) -> str:
        """The role part of a headline such as "Data Engineer at Globex"."""
        return headline_role(self.headline)


@dataclass(frozen=True)
class Job:
    """The job a recruiter is offering (purpose job_offer)."""

    title: str = ""
    company: str = ""
    industry: str = ""
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Message:
    """One message in the thread that followed the note."""

    author: Literal["recipient", "sender"]
    at: datetime
    text: str


@dataclass(frozen=True)
class Scenario:
    message: str
    purpose: str | None = None
    account: str = "free"
    sender: Person = field(default_factory=Person)
    recipient: Profile = field(default_factory=Profile)
    job: Job | None = None
    thread: tuple[Message, ...] = ()
    sent_at: datetime | None = None  # when the note went out; follow-ups are timed from it
    channel: str = "invitation"

    @property
    def limit(self) -> int:
        return INMAIL_LIMIT if self.channel == "inmail" else ACCOUNTS[self.account]

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        return parse_scenario(data)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.purpose:
            out["purpose"] = self.purpose
        if self.account != "free":
            out["account"] = self.account
        if self.channel != "invitation":
            out["channel"] = self.channel
        for key, obj in (("sender", self.sender), ("recipient", self.recipient), ("job", self.job)):
            if obj is None:
                continue
            fields = {k: list(v) if isinstance(v, tuple) else v for k, v in vars(obj).items() if v}
            # An empty job is still a job (explains-fit reads "no job" differently), so keep it.
            if fields or key == "job":
                out[key] = fields
        if self.sent_at is not None:
            out["sent_at"] = self.sent_at.isoformat().replace("+00:00", "Z")
        if self.thread:
            out["thread"] = [
                {"from": m.author, "at": m.at.isoformat().replace("+00:00", "Z"), "text": m.text}
                for m in self.thread
            ]
        return out


def headline_role(headline: str) -> str:
    for sep in (" at ", " @ ", " | ", ", "):
        if sep in headline:
            return headline.split(sep, 1)[0].strip()
    return headline.strip()


# ---------------------------------------------------------------- parsing


def type_name(value: Any) -> str:
    # Named as the person who wrote the YAML or JSON would call it, not as Python does.
    names = {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing (null)",
        datetime: "a timestamp",
        date: "a date",
    }
    return names.get(type(value), type(value).__name__)


def _key(key: Any) -> str:
    # A field name goes into a one-line message: quote it when it holds a line break or the like.
    return key if isinstance(key, str) and key.isprintable() and key.strip() == key else repr(key)


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: expected a string, got {type_name(value)}")
    return value


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        # A lone string where a list belongs is a common YAML slip; accept it as one item.
        return (value,)
    if not isinstance(value, list):
        raise ScenarioError(f"{where}: expected a list of strings, got {type_name(value)}")
    return tuple(_str(item, f"{where}[{i}]") for i, item in enumerate(value))


def _mapping(value: Any, where: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    """value as a mapping with only the allowed keys; where is "" for the scenario itself."""
    if not isinstance(value, Mapping):
        raise ScenarioError(
            f"{where or 'scenario'}: expected a mapping with {', '.join(allowed)}, "
            f"got {type_name(value)}"
        )
    for key in value:
        if key not in allowed:
            path = f"{where}.{_key(key)}" if where else _key(key)
            raise ScenarioError(f"{path}: unknown field; expected one of {', '.join(allowed)}")
    return value


def _optional(data: Mapping[str, Any], key: str, empty: Any) -> Any:
    # Only a missing key or null means "not given": "" or [] where a mapping belongs is an error.
    value = data.get(key)
    return empty if value is None else value


def _timestamp(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):  # YAML turns unquoted timestamps into datetimes
        stamp = value
    elif isinstance(value, date):  # ... and an unquoted 2026-03-02 into a date: read as midnight
        stamp = datetime(value.year, value.month, value.day)
    else:
        text = _str(value, where)
        # Hand-written data often ends in a lower-case "z"; Python reads only "Z".
        iso = text.strip()
        iso = iso[:-1] + "Z" if iso.endswith("z") else iso
        try:
            stamp = datetime.fromisoformat(iso)
        except ValueError:
            raise ScenarioError(
                f"{where}: {text!r} is not a timestamp; write ISO 8601, e.g. 2026-03-02T09:00:00Z"
            ) from None
    # A timestamp without a zone is read as UTC so that thread entries always compare.
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


SCENARIO_FIELDS = (
    "message",
    "purpose",
    "account",
    "channel",
    "sender",
    "recipient",
    "job",
    "sent_at",
    "thread",
)
_PERSON_FIELDS = ("name", "headline")
_PROFILE_FIELDS = (
    "name",
    "headline",
    "company",
    "industry",
    "skills",
    "articles",
    "shared_connections",
    "events",
)
_JOB_FIELDS = ("title", "company", "industry", "skills")
_MESSAGE_FIELDS = ("from", "at", "text")
_LIST_FIELDS = {"skills", "articles", "shared_connections", "events"}


def _fields(data: Mapping[str, Any], where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in allowed:
        if key in data and data[key] is not None:
            path = f"{where}.{key}"
            out[key] = _str_list(data[key], path) if key in _LIST_FIELDS else _str(data[key], path)
    return out


def parse_scenario(data: Any) -> Scenario:
    """Build a Scenario from a mapping, a bare note (str) or a Scenario."""
    if isinstance(data, Scenario):
        return data
    if isinstance(data, str):
        return Scenario(message=data)
    data = _mapping(data, "", SCENARIO_FIELDS)
    if "message" not in data:
        raise ScenarioError('message: missing; every scenario needs the note text (it may be "")')
    message = _str(data["message"], "message")

    purpose = data.get("purpose")
    # isinstance first: a list or mapping here would otherwise escape as a TypeError (unhashable).
    if purpose is not None and (not isinstance(purpose, str) or purpose not in PURPOSES):
        raise ScenarioError(
            f"purpose: {purpose!r} is not a purpose; expected one of {', '.join(PURPOSES)}"
        )

    account = data.get("account") or "free"
    if not isinstance(account, str) or account not in ACCOUNTS:
        raise ScenarioError(
            f"account: {account!r} is not an account type; expected free or premium"
        )

    channel = data.get("channel") or "invitation"
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise ScenarioError(
            f"channel: {channel!r} is not a channel; expected invitation (a connection note) or inmail"
        )

    sender_data = _mapping(_optional(data, "sender", {}), "sender", _PERSON_FIELDS)
    sender = Person(**_fields(sender_data, "sender", _PERSON_FIELDS))
    recipient_data = _mapping(_optional(data, "recipient", {}), "recipient", _PROFILE_FIELDS)
    recipient = Profile(**_fields(recipient_data, "recipient", _PROFILE_FIELDS))
    job = None
    if data.get("job") is not None:
        job = Job(**_fields(_mapping(data["job"], "job", _JOB_FIELDS), "job", _JOB_FIELDS))

    thread_data = _optional(data, "thread", [])
    if not isinstance(thread_data, list):
        raise ScenarioError(f"thread: expected a list of messages, got {type_name(thread_data)}")
    thread = []
    for i, item in enumerate(thread_data):
        where = f"thread[{i}]"
        item = _mapping(item, where, _MESSAGE_FIELDS)
        for key in _MESSAGE_FIELDS:
            if key not in item:
                raise ScenarioError(f"{where}.{key}: missing; each message needs from, at and text")
        author = item["from"]
        if author not in ("recipient", "sender"):
            raise ScenarioError(f"{where}.from: {author!r} is not recipient or sender")
        at = _timestamp(item["at"], f"{where}.at")
        thread.append(Message(author, at, _str(item["text"], f"{where}.text")))
    # The format says oldest first; sorting (stably) keeps a hand-edited thread honest anyway.
    thread.sort(key=lambda m: m.at)

    sent_at = data.get("sent_at")
    sent_at = None if sent_at in (None, "") else _timestamp(sent_at, "sent_at")

    return Scenario(
        message, purpose, account, sender, recipient, job, tuple(thread), sent_at, channel
    )


# ---------------------------------------------------------------- files


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise ScenarioError(
            f"{path}: is a folder; name a .json, .jsonl, .yaml or .csv file"
        ) from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"{path}, line {line}: not UTF-8 text (bad byte at position {exc.start}); "
            "save the file as UTF-8"
        ) from None


def load_documents(path: str | Path) -> list[Any]:
    """Read raw scenario mappings from JSON, JSON Lines or YAML (a file may hold a list)."""
    path = Path(path)
    return parse_documents(_read_text(path), str(path), path.suffix.lower())


def parse_documents(text: str, source: str, suffix: str = "") -> list[Any]:
    if suffix == ".jsonl":
        docs = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ScenarioError(f"{source}, line {n}: not valid JSON ({exc.msg})") from None
        return docs
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(
                f"{source}, line {exc.lineno}: not valid JSON ({exc.msg})"
            ) from None
    else:
        import yaml  # YAML is a superset of JSON, so it reads stdin and unknown suffixes too

        try:
            docs = [d for d in yaml.safe_load_all(text) if d is not None]
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark else ""
            # Keep the message on one line whatever PyYAML put in it.
            problem = " ".join(str(getattr(exc, "problem", None) or "malformed").split())
            # A JSON Lines stream is not YAML; try it before giving up.
            try:
                return parse_documents(text, source, ".jsonl")
            except ScenarioError:
                raise ScenarioError(
                    f"{source}{where}: not valid YAML or JSON ({problem})"
                ) from None
        data = docs[0] if len(docs) == 1 else docs
    if isinstance(data, list):
        return data
    return [data]


def load_scenario(path: str | Path) -> Scenario:
    """Load one scenario from a JSON or YAML file."""
    docs = load_documents(path)
    if not docs:
        raise ScenarioError(f"{path}: holds no scenario; the file is empty")
    if len(docs) != 1:
        raise ScenarioError(f"{path}: holds {len(docs)} scenarios; use load_scenarios for a list")
    # The file's name goes in front, so a learner knows which file the field is in.
    return _parse_at(docs[0], str(path))


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Load every scenario in a JSON, JSON Lines or YAML file."""
    docs = load_documents(path)
    return [_parse_at(doc, f"{path}, scenario {i + 1}") for i, doc in enumerate(docs)]


def _parse_at(doc: Any, where: str) -> Scenario:
    try:
        return parse_scenario(doc)
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
