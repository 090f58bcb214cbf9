#!/usr/bin/env python3
"""Compiles every product .cpp on its own, as the compiler would see it outside a unity batch,
so that a missing #include fails here instead of hiding behind the file before it in the batch.

Reads a build's compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS): each unity batch's
command is used for each file it includes, with -fsyntax-only (parsed and checked, no code
made). Files under cli/ common/ server/ sessions/ loadgen/ demo/ only.

Usage: scripts/check-includes.py BUILD_DIR SOURCE_ROOT
Exit 0: every file compiles alone; 1: each one that does not is printed with its first error.
"""
import json
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

PRODUCT = ("cli", "common", "server", "sessions", "loadgen", "demo")


def alone(args, source):
    """The batch's command, for source alone and checked only."""
    out, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if i == 0 and a.endswith("ccache"):
            continue
        if a in ("-o", "-c", "-MT", "-MF"):
            skip = True
            continue
        if a in ("-MD", "-MMD"):
            continue
        out.append(a)
    return out + ["-fsyntax-only", source]


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-3])
        return 2
    build, root = sys.argv[1], os.path.realpath(sys.argv[2])
    path = os.path.join(build, "compile_commands.json")
    try:
        entries = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"{path}: cannot be read ({e})")
        return 1
    jobs = {}
    for e in entries:
        args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
        f = e["file"]
        sources = [f]
        if re.search(r"unity_\d+_cxx\.cxx$", f):
            sources = re.findall(r'#include "([^"]+)"', open(f).read())
        for s in sources:
            rel = os.path.relpath(os.path.realpath(os.path.join(e["directory"], s)), root)
            if rel.split(os.sep)[0] in PRODUCT and rel not in jobs:
                jobs[rel] = (e["directory"], alone(args, os.path.join(root, rel)))
    if not jobs:
        print(f"{path} names no product file")
        return 1

    def compile_one(item):
        rel, (directory, cmd) = item
        r = subprocess.run(cmd, cwd=directory, capture_output=True, text=True)
        first = next((l for l in r.stderr.splitlines() if "error" in l), r.stderr.strip()[:300])
        return rel, r.returncode, first

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(compile_one, sorted(jobs.items())))
    failed = [(rel, first) for rel, code, first in results if code != 0]
    for rel, first in failed:
        print(f"{rel} does not compile on its own: {first}")
    if not failed:
        print(f"{len(results)} files compile on their own")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
