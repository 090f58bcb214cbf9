#!/usr/bin/env python3
"""Checks examples/ci/ (a GitHub Actions workflow and a GitLab CI job) without running them: both
parse as YAML; both start memcached as a service and instances before the gate; every
`sessdemo <command> --flag` they run exists in that command's --help; the gate writes a JUnit
report that the file publishes (GitLab: artifacts:reports:junit; GitHub: a JUnit report step),
and the results are kept as artifacts.
Usage: check-ci-examples.py SESSDEMO_BINARY [DIR]   (exit 0: all good; 1: what is wrong, printed)"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

binary = sys.argv[1]
folder = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).parent.parent / "examples" / "ci")
problems = []
flags = {}
for command in ("serve", "load", "merge", "check"):
    text = subprocess.run([binary, "help", command], capture_output=True, text=True, check=True).stdout
    flags[command] = set(re.findall(r"--[a-z][a-z0-9-]*", text))


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def check_commands(name, doc):
    text = "\n".join(strings(doc))
    used = {}
    for match in re.finditer(r"sessdemo (serve|load|merge|check)((?:[ \t]+[^\s;&|]+)*)", text):
        command, rest = match.group(1), match.group(2)
        used.setdefault(command, []).append(rest)
        for flag in re.findall(r"(--[a-z][a-z0-9-]*)", rest):
            if flag not in flags[command]:
                problems.append(f"{name}: `sessdemo {command} {flag}` is not a flag of {command}")
    if len(used.get("serve", [])) < 2:
        problems.append(f"{name}: fewer than two instances are started")
    loads = used.get("load", [])
    if not loads:
        problems.append(f"{name}: no `sessdemo load` gate")
    junit = [m.group(1) for rest in loads for m in [re.search(r"--junit[= ]+(\S+)", rest)] if m]
    if not junit:
        problems.append(f"{name}: the gate writes no --junit report")
    return junit[0] if junit else None


def load(name):
    path = folder / name
    try:
        return yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as e:
        problems.append(f"{name}: cannot be read as YAML: {e}")
        return None


gh = load("github-actions.yml")
if gh:
    jobs = gh.get("jobs") or {}
    if not jobs:
        problems.append("github-actions.yml: no jobs")
    for job_name, job in jobs.items():
        where = f"github-actions.yml: job {job_name}"
        if "memcached" not in (job.get("services") or {}):
            problems.append(f"{where}: no memcached service")
        report = check_commands(where, job)
        steps = job.get("steps") or []
        uses = [str(s.get("uses", "")) for s in steps]
        if not any(u.startswith("actions/upload-artifact") for u in uses):
            problems.append(f"{where}: the results are not kept (actions/upload-artifact)")
        publish = [s for s in steps if "junit" in str(s.get("uses", "")).lower()]
        if not publish:
            problems.append(f"{where}: the JUnit report is not published")
        elif report and report not in " ".join(strings(publish)):
            problems.append(f"{where}: the published report is not {report}")
gl = load("gitlab-ci.yml")
if gl:
    jobs = {k: v for k, v in gl.items() if isinstance(v, dict) and "script" in v}
    if not jobs:
        problems.append("gitlab-ci.yml: no job with a script")
    for job_name, job in jobs.items():
        where = f"gitlab-ci.yml: job {job_name}"
        services = [s if isinstance(s, str) else s.get("name", "") for s in job.get("services") or []]
        if not any(s.startswith("memcached") for s in services):
            problems.append(f"{where}: no memcached service")
        report = check_commands(where, job["script"])
        artifacts = job.get("artifacts") or {}
        if not artifacts.get("paths"):
            problems.append(f"{where}: the results are not kept as artifacts")
        if report and (artifacts.get("reports") or {}).get("junit") != report:
            problems.append(f"{where}: artifacts:reports:junit is not {report}")
for p in problems:
    print(p)
print("ci examples hold" if not problems else f"{len(problems)} problems")
sys.exit(1 if problems else 0)
