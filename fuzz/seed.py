#!/usr/bin/env python3
"""Fills fuzz/corpus/<target>/ with seeds from the repository (run from anywhere):
plan_file gets the example's plan files (each with its path on the first line, the form
fuzz/src/lib.rs reads) and the vendored JSON and TOML conformance corpora; ledger gets the
example's published ledger whole and one plan's files at a time."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"
(corpus / "plan_file").mkdir(parents=True, exist_ok=True)
(corpus / "ledger").mkdir(parents=True, exist_ok=True)

n = 0
for f in sorted((root / "plans").rglob("*")):
    if f.is_file():
        rel = f.relative_to(root).as_posix()
        (corpus / "plan_file" / f"example-{f.name}").write_bytes(rel.encode() + b"\n" + f.read_bytes())
        n += 1
for i, f in enumerate(sorted((root / "tests" / "corpora").rglob("*"))):
    if f.is_file() and f.suffix in (".json", ".toml"):
        # First byte 0 → a product file in TOML, 1 → in JSON (see PATHS in fuzz/src/lib.rs).
        pick = b"\x01" if f.suffix == ".json" else b"\x00"
        (corpus / "plan_file" / f"corpus-{i}{f.suffix}").write_bytes(pick + f.read_bytes())
        n += 1

ledger = root / "out" / "snapshots"
def join(files):
    return b"\xff".join(p.encode() + b"\n" + b for p, b in files)
files = [(f.relative_to(ledger).as_posix(), f.read_bytes()) for f in sorted(ledger.rglob("*")) if f.is_file()]
(corpus / "ledger" / "example-whole").write_bytes(join(files))
n += 1
for slug in sorted({p.split("/")[0] for p, _ in files if "/" in p}):
    (corpus / "ledger" / f"example-{slug}").write_bytes(join([(p, b) for p, b in files if p.startswith(slug + "/")]))
    n += 1
print(f"{n} seeds in {corpus}")
