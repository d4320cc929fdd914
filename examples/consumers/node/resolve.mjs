#!/usr/bin/env node
// Fetch, verify and resolve a plancat ledger published on any static host — the consumer
// contract of docs/CONSUMING.md, in Node.js 18+ with nothing but built-ins (global fetch,
// node:crypto, node:fs). It checks what the Rust consumer (crates/consumer: `Ledger::index`,
// `Ledger::resolve`, `in_force`, `verify`) checks, and prints the verified snapshot file
// exactly as `plancat resolve <slug> --at <time>` prints it.
//
//   node resolve.mjs <base-url> <slug> [--at RFC3339] [--existing] [--cache DIR]
//
// <base-url> is the site root that holds `snapshots/` (`out/site/` as published). Exit 0 with
// the snapshot on stdout; exit 1 with one line on stderr when the slug is unknown, nothing is
// in force, a file is not the published one, or the host cannot be reached (with --cache,
// the last verified snapshot is printed instead, with a warning, when it can be).
//
// Importing this file runs nothing: the functions below are exported for tests.

import { createHash } from "node:crypto";
import * as fs from "node:fs";

/// The newest ledger format this reader understands (`FORMAT_VERSION` in wire.rs).
export const FORMAT_VERSION = 1;
/// The largest ledger file a reader accepts (`MAX_FILE_BYTES` in the Rust consumer).
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/// How long one HTTP request may take.
const TIMEOUT_MS = 10_000;

const KINDS = ["api", "frontend", "kit", "addon", "bundle", "subscription", "service"];
const BUMPS = ["patch", "minor", "major"];

/// Why a snapshot could not be had. `final` errors are the ledger's verified answer (unknown
/// slug, nothing in force): a cache never overrides them. The others (a fetch that failed, a
/// file that failed verification) fall back to the cache when there is one.
export class ConsumerError extends Error {
  constructor(kind, message) {
    super(message);
    // "unknown-slug" | "nothing-in-force" | "fetch" | "tampered" | "parse" | "format" | "cache"
    this.kind = kind;
  }
  get final() {
    return this.kind === "unknown-slug" || this.kind === "nothing-in-force";
  }
}

const tampered = (file, message) =>
  new ConsumerError("tampered", `\`${file}\` is not the published file: ${message}`);
const unreadable = (file, message) =>
  new ConsumerError("parse", `cannot read \`${file}\`: ${message}`);

// ---------------------------------------------------------------------------------------------
// JSON: a strict RFC 8259 parser (as serde_json reads), keeping each number's exact text so
// canonical JSON writes integers byte for byte, even beyond 2^53.

/// A JSON number, as written.
export class JsonNumber {
  constructor(raw) {
    this.raw = raw;
  }
}

const MAX_DEPTH = 127; // serde_json refuses the 128th nested array or object

