#!/usr/bin/env python3
"""make k8s-check: runs examples/kubernetes/ as containers on this machine, the way a cluster would.

The image is built from examples/kubernetes/Dockerfile (FROM debian:12; when podman has no
debian:12, one is made with debootstrap from the mirror this machine's apt sources name, and
imported). Then the workloads of kustomization.yaml run as podman containers with the manifests'
image, command, arguments, environment ($(VAR) expanded as the kubelet does), user, groups,
volumes and probes:
- a StatefulSet's pods are NAME-0, NAME-1, ..., reachable as NAME-i.SERVICE (its headless Service);
- a Deployment's pods get pod names of their own (metadata.name, which POD_NAME reads);
- a ClusterIP Service is an address that each client pod's network namespace translates, once per
  connection, to a random backend pod (an nft DNAT, as kube-proxy's iptables mode does);
- a Pod of several containers shares one network namespace (a pause container) and its emptyDir
  (a podman volume, 0777 as the kubelet makes it, group-owned by fsGroup with the setgid bit);
- workloads start in the order they depend on each other (memcached, then the instances, then the
  Jobs), each when the readiness probes of the one before pass, as probed from this host.
Everything runs on one internal podman network in 198.18.40.0/24, created here; it and every
container and volume made here are removed at the end.
Exit 0 and "k8s-check: PASS" when every Job container exited 0 (the merge container's status is
the merged verdict); 1 otherwise; 2 when something needed is missing.
Usage: k8s-check.py [--dry-run] [--work DIR] [--start-in SECONDS] [KUBERNETES_DIR]"""
import argparse
import os
import secrets
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from k8s_check.podman import Podman, ensure_base_image, build_image, need  # noqa: E402
from k8s_check.workloads import pods_of, services_of, Cluster  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=Path(__file__).resolve().parent.parent / "examples" / "kubernetes")
    parser.add_argument("--dry-run", action="store_true", help="print the podman commands, run nothing")
    parser.add_argument("--work", default="build/k8s-check", help="the base image's root and the image build's ccache")
    parser.add_argument("--start-in", type=int, default=40, help="the ConfigMap's start-at, seconds from the Jobs' start")
    return parser.parse_args()


def manifests(folder):
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    images = {i["name"]: f'{i.get("newName", i["name"])}:{i["newTag"]}' for i in kustomization.get("images", [])}
    docs = [d for r in kustomization["resources"] for d in yaml.safe_load_all((folder / r).read_text()) if d]
    return docs, images


def main():
    options = arguments()
    folder, root = Path(options.folder), Path(__file__).resolve().parent.parent
    docs, images = manifests(folder)
    podman = Podman(dry_run=options.dry_run, run_id=secrets.token_hex(3))
    if not options.dry_run:
        if os.geteuid() != 0:
            print("k8s-check: needs root (podman's networks, nft in the pods' namespaces)", file=sys.stderr)
            return 2
        need("podman", "runc", "nsenter", "nft")
        ensure_base_image(podman, Path(options.work))
        for image in sorted(set(images.values())):
            build_image(podman, root, root / "examples" / "kubernetes" / "Dockerfile", image, Path(options.work))
    cluster = Cluster(podman, services_of(docs), images)
    try:
        cluster.create_network()
        for wave in ("StatefulSet", "Deployment", "Job"):
            pods = pods_of(docs, wave, podman.run_id)
            if wave == "Job":
                start_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + options.start_in))
                cluster.configmaps["sessdemo-run"] = {"start-at": start_at}
            for pod in pods:
                cluster.start(pod)
            for pod in pods:
                cluster.wait_ready(pod)
        if options.dry_run:
            return 0
        statuses = cluster.wait_jobs(timeout=25 * 60)
        cluster.report(statuses)
        passed = bool(statuses) and all(code == 0 for code in statuses.values())
        print(f"k8s-check: {'PASS' if passed else 'FAIL'}")
        return 0 if passed else 1
    finally:
        cluster.remove()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
