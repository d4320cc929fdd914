#!/usr/bin/env python3
"""Fetch, verify and resolve a plancat ledger published on any static host.

The consumer contract of docs/CONSUMING.md, in Python 3.11 with nothing but the standard
library (urllib, hashlib, json). It checks what the Rust consumer (crates/consumer:
`Ledger::index`, `Ledger::resolve`, `in_force`, `verify`) checks, and prints the verified
snapshot file exactly as `plancat resolve <slug> --at <time>` prints it.

    python3 resolve.py <base-url> <slug> [--at RFC3339] [--existing] [--cache DIR]

<base-url> is the site root that holds `snapshots/` (`out/site/` as published). Exit 0 with the
snapshot on stdout; exit 1 with one line on stderr when the slug is unknown, nothing is in
force, a file is not the published one, or the host cannot be reached (with --cache, the last
verified snapshot is printed instead, with a warning, when it can be).

Importing this module runs nothing: the functions below are used by tests.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

# The newest ledger format this reader understands (`FORMAT_VERSION` in wire.rs).
FORMAT_VERSION = 1
# The largest ledger file a reader accepts (`MAX_FILE_BYTES` in the Rust consumer).
MAX_FILE_BYTES = 16 * 1024 * 1024
# How long one HTTP request may take, in seconds.
TIMEOUT = 10

KINDS = ("api", "frontend", "kit", "addon", "bundle", "subscription", "service")
BUMPS = ("patch", "minor", "major")

FINAL = ("unknown-slug", "nothing-in-force")


class ConsumerError(Exception):
    """Why a snapshot could not be had.

    `final` errors are the ledger's verified answer (unknown slug, nothing in force): a cache
    never overrides them. The others (a fetch that failed, a file that failed verification)
    fall back to the cache when there is one.
    """

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        # "unknown-slug" | "nothing-in-force" | "fetch" | "tampered" | "parse" | "format" | "cache"
        self.kind = kind
        self.message = message

    @property
    def final(self) -> bool:
        return self.kind in FINAL


def tampered(file: str, message: str) -> ConsumerError:
    return ConsumerError("tampered", f"`{file}` is not the published file: {message}")


def unreadable(file: str, message: str) -> ConsumerError:
    return ConsumerError("parse", f"cannot read `{file}`: {message}")


# -------------------------------------------------------------------------------------------
# JSON, read as serde_json reads it, and canonical JSON as plancat writes it.

MAX_DEPTH = 127  # serde_json refuses the 128th nested array or object
U64_MAX = 2**64 - 1
I64_MIN = -(2**63)


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key `{key}`")
        out[key] = value
    return out


def _no_float(text):
    raise ValueError(f"the number {text} is not an integer of the format")


def _no_negative_zero(text):
    if text == "-0":  # serde_json reads it as a float
        _no_float(text)
    return int(text)


def _check_tree(value) -> None:
    """What Python's json accepts and serde_json does not: nesting beyond its limit, lone
    surrogates (escaped as `\\ud800`)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, str):
            strings = [v]
        elif isinstance(v, dict):
            if depth > MAX_DEPTH:
                raise ValueError("recursion limit exceeded")
            strings = list(v)
            stack.extend((x, depth + 1) for x in v.values())
        elif isinstance(v, list):
            if depth > MAX_DEPTH:
                raise ValueError("recursion limit exceeded")
            strings = []
            stack.extend((x, depth + 1) for x in v)
        else:
            strings = []
        for s in strings:
            if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
                raise ValueError("lone surrogate in a string")