/// Parses UTF-8 bytes (or a string) as one JSON value: objects have no prototype, numbers are
/// `JsonNumber`s. Throws a `SyntaxError` as serde_json would refuse the text: invalid UTF-8, a
/// byte-order mark, a lone surrogate, a control character in a string, a duplicate key.
export function parseJson(input) {
  const text =
    typeof input === "string"
      ? input
      : new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
  let i = 0;
  let depth = 0;
  const fail = (what) => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    const column = i - before.lastIndexOf("\n");
    throw new SyntaxError(`${what} at line ${line} column ${column}`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const hex4 = () => {
    const h = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) fail("invalid escape");
    i += 4;
    return parseInt(h, 16);
  };
  const string = () => {
    i++; // the opening quote
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) fail("EOF while parsing a string");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail("control character (\\u0000-\\u001F) found while parsing a string");
      if (c >= 0xd800 && c <= 0xdfff) {
        // Only well-formed pairs can come from valid UTF-8; TextDecoder already made sure.
        i++;
        continue;
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      i++;
      const e = text[i++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case "\\":
          out += "\\";
          break;
        case "/":
          out += "/";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const u = hex4();
          if (u >= 0xdc00 && u <= 0xdfff) fail("lone trailing surrogate in hex escape");
          if (u >= 0xd800 && u <= 0xdbff) {
            if (text.slice(i, i + 2) !== "\\u") fail("lone leading surrogate in hex escape");
            i += 2;
            const lo = hex4();
            if (lo < 0xdc00 || lo > 0xdfff) fail("lone leading surrogate in hex escape");
            out += String.fromCharCode(u, lo);
          } else {
            out += String.fromCharCode(u);
          }
          break;
        }
        default:
          fail("invalid escape");
      }
      start = i;
    }
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const value = () => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      if (++depth > MAX_DEPTH) fail("recursion limit exceeded");
      let result;
      if (c === "{") {
        result = Object.create(null);
        i++;
        ws();
        if (text[i] === "}") i++;
        else
          for (;;) {
            ws();
            if (text[i] !== '"') fail("key must be a string");
            const key = string();
            if (Object.hasOwn(result, key)) fail(`duplicate key \`${key}\``);
            ws();
            if (text[i++] !== ":") fail("expected `:`");
            result[key] = value();
            ws();
            const sep = text[i++];
            if (sep === "}") break;
            if (sep !== ",") fail("expected `,` or `}`");
          }
      } else {
        result = [];
        i++;
        ws();
        if (text[i] === "]") i++;
        else
          for (;;) {
            result.push(value());
            ws();
            const sep = text[i++];
            if (sep === "]") break;
            if (sep !== ",") fail("expected `,` or `]`");
          }
      }
      depth--;
      return result;
    }
    if (c === '"') return string();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail(i >= text.length ? "EOF while parsing a value" : "expected value");
    i += m[0].length;
    return new JsonNumber(m[0]);
  };
  const v = value();
  ws();
  if (i < text.length) fail("trailing characters");
  return v;
}

const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);

/// An integer serde_json would read and write as one (i64 or u64). Plans hold no floats: any
/// other number is not part of the format.
function integerText(n) {
  if (/^-?(0|[1-9][0-9]*)$/.test(n.raw) && n.raw !== "-0") {
    const b = BigInt(n.raw);
    if (b >= I64_MIN && b <= U64_MAX) return n.raw;
  }
  throw new SyntaxError(`the number ${n.raw} is not an integer of the format`);
}

/// A string as serde_json writes it: `"` `\` and control characters escaped (the short forms
/// \b \f \n \r \t, else \u00xx in lowercase hex), everything else as is.
function quote(s) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

/// Canonical JSON, as `plancat_consumer::hash::canonical` writes it: compact, object keys in
/// the byte order of their UTF-8 (Rust's `String` order — not JavaScript's UTF-16 order).
export function canonical(v) {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (v instanceof JsonNumber) return integerText(v);
  if (typeof v === "string") return quote(v);
  if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
  if (typeof v === "object") {
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return "{" + keys.map((k) => quote(k) + ":" + canonical(v[k])).join(",") + "}";
  }
  throw new TypeError(`not a JSON value: ${typeof v}`);
}

export function sha256hex(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

/// A snapshot's content hash (`plancat_consumer::hash::content_hash` of `Snapshot::content`):
/// `sha256:` + hex SHA-256 of the canonical JSON of its slug, kind, project, catalog, plan and
/// computed — everything but the release metadata.
export function contentHash(snapshot) {
  const content = {
    slug: snapshot.slug,
    kind: snapshot.kind,
    project: snapshot.project ?? null,
    catalog: snapshot.catalog,
    plan: snapshot.plan,
    computed: snapshot.computed,
  };
  return "sha256:" + sha256hex(Buffer.from(canonical(content), "utf8"));
}

// ---------------------------------------------------------------------------------------------
// Slugs, versions and instants, as the Rust types parse and order them.

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const isSlug = (s) => typeof s === "string" && s.length <= 64 && SLUG.test(s);

const SEMVER =
  /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/// A semantic version as the `semver` crate parses it (its text is also its display).
export function parseVersion(s) {
  const m = typeof s === "string" && SEMVER.exec(s);
  if (!m || [m[1], m[2], m[3]].some((n) => BigInt(n) > U64_MAX)) return null;
  return {
    text: s,
    core: [BigInt(m[1]), BigInt(m[2]), BigInt(m[3])],
    pre: m[4] ?? "",
    build: m[5] ?? "",
  };
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const digits = (s) => /^[0-9]*$/.test(s);

function compareIdentifiers(a, b, build) {
  const left = a.split(".");
  const right = b.split(".");
  for (let i = 0; i < left.length; i++) {
    if (i >= right.length) return 1;
    const [l, r] = [left[i], right[i]];
    let o;
    if (digits(l) && digits(r)) {
      if (build) {
        const [lv, rv] = [l.replace(/^0+/, ""), r.replace(/^0+/, "")];
        o = cmp(lv.length, rv.length) || cmp(lv, rv) || cmp(l.length, r.length);
      } else {
        o = cmp(l.length, r.length) || cmp(l, r);
      }
    } else if (digits(l)) return -1;
    else if (digits(r)) return 1;
    else o = cmp(l, r);
    if (o !== 0) return o;
  }
  return left.length === right.length ? 0 : -1;
}

/// `semver::Version`'s order: major, minor, patch; a pre-release before its release; then
/// build metadata.
export function compareVersions(a, b) {
  for (let i = 0; i < 3; i++) {
    const o = cmp(a.core[i], b.core[i]);
    if (o) return o;
  }
  if (a.pre !== b.pre) {
    if (a.pre === "") return 1;
    if (b.pre === "") return -1;
    const o = compareIdentifiers(a.pre, b.pre, false);
    if (o) return o;
  }
  return a.build === b.build ? 0 : compareIdentifiers(a.build, b.build, true);
}

const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))$/;

