#!/usr/bin/env python3
"""Checks examples/kubernetes/ without a cluster, for what makes manifests fail on a real one:
- every manifest parses as YAML with the fields its kind needs;
- every `sessdemo <command> --flag` a container runs exists in that command's --help;
- every instance pod gets its own id (--id=$(VAR) with VAR the pod's metadata.name);
- every container names a tagged image (not :latest) and sets imagePullPolicy;
- Deployments and StatefulSets have readiness probes;
- every file a container writes (--json, --csv, --junit, --history, --hdr-log, > redirects) is on
  a mounted emptyDir or claim, and a pod of a non-root user that writes has fsGroup;
- a merge waits for its shards (an initContainer or a loop before it, with a timeout);
- every sharded load gets one --start-at (the flag or SESSDEMO_START_AT);
- every pod meets Kubernetes' restricted Pod Security profile and more: no service-account token
  mounted, seccompProfile RuntimeDefault, and each container without privilege escalation, with
  every capability dropped, a read-only root filesystem and a memory limit;
- memcached (no authentication; `lru_crawler metadump all` lists every session id) is reachable
  only from the instance pods: a NetworkPolicy selects its pods and lets in labelled pods only.
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
WRITES = r"--(?:json|csv|junit|history|hdr-log)[= ]+(/[^\s;]+)|>\s*(/[^\s;]+)"


def dig(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def script_of(container):
    words = [str(w) for w in (container.get("command") or []) + (container.get("args") or [])]
    if container.get("image", "").startswith("sessdemo") and not (container.get("command") or []):
        words = ["sessdemo"] + words  # the image's entry point
    return " ".join(words)


def commands_in(script):
    for match in re.finditer(r"sessdemo (serve|load|merge|demo)((?:\s+[^\s;]+)*)", script):
        yield match.group(1), match.group(2)


def waits(script):
    return "while" in script and re.search(r"-ge\s+\d+", script) is not None


def check_pod(where, kind, pod):
    containers = pod.get("containers") or []
    inits = pod.get("initContainers") or []
    mounts_ok = {v["name"] for v in pod.get("volumes") or [] if "emptyDir" in v or "persistentVolumeClaim" in v}
    security = pod.get("securityContext") or {}
    for c in inits + containers:
        name = f"{where} container {c.get('name')}"
        image = str(c.get("image", ""))
        if ":" not in image or image.endswith(":latest"):
            problems.append(f"{name}: image '{image}' has no version tag (or :latest)")
        if not c.get("imagePullPolicy"):
            problems.append(f"{name}: no imagePullPolicy")
        script = script_of(c)
        env = {e["name"]: e for e in c.get("env") or []}
        for command, rest in commands_in(script):
            for flag in re.findall(r"(--[a-z][a-z0-9-]*)", rest):
                if flag not in flags.get(command, set()):
                    problems.append(f"{name}: `sessdemo {command} {flag}` is not a flag of {command}")
            if command == "serve":
                m = re.search(r"--id[= ]\$\((\w+)\)", rest)
                ref = m and dig(env.get(m.group(1), {}), "valueFrom.fieldRef.fieldPath")
                if ref != "metadata.name":
                    problems.append(f"{name}: serve without --id=$(VAR) of the pod's name: every pod would answer with one id")
            if command == "load" and "--shard" in rest and "--start-at" not in rest and "SESSDEMO_START_AT" not in env:
                problems.append(f"{name}: a shard without --start-at (or SESSDEMO_START_AT): shards would measure different windows")
            if command == "merge":
                before = script[: script.find("sessdemo merge")]
                if not waits(before) and not any(waits(script_of(i)) for i in inits):
                    problems.append(f"{name}: merge does not wait for its shards (with a timeout)")
        written = [a or b for a, b in re.findall(WRITES, script) if (a or b) != "/dev/null"]
        mounted = {m["mountPath"].rstrip("/"): m["name"] for m in c.get("volumeMounts") or []}
        for path in written:
            base = next((p for p in mounted if path.startswith(p + "/")), None)
            if base is None or mounted[base] not in mounts_ok:
                problems.append(f"{name}: writes {path}, which is on no mounted emptyDir or claim")
        if written and security.get("runAsUser", 65534) != 0 and "fsGroup" not in security:
            problems.append(f"{where}: a non-root user writes {written[0]} but the pod sets no fsGroup")
    if pod.get("automountServiceAccountToken") is not False:
        problems.append(f"{where}: the service-account token is mounted (automountServiceAccountToken: false)")
    for c in inits + containers:
        name = f"{where} container {c.get('name')}"
        sc = c.get("securityContext") or {}
        seccomp = dig(sc, "seccompProfile.type") or dig(security, "seccompProfile.type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            problems.append(f"{name}: no seccompProfile RuntimeDefault")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name}: allowPrivilegeEscalation is not false")
        if "ALL" not in (dig(sc, "capabilities.drop") or []):
            problems.append(f"{name}: capabilities are not all dropped")
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{name}: the root filesystem is writable (readOnlyRootFilesystem: true)")
        if not dig(c, "resources.limits.memory"):
            problems.append(f"{name}: no memory limit")
    if kind in ("Deployment", "StatefulSet"):
        for c in containers:
            if not c.get("readinessProbe"):
                problems.append(f"{where} container {c.get('name')}: no readinessProbe")


policies = []  # (namespace-less) NetworkPolicies: their pod selector and whether ingress is limited
memcached_labels = []  # the pod labels of workloads that run memcached


def runs_memcached(pod):
    return any(script_of(c).split()[:1] == ["memcached"] for c in pod.get("containers") or [])


def policy_covers(policy, labels):
    selector = dig(policy, "spec.podSelector.matchLabels") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return False
    if "Ingress" not in (dig(policy, "spec.policyTypes") or ["Ingress"]):
        return False
    rules = dig(policy, "spec.ingress") or []
    # Limited: every rule names where it lets traffic in from, and none from everywhere.
    return all(r.get("from") and all(f.get("podSelector") is not None for f in r["from"]) for r in rules)


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
        if kind == "Kustomization":
            for r in doc.get("resources") or []:
                if not (folder / r).exists():
                    problems.append(f"{path.name}: resource {r} does not exist")
            continue
        if not doc.get("apiVersion") or not dig(doc, "metadata.name"):
            problems.append(f"{path.name}: a {kind} without apiVersion or metadata.name")
        for field in needed.get(kind, []):
            if dig(doc, field) is None:
                problems.append(f"{path.name}: {kind} {dig(doc, 'metadata.name')} has no {field}")
        if kind == "NetworkPolicy":
            policies.append(doc)
            continue
        pod = dig(doc, "spec.template.spec")
        if pod:
            check_pod(f"{path.name}: {kind} {dig(doc, 'metadata.name')}", kind, pod)
            if runs_memcached(pod):
                memcached_labels.append((f"{path.name}: {kind} {dig(doc, 'metadata.name')}",
                                         dig(doc, "spec.template.metadata.labels") or {}))
for where, labels in memcached_labels:
    if not any(policy_covers(p, labels) for p in policies):
        problems.append(f"{where}: every pod can reach memcached: no NetworkPolicy lets in only the instance pods")
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