def parse_json(data: bytes | str):
    """One JSON value, refused as serde_json would refuse it: invalid UTF-8, a byte-order
    mark, a lone surrogate, a control character in a string, NaN or a duplicate key. Plans hold
    no floats, so a number that is not an integer is refused too."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    value = json.loads(
        text,
        object_pairs_hook=_no_duplicates,
        parse_float=_no_float,
        parse_int=_no_negative_zero,
        parse_constant=_no_float,
    )
    _check_tree(value)
    return value


def _quote(s: str) -> str:
    """A string as serde_json writes it: `"` `\\` and control characters escaped (the short
    forms \\b \\f \\n \\r \\t, else \\u00xx in lowercase hex), everything else as is."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif c == 0x08:
            out.append("\\b")
        elif c == 0x0C:
            out.append("\\f")
        elif c == 0x0A:
            out.append("\\n")
        elif c == 0x0D:
            out.append("\\r")
        elif c == 0x09:
            out.append("\\t")
        elif c < 0x20:
            out.append(f"\\u{c:04x}")
        elif 0xD800 <= c <= 0xDFFF:
            raise ValueError("lone surrogate in a string")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(v) -> str:
    """Canonical JSON, as `plancat_consumer::hash::canonical` writes it: compact, object keys
    in the byte order of their UTF-8 (code point order, as Rust's `String` order)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        if not I64_MIN <= v <= U64_MAX:
            raise ValueError(f"the number {v} is not an integer of the format")
        return str(v)
    if isinstance(v, str):
        return _quote(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(_quote(k) + ":" + canonical(v[k]) for k in sorted(v)) + "}"
    raise TypeError(f"not a JSON value: {type(v).__name__}")


def sha256hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(snapshot: dict) -> str:
    """A snapshot's content hash (`plancat_consumer::hash::content_hash` of
    `Snapshot::content`): `sha256:` + hex SHA-256 of the canonical JSON of its slug, kind,
    project, catalog, plan and computed — everything but the release metadata."""
    content = {
        "slug": snapshot["slug"],
        "kind": snapshot["kind"],
        "project": snapshot.get("project"),
        "catalog": snapshot["catalog"],
        "plan": snapshot["plan"],
        "computed": snapshot["computed"],
    }
    return "sha256:" + sha256hex(canonical(content).encode("utf-8"))


# -------------------------------------------------------------------------------------------
# Slugs, versions and instants, as the Rust types parse and order them.

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def is_slug(s) -> bool:
    return isinstance(s, str) and len(s) <= 64 and SLUG.fullmatch(s) is not None


SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
    r"(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?",
    re.ASCII,
)


def parse_version(s):
    """A semantic version as the `semver` crate parses it (its text is also its display):
    `(major, minor, patch, pre, build)`, or None."""
    m = isinstance(s, str) and SEMVER.fullmatch(s)
    if not m or any(int(m[k]) > U64_MAX for k in (1, 2, 3)):
        return None
    return (int(m[1]), int(m[2]), int(m[3]), m[4] or "", m[5] or "")


def _cmp(a, b) -> int:
    return (a > b) - (a < b)


def _digits(s: str) -> bool:
    return all("0" <= c <= "9" for c in s)


def _compare_identifiers(a: str, b: str, build: bool) -> int:
    left, right = a.split("."), b.split(".")
    for i, l in enumerate(left):
        if i >= len(right):
            return 1
        r = right[i]
        if _digits(l) and _digits(r):
            if build:
                lv, rv = l.lstrip("0"), r.lstrip("0")
                o = _cmp(len(lv), len(rv)) or _cmp(lv, rv) or _cmp(len(l), len(r))
            else:
                o = _cmp(len(l), len(r)) or _cmp(l, r)
        elif _digits(l):
            return -1
        elif _digits(r):
            return 1
        else:
            o = _cmp(l, r)
        if o:
            return o
    return 0 if len(left) == len(right) else -1


def compare_versions(a, b) -> int:
    """`semver::Version`'s order: major, minor, patch; a pre-release before its release; then
    build metadata."""
    o = _cmp(a[:3], b[:3])
    if o:
        return o
    if a[3] != b[3]:
        if a[3] == "":
            return 1
        if b[3] == "":
            return -1
        o = _compare_identifiers(a[3], b[3], False)
        if o:
            return o
    return 0 if a[4] == b[4] else _compare_identifiers(a[4], b[4], True)


RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))",
    re.ASCII,
)


def parse_instant(s):
    """An RFC 3339 instant (what `Instant::parse` reads), as nanoseconds since the epoch, or
    None. A leap second is read as :59, as jiff does."""
    m = isinstance(s, str) and RFC3339.fullmatch(s)
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(m[k]) for k in range(1, 7))
    if sec > 60 or h > 23 or mi > 59:
        return None
    try:
        date = datetime(y, mo, d, tzinfo=timezone.utc)
    except ValueError:
        return None
    offset = 0
    if not m[8]:
        oh, om = int(m[10]), int(m[11])
        if oh > 25 or om > 59:
            return None
        offset = (-1 if m[9] == "-" else 1) * (oh * 3600 + om * 60)
    days = (date - datetime(1970, 1, 1, tzinfo=timezone.utc)).days
    seconds = days * 86400 + h * 3600 + mi * 60 + min(sec, 59) - offset
    return seconds * 1_000_000_000 + int((m[7] or "").ljust(9, "0"))


def show_instant(ns: int) -> str:
    """An instant as `Instant`'s display writes it: UTC, `Z`, a fraction only when there is
    one."""
    secs, frac = divmod(ns, 1_000_000_000)
    dt = datetime.fromtimestamp(secs, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return dt + (f".{frac:09d}".rstrip("0") if frac else "") + "Z"


# -------------------------------------------------------------------------------------------
# The three ledger files, read as the Rust wire types read them (unknown fields refused; an
# absent optional field is None).


def _u32(v) -> bool:
    return type(v) is int and 0 <= v <= 0xFFFFFFFF


CHECKS = {
    "string": lambda v: isinstance(v, str),
    "slug": is_slug,
    "kind": lambda v: v in KINDS,
    "bump": lambda v: v in BUMPS,
    "version": lambda v: parse_version(v) is not None,
    "instant": lambda v: parse_instant(v) is not None,
    "u32": _u32,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def shape(file: str, obj, fields: dict, what: str) -> dict:
    if not isinstance(obj, dict):
        raise unreadable(file, f"{what} is not an object")
    for key in obj:
        if key not in fields:
            raise unreadable(file, f"unknown field `{key}` in {what}")
    out = {}
    for key, check in fields.items():
        optional = check.endswith("?")
        kind = check.rstrip("?")
        v = obj.get(key)
        if v is None:
            if not optional:
                raise unreadable(file, f"missing field `{key}` in {what}")
            out[key] = None
            continue
        if not CHECKS[kind](v):
            raise unreadable(file, f"invalid `{key}` in {what}")
        out[key] = v
    return out


def _parse_file(file: str, data: bytes):
    try:
        return parse_json(data)
    except (ValueError, RecursionError) as e:
        raise unreadable(file, str(e)) from None


def _format(version: int) -> None:
    if version > FORMAT_VERSION:
        raise ConsumerError(
            "format", f"ledger format {version} is newer than this reader ({FORMAT_VERSION})"
        )


def read_catalog(data: bytes) -> dict:
    """`index.json`: every published slug. Newer formats are refused, as `Ledger::open`
    does."""
    file = "index.json"
    c = shape(
        file,
        _parse_file(file, data),
        {"format_version": "u32", "entries": "object"},
        "the catalog index",
    )
    entries = {}
    for slug, e in c["entries"].items():
        if not is_slug(slug):
            raise unreadable(file, f"invalid slug `{slug}`")
        entries[slug] = shape(
            file,
            e,
            {
                "kind": "kind",
                "project": "slug?",
                "latest": "version",
                "index": "string",
                "index_sha256": "string?",
            },
            f"the entry of `{slug}`",
        )
    _format(c["format_version"])
    return {"format_version": c["format_version"], "entries": entries}


def read_slug_index(file: str, data: bytes) -> dict:
    """`<slug>/index.json`: every published version of one plan."""
    i = shape(
        file,
        _parse_file(file, data),
        {
            "format_version": "u32",
            "slug": "slug",
            "kind": "kind",
            "project": "slug?",
            "versions": "array",
        },
        "the index",
    )
    versions = []
    for n, v in enumerate(i["versions"]):
        e = shape(
            file,
            v,
            {
                "plan_version": "version",
                "effective_from": "instant",
                "existing_from": "instant?",
                "rollback_to": "version?",
                "content_hash": "string",
                "file_sha256": "string",
                "file": "string",
                "bump": "bump?",
                "reasons": "array",
                "yanked": "object?",
            },
            f"version entry {n + 1}",
        )
        if not all(isinstance(r, str) for r in e["reasons"]):
            raise unreadable(file, "invalid `reasons`")
        if e["yanked"] is not None:
            shape(
                file,
                e["yanked"],
                {"reason": "string", "at": "instant", "with": "string?"},
                "`yanked`",
            )
        versions.append(e)
    i["versions"] = versions
    return i


# -------------------------------------------------------------------------------------------
# Resolution and verification: `in_force`, `verify` and `check::snapshot`.


def moment(v: dict, existing: bool) -> int:
    """When a version reaches an audience (`resolve::moment`)."""
    return parse_instant(
        v["existing_from"] if existing and v["existing_from"] else v["effective_from"]
    )


def in_force(index: dict, at: int, existing: bool) -> dict:
    """The version in force at `at` (nanoseconds) for new or existing subscribers: the newest
    (semver order) that is not withdrawn and whose moment for the audience is at or before
    `at`. Raises `nothing-in-force` naming when the first version takes effect."""
    best = None
    for v in index["versions"]:
        if v["yanked"] is not None or moment(v, existing) > at:
            continue
        # Like Rust's `max_by`: the last of equal maxima.
        if (
            best is None
            or compare_versions(
                parse_version(v["plan_version"]), parse_version(best["plan_version"])
            )
            >= 0
        ):
            best = v
    if best is not None:
        return best
    moments = [moment(v, existing) for v in index["versions"] if v["yanked"] is None]
    why = (
        f" (the first takes effect at {show_instant(min(moments))})"
        if moments
        else " (every version is withdrawn)"
    )
    raise ConsumerError(
        "nothing-in-force",
        f"no version of `{index['slug']}` is in force at {show_instant(at)}{why}",
    )


def verify(entry: dict, data: bytes, slug: str) -> dict:
    """Checks fetched snapshot bytes against their index entry, as `check::snapshot` does: the
    file's SHA-256, that it parses, its format version, its content hash, and every field the
    index repeats (version, content hash, dates, fallback). Returns the parsed snapshot."""
    file = f"{slug}/{entry['file']}"
    if sha256hex(data) != entry["file_sha256"]:
        raise tampered(file, "its SHA-256 does not match the index")
    snap = shape(
        file,
        _parse_file(file, data),
        {
            "format_version": "u32",
            "slug": "slug",
            "kind": "kind",
            "project": "slug?",
            "plan_version": "version",
            "effective_from": "instant",
            "existing_from": "instant?",
            "rollback_to": "version?",
            "content_hash": "string",
            "catalog": "object",
            "plan": "object",
            "computed": "object",
        },
        "the snapshot",
    )
    _format(snap["format_version"])
    try:
        digest = content_hash(snap)
    except ValueError as e:
        raise unreadable(file, str(e)) from None

    def instant(s):
        return None if s is None else parse_instant(s)

    if (
        digest != snap["content_hash"]
        or snap["plan_version"] != entry["plan_version"]
        or snap["content_hash"] != entry["content_hash"]
        or instant(snap["effective_from"]) != instant(entry["effective_from"])
        or instant(snap["existing_from"]) != instant(entry["existing_from"])
        or snap["rollback_to"] != entry["rollback_to"]
    ):
        raise tampered(file, "its content does not match its hash or index entry")
    return snap


def check_slug_index(slug: str, entry: dict, data: bytes) -> dict:
    """Checks the slug index against its catalog entry, as `Ledger::index` does once its path
    has been checked: its SHA-256 (when the catalog index records one) and its slug, kind and
    project."""
    file = f"{slug}/index.json"
    if entry["index_sha256"] is not None and entry["index_sha256"] != sha256hex(data):
        raise tampered(file, "its SHA-256 does not match the catalog index")
    index = read_slug_index(file, data)
    if (
        index["slug"] != slug
        or index["kind"] != entry["kind"]
        or index["project"] != entry["project"]
    ):
        raise tampered(file, f"it describes `{index['slug']}`, not `{slug}`")
    return index


def pick(slug: str, index: dict, at: int, existing: bool) -> dict:
    """The entry in force; its file must be `<plan_version>.json` in the slug's folder — never
    a path elsewhere."""
    entry = in_force(index, at, existing)
    file = f"{entry['plan_version']}.json"
    if entry["file"] != file:
        raise tampered(
            f"{slug}/index.json",
            f"version {entry['plan_version']} names the file `{entry['file']}`, not `{file}`",
        )
    return entry


def check_snapshot_of(slug: str, index: dict, entry: dict, snap: dict) -> None:
    """The snapshot is the one asked for: its own slug, kind and project say so."""
    if (
        snap["slug"] != index["slug"]
        or snap["kind"] != index["kind"]
        or snap["project"] != index["project"]
    ):
        raise tampered(
            f"{slug}/{entry['file']}", f"it is a snapshot of `{snap['slug']}`, not of `{slug}`"
        )


# -------------------------------------------------------------------------------------------
# HTTP and the cache.


def get(url: str, etag: str | None = None) -> dict:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            if response.status != 200:
                raise ConsumerError("fetch", f"could not fetch `{url}`: HTTP {response.status}")
            data = response.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise ConsumerError(
                    "fetch", f"could not fetch `{url}`: larger than {MAX_FILE_BYTES} bytes"
                )
            return {"bytes": data, "etag": response.headers.get("ETag")}
    except urllib.error.HTTPError as e:
        if e.code == 304 and etag:
            return {"not_modified": True}
        raise ConsumerError("fetch", f"could not fetch `{url}`: HTTP {e.code}") from None
    except urllib.error.URLError as e:
        raise ConsumerError("fetch", f"could not fetch `{url}`: {e.reason}") from None
    # Timeouts, resets, malformed responses.
    except (OSError, ValueError, http.client.HTTPException) as e:
        raise ConsumerError("fetch", f"could not fetch `{url}`: {e}") from None


class Cache:
    """A folder laid out like the ledger (`index.json`, `<slug>/index.json`,
    `<slug>/<version>.json`), holding only files that verified, with each index's ETag in
    `.etags/<same path>` — the layout of the Rust `Remote`'s cache, so either reads the
    other's."""

    def __init__(self, directory: str):
        self.dir = directory

    def path(self, rel: str) -> str:
        return os.path.join(self.dir, *rel.split("/"))

    def read(self, rel: str) -> bytes | None:
        try:
            with open(self.path(rel), "rb") as f:
                return f.read()
        except OSError:
            return None

    def write(self, rel: str, data: bytes) -> None:
        """Replaces a file whole (a temporary file renamed over it): a reader never sees half
        of one."""
        path = self.path(rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        head, name = os.path.split(path)
        tmp = os.path.join(head, f".{name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)

    def remove(self, rel: str) -> None:
        try:
            os.remove(self.path(rel))
        except FileNotFoundError:
            pass

    def index(self, rel: str) -> dict | None:
        """An index's cached bytes and ETag, when both are there."""
        data, etag = self.read(rel), self.read(".etags/" + rel)
        if data is None or etag is None or not etag.strip():
            return None
        return {"bytes": data, "etag": etag.decode("utf-8", "replace").strip()}

    def store_index(self, rel: str, got: dict) -> None:
        """Stores a verified index and its ETag; the old ETag goes first, so an interrupted
        write never pairs an ETag with other bytes."""
        if got.get("from_cache"):
            return
        self.remove(".etags/" + rel)
        self.write(rel, got["bytes"])
        if got.get("etag"):
            self.write(".etags/" + rel, got["etag"].encode("utf-8"))


def fetch_index(base: str, rel: str, cache: Cache | None, conditional: bool) -> dict:
    """Fetches an index file: conditionally when the cache holds it (304: the cached bytes)."""
    cached = cache.index(rel) if cache and conditional else None
    got = get(f"{base}/snapshots/{rel}", cached["etag"] if cached else None)
    return {**cached, "from_cache": True} if got.get("not_modified") else got


def resolve_online(base: str, slug: str, at: int, existing: bool, cache: Cache | None) -> dict:
    """Fetches, verifies and resolves `slug` from the host, as `Ledger::resolve` does on disk.
    With a cache, indexes are fetched conditionally, a cached snapshot that verifies is never
    fetched again, and once the whole chain verified the cache keeps it: the snapshot, the
    versions scheduled after it (so a scheduled change still resolves from the cache when the
    host is down), the slug index, and the catalog index last."""
    try:
        return _attempt(base, slug, at, existing, cache, True)
    except ConsumerError as e:
        # A 304 vouches for bytes cached earlier. If they do not fit the chain (a publication
        # the ETag missed: nginx's changes with the mtime's second and the size), ask again in
        # full.
        if getattr(e, "revalidated", False) and not e.final and e.kind != "fetch":
            return _attempt(base, slug, at, existing, cache, False)
        raise


def _attempt(
    base: str, slug: str, at: int, existing: bool, cache: Cache | None, conditional: bool
) -> dict:
    revalidated = False

    def fetch_indexed(rel: str) -> dict:
        nonlocal revalidated
        got = fetch_index(base, rel, cache, conditional)
        revalidated = revalidated or bool(got.get("from_cache"))
        return got

    try:
        return _resolve_fetched(base, slug, at, existing, cache, fetch_indexed)
    except ConsumerError as e:
        e.revalidated = revalidated
        raise


def _resolve_fetched(
    base: str, slug: str, at: int, existing: bool, cache: Cache | None, fetch_indexed
) -> dict:
    catalog_got = fetch_indexed("index.json")
    catalog = read_catalog(catalog_got["bytes"])
    if slug not in catalog["entries"]:
        raise ConsumerError("unknown-slug", f"no plan `{slug}` in the ledger")
    entry = catalog["entries"][slug]
    # The catalog index names each slug's index; it may name only that.
    expected = f"{slug}/index.json"
    if entry["index"] != expected:
        raise tampered("index.json", f"`{slug}`'s index is `{entry['index']}`, not `{expected}`")
    index_got = fetch_indexed(expected)
    index = check_slug_index(slug, entry, index_got["bytes"])
    version = pick(slug, index, at, existing)
    rel = f"{slug}/{version['file']}"
    # A versioned file never changes: one cached and still verifying is never fetched again.
    data = cache.read(rel) if cache else None
    fetched = False
    if data is not None:
        try:
            verify(version, data, slug)
        except ConsumerError:
            data = None
    if data is None:
        data = get(f"{base}/snapshots/{rel}")["bytes"]
        fetched = True
    snap = verify(version, data, slug)
    check_snapshot_of(slug, index, version, snap)
    if cache:
        if fetched:
            cache.write(rel, data)
        prefetch_scheduled(base, slug, index, version, cache)
        cache.store_index(expected, index_got)
        cache.store_index("index.json", catalog_got)
    return {"bytes": data, "version": version["plan_version"]}


def prefetch_scheduled(base: str, slug: str, index: dict, current: dict, cache: Cache) -> None:
    """Caches the versions published after `current` and not withdrawn, each verified; one
    that cannot be had now is simply not cached (it is not the answer)."""
    now = parse_version(current["plan_version"])
    for v in index["versions"]:
        rel = f"{slug}/{v['file']}"
        if v["yanked"] is not None or v["file"] != f"{v['plan_version']}.json":
            continue
        if compare_versions(parse_version(v["plan_version"]), now) <= 0:
            continue
        cached = cache.read(rel)
        if cached is not None:
            try:
                check_snapshot_of(slug, index, v, verify(v, cached, slug))
                continue
            except ConsumerError:
                pass  # damaged on disk: fetched again below
        try:
            data = get(f"{base}/snapshots/{rel}")["bytes"]
            check_snapshot_of(slug, index, v, verify(v, data, slug))
            cache.write(rel, data)
        except ConsumerError:
            pass


def resolve_cached(cache: Cache, slug: str, at: int, existing: bool) -> dict:
    """Resolves `slug` from the cache alone: its last verified index, and the snapshot in
    force by it, verified again against its entry."""
    rel = f"{slug}/index.json"
    data = cache.read(rel) if is_slug(slug) else None
    if data is None:
        raise ConsumerError("cache", f"the cache has no index of `{slug}`")
    index = read_slug_index(rel, data)
    if index["slug"] != slug:
        raise tampered(rel, f"it describes `{index['slug']}`, not `{slug}`")
    version = pick(slug, index, at, existing)
    snap_bytes = cache.read(f"{slug}/{version['file']}")
    if snap_bytes is None:
        raise ConsumerError(
            "cache", f"the cache has no snapshot of `{slug}` {version['plan_version']}"
        )
    snap = verify(version, snap_bytes, slug)
    check_snapshot_of(slug, index, version, snap)
    return {"bytes": snap_bytes, "version": version["plan_version"]}


# -------------------------------------------------------------------------------------------
# The command line.

USAGE = "usage: resolve.py <base-url> <slug> [--at RFC3339] [--existing] [--cache DIR]"


def parse_args(argv: list[str]) -> dict | None:
    positional, opts = [], {"at": None, "existing": False, "cache": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--existing":
            opts["existing"] = True
        elif a in ("--at", "--cache"):
            if i + 1 >= len(argv):
                return None
            i += 1
            opts[a[2:]] = argv[i]
        elif a.startswith("--at="):
            opts["at"] = a[5:]
        elif a.startswith("--cache="):
            opts["cache"] = a[8:]
        elif a.startswith("--"):
            return None
        else:
            positional.append(a)
        i += 1
    if len(positional) != 2:
        return None
    return {"base": positional[0].rstrip("/"), "slug": positional[1], **opts}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args is None:
        print(USAGE, file=sys.stderr)
        return 2
    if args["at"] is None:
        at = int(time.time()) * 1_000_000_000  # now, to the second
    else:
        at = parse_instant(args["at"])
        if at is None:
            print(
                f"error: invalid date-time `{args['at']}`; "
                "expected RFC 3339 like `2026-12-01T00:00:00Z`",
                file=sys.stderr,
            )
            return 2
    cache = Cache(args["cache"]) if args["cache"] is not None else None
    try:
        result = resolve_online(args["base"], args["slug"], at, args["existing"], cache)
    except ConsumerError as e:
        if cache is None or e.final:
            print(f"error: {e.message}", file=sys.stderr)
            return 1
        try:
            result = resolve_cached(cache, args["slug"], at, args["existing"])
        except ConsumerError as c:
            print(
                f"error: {e.message} (no verified fallback in the cache: {c.message})",
                file=sys.stderr,
            )
            return 1
        print(
            f"warning: `{args['slug']}` {result['version']} comes from the cache in "
            f"`{args['cache']}`, not from {args['base']}: {e.message}",
            file=sys.stderr,
        )
    sys.stdout.buffer.write(result["bytes"])
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
