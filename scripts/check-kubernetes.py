#!/usr/bin/env python3
"""Checks examples/kubernetes/ without a cluster: every manifest parses as YAML with the fields
its kind needs, and every `sessdemo <command> --flag` it uses exists in that command's --help.
Usage: check-kubernetes.py SESSDEMO_BINARY [DIR]   (exit 0: all good; 1: what is wrong, printed)"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

binary = sys.argv[1]
folder = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).parent.parent / "examples" / "kubernetes")
problems = []
flags = {}
for command in ("serve", "load", "merge"):
    text = subprocess.run([binary, "help", command], capture_output=True, text=True, check=True).stdout
    flags[command] = set(re.findall(r"--[a-z][a-z0-9-]*", text))

needed = {"Deployment": ["spec.template.spec.containers"], "StatefulSet": ["spec.serviceName", "spec.template.spec.containers"],
          "Service": ["spec.ports"], "Job": ["spec.template.spec.containers"], "PersistentVolumeClaim": ["spec.resources"]}
seen = set()


def dig(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def commands_in(container):
    words = [str(w) for w in (container.get("command") or []) + (container.get("args") or [])]
    if container.get("image", "").startswith("sessdemo") and not (container.get("command") or []):
        words = ["sessdemo"] + words  # the image's entry point
    line = " ".join(words)
    for match in re.finditer(r"sessdemo (serve|load|merge|demo)((?:\s+[^\s]+)*)", line):
        yield match.group(1), re.findall(r"(--[a-z][a-z0-9-]*)", match.group(2))


manifests = sorted(folder.glob("*.yaml"))
if not manifests:
    problems.append(f"no manifests in {folder}")
for path in manifests:
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    except yaml.YAMLError as e:
        problems.append(f"{path.name}: not YAML: {e}")
        continue
    for doc in docs:
        kind = doc.get("kind")
        seen.add(kind)
        if not doc.get("apiVersion") or not dig(doc, "metadata.name"):
            problems.append(f"{path.name}: a {kind} without apiVersion or metadata.name")
        for field in needed.get(kind, []):
            if dig(doc, field) is None:
                problems.append(f"{path.name}: {kind} {dig(doc, 'metadata.name')} has no {field}")
        for container in dig(doc, "spec.template.spec.containers") or []:
            for command, used in commands_in(container):
                for flag in used:
                    if flag not in flags.get(command, set()):
                        problems.append(f"{path.name}: `sessdemo {command} {flag}` is not a flag of {command}")
for kind in ("Deployment", "StatefulSet", "Service", "Job"):
    if kind not in seen:
        problems.append(f"no {kind} among the manifests")
dockerfile = folder / "Dockerfile"
if not dockerfile.exists() or "FROM debian:12" not in dockerfile.read_text() or "make build" not in dockerfile.read_text():
    problems.append("Dockerfile: must start FROM debian:12 and build with the project's make")
for p in problems:
    print(p)
print("kubernetes examples hold" if not problems else f"{len(problems)} problems")
sys.exit(1 if problems else 0)