function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/// An RFC 3339 instant (what `Instant::parse` reads), as nanoseconds since the epoch (a
/// BigInt), or null. A leap second is read as :59, as jiff does.
export function parseInstant(s) {
  const m = typeof s === "string" && RFC3339.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((k) => Number(m[k]));
  const sec = Math.min(Number(m[6]), 59);
  const monthDays = [
    31,
    (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  if (
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > monthDays[mo - 1] ||
    h > 23 ||
    mi > 59 ||
    Number(m[6]) > 60
  ) {
    return null;
  }
  let offset = 0;
  if (!m[8]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 25 || om > 59) return null;
    offset = (m[9] === "-" ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  const nanos = BigInt((m[7] ?? "").padEnd(9, "0"));
  return BigInt(seconds) * 1_000_000_000n + nanos;
}

/// An instant as `Instant`'s display writes it: UTC, `Z`, a fraction only when there is one.
export function showInstant(ns) {
  const secs = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
  const frac = ns - secs * 1_000_000_000n;
  const iso = new Date(Number(secs) * 1000).toISOString().replace(/\.000Z$/, "");
  return iso + (frac ? "." + frac.toString().padStart(9, "0").replace(/0+$/, "") : "") + "Z";
}

// ---------------------------------------------------------------------------------------------
// The three ledger files, read as the Rust wire types read them (unknown fields refused; an
// absent optional field is null).

function shape(file, obj, fields, what) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw unreadable(file, `${what} is not an object`);
  }
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(fields, key)) throw unreadable(file, `unknown field \`${key}\` in ${what}`);
  }
  const out = Object.create(null);
  for (const [key, check] of Object.entries(fields)) {
    const optional = check.endsWith("?");
    const type = optional ? check.slice(0, -1) : check;
    const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (v === undefined || (optional && v === null)) {
      if (!optional) throw unreadable(file, `missing field \`${key}\` in ${what}`);
      out[key] = null;
      continue;
    }
    const ok = {
      string: () => typeof v === "string",
      slug: () => isSlug(v),
      kind: () => KINDS.includes(v),
      bump: () => BUMPS.includes(v),
      version: () => parseVersion(v) !== null,
      instant: () => parseInstant(v) !== null,
      u32: () =>
        v instanceof JsonNumber && /^(0|[1-9][0-9]*)$/.test(v.raw) && BigInt(v.raw) <= 0xffffffffn,
      object: () => v !== null && typeof v === "object" && !Array.isArray(v),
      array: () => Array.isArray(v),
      any: () => true,
    }[type]();
    if (!ok) throw unreadable(file, `invalid \`${key}\` in ${what}`);
    out[key] = v;
  }
  return out;
}

function parseFile(file, bytes) {
  try {
    return parseJson(bytes);
  } catch (e) {
    throw unreadable(file, e.message);
  }
}

