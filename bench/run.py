#!/usr/bin/env python3
"""plancat's performance bench: what a CI run and a preview server pay, at catalog sizes.

usage: bench/run.py [--sizes 1000,10000] [--runs 5] [--dir DIR] [--plancat PATH] [--no-peer]

For each size it generates a catalog with bench/gen_plancat.py (deterministic: 1 core file,
20 API projects, N products overriding 3-8 keys, every 50th a bundle), then times, as medians
of --runs runs with min-max, interleaving plancat and the Python equivalent:

  cold build      `plancat build` with an empty out/ (publishes every plan)
  no-op build     `plancat build` again, nothing changed
  check           `plancat check`, nothing changed
  check --full    `plancat check --full`: every stage, the manifest ignored
  one-edit build  `plancat build` after one product's price changed (and how many files under
                  out/ it created, rewrote or removed: a file counts when its inode, size or
                  mtime changed)
  python          bench/peer_plancat_equiv.py on the same catalog: the job a user would
                  otherwise script (parse, validate against plancat's schemas, merge, bundle
                  prices, ledger + pages; no rules, provenance, bumps or atomic publish)

the floors (every input file read by `cat`, the output tree copied by `cp -r`), and peak RSS
of each. "Now" is pinned (--now) so every run does the same work. Ratios are against the Python run in the same invocation, so they
compare across machines where absolute times do not. Needs a release build of plancat
(`cargo build --release`) and, for the peer, `pip install jsonschema-rs orjson jinja2`.
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
# "Now" for every plancat run: fixed, so every run of the bench does the same work.
NOW = "2026-01-15T00:00:00Z"
REPO = HERE.parent


def run(cmd, cwd, env=None):
    """Runs cmd; returns (seconds, peak RSS in MB). Fails loudly on a non-zero exit."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(map(str, cmd))} exited with {code}:\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def tree_state(root):
    state = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            st = os.lstat(p)
            state[os.path.relpath(p, root)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return state


def written(before, after):
    created = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    return created, changed, removed


def fmt(xs, unit="s"):
    if unit == "s":
        return f"{statistics.median(xs):7.3f} s ({min(xs):.3f}-{max(xs):.3f})"
    return f"{statistics.median(xs):7.0f} MB"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", help="where to generate catalogs (default: a temporary directory; use /dev/shm for tmpfs)")
    ap.add_argument("--plancat", default=str(REPO / "target" / "release" / "plancat"))
    ap.add_argument("--no-peer", action="store_true", help="skip the Python equivalent")
    a = ap.parse_args()
    plancat = a.plancat
    if not os.path.exists(plancat):
        sys.exit(f"{plancat} not found: run `cargo build --release` first")
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    peer_env = dict(env, PLANCAT_SCHEMAS=str(REPO / "schemas"))
    base = pathlib.Path(tempfile.mkdtemp(prefix="plancat-bench-", dir=a.dir))
    print(f"plancat {plancat}; catalogs in {base}; {a.runs} runs each; {os.cpu_count()} cores")
    try:
        for n in [int(s) for s in a.sizes.split(",")]:
            bench(n, a.runs, base, plancat, env, peer_env, a.no_peer)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def bench(n, runs, base, plancat, env, peer_env, no_peer):
    root = base / f"n{n}"
    subprocess.run([sys.executable, HERE / "gen_plancat.py", str(n), str(root)], check=True, stdout=subprocess.DEVNULL)
    product = root / "plans" / "products" / "product-1.toml"
    text = product.read_text()
    t = {k: [] for k in ["cold", "noop", "check", "full", "edit", "python", "read", "write"]}
    rss = {k: [] for k in t}
    files_written = []
    for i in range(runs):
        shutil.rmtree(root / "out", ignore_errors=True)
        s, m = run([plancat, "build", "-q", "--now", NOW], root, env)
        t["cold"].append(s); rss["cold"].append(m)
        s, m = run([plancat, "build", "-q", "--now", NOW], root, env)
        t["noop"].append(s); rss["noop"].append(m)
        s, m = run([plancat, "check", "-q", "--now", NOW], root, env)
        t["check"].append(s); rss["check"].append(m)
        s, m = run([plancat, "check", "-q", "--now", NOW, "--full"], root, env)
        t["full"].append(s); rss["full"].append(m)
        # The floors: read every input file, and write plancat's output tree (cp -r).
        s, m = run(["sh", "-c", "find plans out/snapshots -type f -print0 | xargs -0 cat > /dev/null"], root, env)
        t["read"].append(s); rss["read"].append(m)
        shutil.rmtree(base / "floor", ignore_errors=True)
        s, m = run(["cp", "-r", str(root / "out"), str(base / "floor")], root, env)
        t["write"].append(s); rss["write"].append(m)
        shutil.rmtree(base / "floor", ignore_errors=True)
        # One price edit, published as a new version a second later each time.
        product.write_text(text.replace('USD = "', f'USD = "{i + 2}', 1))
        before = tree_state(root / "out")
        s, m = run([plancat, "build", "-q", "--now", NOW, "--effective-from", f"2026-02-01T00:00:{i:02}Z"], root, env)
        t["edit"].append(s); rss["edit"].append(m)
        files_written.append(written(before, tree_state(root / "out")))
        product.write_text(text)
        if not no_peer:
            out = base / "peer-out"
            shutil.rmtree(out, ignore_errors=True)
            s, m = run([sys.executable, HERE / "peer_plancat_equiv.py", str(root), str(out)], REPO, peer_env)
            t["python"].append(s); rss["python"].append(m)
    py = statistics.median(t["python"]) if t["python"] else None
    print(f"\n{n} products ({sum(1 for _ in (root / 'plans').rglob('*.*'))} plan files)")
    names = {"cold": "cold build", "noop": "no-op build", "check": "check", "full": "check --full", "edit": "one-edit build",
             "python": "python equivalent", "read": "floor: read inputs", "write": "floor: cp -r out/"}
    for k, label in names.items():
        if not t[k]:
            continue
        ratio = f"  {statistics.median(t[k]) / py:5.2f}x python" if py and k in ("cold", "noop", "check", "full", "edit") else ""
        print(f"  {label:<18} {fmt(t[k])}  peak {fmt(rss[k], 'MB')}{ratio}")
    created, changed, removed = files_written[-1]
    total = len(tree_state(root / "out"))
    print(f"  one edit wrote {len(created)} new, {len(changed)} rewritten, {len(removed)} removed of {total} files under out/:")
    for label, files in [("new", created), ("rewritten", changed), ("removed", removed)]:
        shown = ", ".join(files[:8]) + (f", … {len(files) - 8} more" if len(files) > 8 else "")
        if files:
            print(f"    {label}: {shown}")


if __name__ == "__main__":
    main()