/// `index.json`: every published slug. Newer formats are refused, as `Ledger::open` does.
export function readCatalog(bytes) {
  const file = "index.json";
  const c = shape(
    file,
    parseFile(file, bytes),
    { format_version: "u32", entries: "object" },
    "the catalog index",
  );
  const entries = Object.create(null);
  for (const [slug, e] of Object.entries(c.entries)) {
    if (!isSlug(slug)) throw unreadable(file, `invalid slug \`${slug}\``);
    entries[slug] = shape(
      file,
      e,
      {
        kind: "kind",
        project: "slug?",
        latest: "version",
        index: "string",
        index_sha256: "string?",
      },
      `the entry of \`${slug}\``,
    );
  }
  const format = Number(c.format_version.raw);
  if (format > FORMAT_VERSION) {
    throw new ConsumerError(
      "format",
      `ledger format ${format} is newer than this reader (${FORMAT_VERSION})`,
    );
  }
  return { format_version: format, entries };
}

/// `<slug>/index.json`: every published version of one plan.
export function readSlugIndex(file, bytes) {
  const i = shape(
    file,
    parseFile(file, bytes),
    { format_version: "u32", slug: "slug", kind: "kind", project: "slug?", versions: "array" },
    "the index",
  );
  i.versions = i.versions.map((v, n) => {
    const e = shape(
      file,
      v,
      {
        plan_version: "version",
        effective_from: "instant",
        existing_from: "instant?",
        rollback_to: "version?",
        content_hash: "string",
        file_sha256: "string",
        file: "string",
        bump: "bump?",
        reasons: "array",
        yanked: "object?",
      },
      `version entry ${n + 1}`,
    );
    if (!e.reasons.every((r) => typeof r === "string")) throw unreadable(file, "invalid `reasons`");
    if (e.yanked) {
      shape(file, e.yanked, { reason: "string", at: "instant", with: "string?" }, "`yanked`");
    }
    return e;
  });
  return i;
}

// ---------------------------------------------------------------------------------------------
// Resolution and verification: `in_force`, `verify` and `check::snapshot`.

/// When a version reaches an audience (`resolve::moment`).
const moment = (v, existing) =>
  parseInstant(existing && v.existing_from ? v.existing_from : v.effective_from);

/// The version in force at `at` (nanoseconds) for new or existing subscribers: the newest
/// (semver order) that is not withdrawn and whose moment for the audience is at or before
/// `at`. Throws `nothing-in-force` naming when the first version takes effect.
export function inForce(index, at, existing) {
  let best = null;
  for (const v of index.versions) {
    if (v.yanked !== null || moment(v, existing) > at) continue;
    // Like Rust's `max_by`: the last of equal maxima.
    if (
      best === null ||
      compareVersions(parseVersion(v.plan_version), parseVersion(best.plan_version)) >= 0
    ) {
      best = v;
    }
  }
  if (best) return best;
  const moments = index.versions.filter((v) => v.yanked === null).map((v) => moment(v, existing));
  const first = moments.length ? moments.reduce((a, b) => (b < a ? b : a)) : null;
  throw new ConsumerError(
    "nothing-in-force",
    `no version of \`${index.slug}\` is in force at ${showInstant(at)}` +
      (first === null
        ? " (every version is withdrawn)"
        : ` (the first takes effect at ${showInstant(first)})`),
  );
}

/// Checks fetched snapshot bytes against their index entry, as `check::snapshot` does: the
/// file's SHA-256, that it parses, its format version, its content hash, and every field the
/// index repeats (version, content hash, dates, fallback). Returns the parsed snapshot.
export function verify(entry, bytes, slug) {
  const file = `${slug}/${entry.file}`;
  if (sha256hex(bytes) !== entry.file_sha256)
    throw tampered(file, "its SHA-256 does not match the index");
  const snap = shape(
    file,
    parseFile(file, bytes),
    {
      format_version: "u32",
      slug: "slug",
      kind: "kind",
      project: "slug?",
      plan_version: "version",
      effective_from: "instant",
      existing_from: "instant?",
      rollback_to: "version?",
      content_hash: "string",
      catalog: "object",
      plan: "object",
      computed: "object",
    },
    "the snapshot",
  );
  const format = Number(snap.format_version.raw);
  if (format > FORMAT_VERSION) {
    throw new ConsumerError(
      "format",
      `ledger format ${format} is newer than this reader (${FORMAT_VERSION})`,
    );
  }
  let hash;
  try {
    hash = contentHash(snap);
  } catch (e) {
    throw unreadable(file, e.message);
  }
  const instant = (s) => (s === null ? null : parseInstant(s));
  const sameVersion = (a, b) =>
    a === null || b === null ? a === b : compareVersions(parseVersion(a), parseVersion(b)) === 0;
  if (
    hash !== snap.content_hash ||
    !sameVersion(snap.plan_version, entry.plan_version) ||
    snap.content_hash !== entry.content_hash ||
    instant(snap.effective_from) !== instant(entry.effective_from) ||
    instant(snap.existing_from) !== instant(entry.existing_from) ||
    !sameVersion(snap.rollback_to, entry.rollback_to)
  ) {
    throw tampered(file, "its content does not match its hash or index entry");
  }
  return snap;
}

/// Checks the slug index against its catalog entry, as `Ledger::index` does, once its path
/// has been checked: its SHA-256 (when the catalog index records one) and its slug, kind and
/// project.
function checkSlugIndex(slug, entry, bytes) {
  const file = `${slug}/index.json`;
  if (entry.index_sha256 !== null && entry.index_sha256 !== sha256hex(bytes)) {
    throw tampered(file, "its SHA-256 does not match the catalog index");
  }
  const index = readSlugIndex(file, bytes);
  if (index.slug !== slug || index.kind !== entry.kind || index.project !== entry.project) {
    throw tampered(file, `it describes \`${index.slug}\`, not \`${slug}\``);
  }
  return index;
}

/// The entry in force and its file name, which must be `<plan_version>.json` in the slug's
/// folder — never a path elsewhere.
function pick(slug, index, at, existing) {
  const entry = inForce(index, at, existing);
  const file = `${entry.plan_version}.json`;
  if (entry.file !== file) {
    throw tampered(
      `${slug}/index.json`,
      `version ${entry.plan_version} names the file \`${entry.file}\`, not \`${file}\``,
    );
  }
  return entry;
}

/// The snapshot is the one asked for: its own slug, kind and project say so.
function checkSnapshotOf(slug, index, entry, snap) {
  if (snap.slug !== index.slug || snap.kind !== index.kind || snap.project !== index.project) {
    throw tampered(
      `${slug}/${entry.file}`,
      `it is a snapshot of \`${snap.slug}\`, not of \`${slug}\``,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP and the cache.

async function get(url, etag) {
  let res;
  try {
    res = await fetch(url, {
      headers: etag ? { "if-none-match": etag } : {},
      redirect: "follow",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new ConsumerError("fetch", `could not fetch \`${url}\`: ${why}`);
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {}); // free the connection
    if (res.status === 304 && etag) return { notModified: true };
    throw new ConsumerError("fetch", `could not fetch \`${url}\`: HTTP ${res.status}`);
  }
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > MAX_FILE_BYTES) {
        throw new ConsumerError(
          "fetch",
          `could not fetch \`${url}\`: larger than ${MAX_FILE_BYTES} bytes`,
        );
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof ConsumerError) throw e;
    throw new ConsumerError("fetch", `could not fetch \`${url}\`: ${e.cause?.code ?? e.message}`);
  }
  return { bytes: Buffer.concat(chunks), etag: res.headers.get("etag") };
}

/// A folder laid out like the ledger (`index.json`, `<slug>/index.json`,
/// `<slug>/<version>.json`), holding only files that verified, with each index's ETag in
/// `.etags/<same path>` — the layout of the Rust `Remote`'s cache, so either reads the other's.
class Cache {
  constructor(dir) {
    this.dir = dir;
  }
  path(rel) {
    return `${this.dir}/${rel}`;
  }
  read(rel) {
    try {
      return fs.readFileSync(this.path(rel));
    } catch {
      return null;
    }
  }
  /// Replaces a file whole (a temporary file renamed over it): a reader never sees half of one.
  write(rel, bytes) {
    const path = this.path(rel);
    const slash = path.lastIndexOf("/");
    fs.mkdirSync(path.slice(0, slash), { recursive: true });
    const tmp = `${path.slice(0, slash)}/.${path.slice(slash + 1)}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path);
  }
  remove(rel) {
    fs.rmSync(this.path(rel), { force: true });
  }
  /// An index's cached bytes and ETag, when both are there.
  index(rel) {
    const bytes = this.read(rel);
    const etag = this.read(`.etags/${rel}`)?.toString("utf8").trim();
    return bytes && etag ? { bytes, etag } : null;
  }
  /// Stores a verified index and its ETag; the old ETag goes first, so an interrupted write
  /// never pairs an ETag with other bytes.
  storeIndex(rel, got) {
    if (got.fromCache) return;
    this.remove(`.etags/${rel}`);
    this.write(rel, got.bytes);
    if (got.etag) this.write(`.etags/${rel}`, got.etag);
  }
}

/// Fetches an index file: conditionally when the cache holds it (304: the cached bytes).
async function fetchIndex(base, rel, cache, conditional) {
  const cached = conditional ? (cache?.index(rel) ?? null) : null;
  const got = await get(`${base}/snapshots/${rel}`, cached?.etag);
  return got.notModified ? { ...cached, fromCache: true } : got;
}

/// Fetches, verifies and resolves `slug` from the host, as `Ledger::resolve` does on disk.
/// With a cache, indexes are fetched conditionally, a cached snapshot that verifies is never
/// fetched again, and once the whole chain verified the cache keeps it: the snapshot, the
/// versions scheduled after it (so a scheduled change still resolves from the cache when the
/// host is down), the slug index, and the catalog index last.
export async function resolveOnline(base, slug, at, existing, cache) {
  try {
    return await attempt(base, slug, at, existing, cache, true);
  } catch (e) {
    // A 304 vouches for bytes cached earlier. If they do not fit the chain (a publication the
    // ETag missed: nginx's changes with the mtime's second and the size), ask again in full.
    if (e instanceof ConsumerError && e.revalidated && !e.final && e.kind !== "fetch") {
      return attempt(base, slug, at, existing, cache, false);
    }
    throw e;
  }
}

async function attempt(base, slug, at, existing, cache, conditional) {
  let revalidated = false;
  const fetchIndexed = async (rel) => {
    const got = await fetchIndex(base, rel, cache, conditional);
    revalidated ||= Boolean(got.fromCache);
    return got;
  };
  try {
    return await resolveFetched(base, slug, at, existing, cache, fetchIndexed);
  } catch (e) {
    if (e instanceof ConsumerError) e.revalidated = revalidated;
    throw e;
  }
}

async function resolveFetched(base, slug, at, existing, cache, fetchIndexed) {
  const catalogGot = await fetchIndexed("index.json");
  const catalog = readCatalog(catalogGot.bytes);
  if (!Object.hasOwn(catalog.entries, slug)) {
    throw new ConsumerError("unknown-slug", `no plan \`${slug}\` in the ledger`);
  }
  const entry = catalog.entries[slug];
  // The catalog index names each slug's index; it may name only that.
  const expected = `${slug}/index.json`;
  if (entry.index !== expected) {
    throw tampered("index.json", `\`${slug}\`'s index is \`${entry.index}\`, not \`${expected}\``);
  }
  const indexGot = await fetchIndexed(expected);
  const index = checkSlugIndex(slug, entry, indexGot.bytes);
  const version = pick(slug, index, at, existing);
  const rel = `${slug}/${version.file}`;
  // A versioned file never changes: one cached and still verifying is never fetched again.
  let bytes = cache?.read(rel) ?? null;
  let fetched = false;
  if (bytes !== null) {
    try {
      verify(version, bytes, slug);
    } catch {
      bytes = null;
    }
  }
  if (bytes === null) {
    bytes = (await get(`${base}/snapshots/${rel}`)).bytes;
    fetched = true;
  }
  const snap = verify(version, bytes, slug);
  checkSnapshotOf(slug, index, version, snap);
  if (cache) {
    if (fetched) cache.write(rel, bytes);
    await prefetchScheduled(base, slug, index, version, cache);
    cache.storeIndex(expected, indexGot);
    cache.storeIndex("index.json", catalogGot);
  }
  return { bytes, version: version.plan_version };
}

/// Caches the versions published after `current` and not withdrawn, each verified; one that
/// cannot be had now is simply not cached (it is not the answer).
async function prefetchScheduled(base, slug, index, current, cache) {
  const now = parseVersion(current.plan_version);
  for (const v of index.versions) {
    const rel = `${slug}/${v.file}`;
    if (v.yanked !== null || v.file !== `${v.plan_version}.json`) continue;
    if (compareVersions(parseVersion(v.plan_version), now) <= 0) continue;
    const cached = cache.read(rel);
    try {
      if (cached !== null) {
        checkSnapshotOf(slug, index, v, verify(v, cached, slug));
        continue;
      }
    } catch {
      // Damaged on disk: fetched again below.
    }
    try {
      const { bytes } = await get(`${base}/snapshots/${rel}`);
      checkSnapshotOf(slug, index, v, verify(v, bytes, slug));
      cache.write(rel, bytes);
    } catch (e) {
      if (!(e instanceof ConsumerError)) throw e;
    }
  }
}

/// Resolves `slug` from the cache alone: its last verified index, and the snapshot in force
/// by it, verified again against its entry.
export function resolveCached(cache, slug, at, existing) {
  const rel = `${slug}/index.json`;
  // Not a slug: never a path outside the cache.
  const bytes = isSlug(slug) ? cache.read(rel) : null;
  if (bytes === null) throw new ConsumerError("cache", `the cache has no index of \`${slug}\``);
  const index = readSlugIndex(rel, bytes);
  if (index.slug !== slug) throw tampered(rel, `it describes \`${index.slug}\`, not \`${slug}\``);
  const version = pick(slug, index, at, existing);
  const snapBytes = cache.read(`${slug}/${version.file}`);
  if (snapBytes === null) {
    throw new ConsumerError(
      "cache",
      `the cache has no snapshot of \`${slug}\` ${version.plan_version}`,
    );
  }
  const snap = verify(version, snapBytes, slug);
  checkSnapshotOf(slug, index, version, snap);
  return { bytes: snapBytes, version: version.plan_version };
}

// ---------------------------------------------------------------------------------------------
// The command line.

const USAGE = "usage: resolve.mjs <base-url> <slug> [--at RFC3339] [--existing] [--cache DIR]";

function parseArgs(argv) {
  const positional = [];
  const opts = { at: null, existing: false, cache: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--existing") opts.existing = true;
    else if (a === "--at" || a === "--cache") {
      if (i + 1 >= argv.length) return null;
      opts[a.slice(2)] = argv[++i];
    } else if (a.startsWith("--at=")) opts.at = a.slice(5);
    else if (a.startsWith("--cache=")) opts.cache = a.slice(8);
    else if (a.startsWith("--")) return null;
    else positional.push(a);
  }
  if (positional.length !== 2) return null;
  return { base: positional[0].replace(/\/+$/, ""), slug: positional[1], ...opts };
}

export async function main(argv) {
  const args = parseArgs(argv);
  if (!args) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let at;
  if (args.at === null) {
    at = (BigInt(Date.now()) / 1000n) * 1_000_000_000n; // now, to the second
  } else {
    at = parseInstant(args.at);
    if (at === null) {
      process.stderr.write(
        `error: invalid date-time \`${args.at}\`; ` +
          "expected RFC 3339 like `2026-12-01T00:00:00Z`\n",
      );
      return 2;
    }
  }
  const cache = args.cache === null ? null : new Cache(args.cache.replace(/\/+$/, "") || "/");
  let result;
  try {
    result = await resolveOnline(args.base, args.slug, at, args.existing, cache);
  } catch (e) {
    if (!(e instanceof ConsumerError)) throw e;
    if (!cache || e.final) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    try {
      result = resolveCached(cache, args.slug, at, args.existing);
    } catch (c) {
      if (!(c instanceof ConsumerError)) throw c;
      process.stderr.write(
        `error: ${e.message} (no verified fallback in the cache: ${c.message})\n`,
      );
      return 1;
    }
    process.stderr.write(
      `warning: \`${args.slug}\` ${result.version} comes from the cache in \`${args.cache}\`, ` +
        `not from ${args.base}: ${e.message}\n`,
    );
  }
  await new Promise((resolve, reject) =>
    process.stdout.write(result.bytes, (e) => (e ? reject(e) : resolve())),
  );
  return 0;
}

// Run only as a script, never on import.
if (
  process.argv[1] &&
  fs.realpathSync(process.argv[1]) === fs.realpathSync(new URL(import.meta.url))
) {
  process.exitCode = await main(process.argv.slice(2));
}
