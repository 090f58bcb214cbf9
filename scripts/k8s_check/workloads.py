"""The manifests' workloads as podman containers: pods, services, probes, Jobs."""
import json
import re
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass, field

SUBNET, POD_RANGE, SERVICE_FIRST = "198.18.40.0/24", "198.18.40.0/25", "198.18.40.200"


@dataclass
class Pod:
    name: str
    kind: str
    spec: dict
    labels: dict
    aliases: list = field(default_factory=list)
    ip: str = ""


def pods_of(docs, kind, run_id):
    """The pods a cluster makes for the workloads of KIND, named as it names them."""
    pods = []
    for doc in docs:
        if doc.get("kind") != kind:
            continue
        name, spec = doc["metadata"]["name"], doc["spec"]
        template = spec["template"]
        labels = (template.get("metadata") or {}).get("labels") or {}
        replicas = spec.get("replicas", 1) if kind != "Job" else 1
        for i in range(replicas):
            if kind == "StatefulSet":
                pod = Pod(f"{name}-{i}", kind, template["spec"], labels, [f"{name}-{i}.{spec['serviceName']}"])
            elif kind == "Deployment":
                pod = Pod(f"{name}-{run_id}-{secrets.token_hex(3)[:5]}", kind, template["spec"], labels)
            else:
                pod = Pod(f"{name}-{secrets.token_hex(3)[:5]}", kind, template["spec"], labels)
            pods.append(pod)
    return pods


def services_of(docs):
    services, address = {}, [int(x) for x in SERVICE_FIRST.split(".")]
    for doc in docs:
        if doc.get("kind") == "Service":
            spec = doc["spec"]
            ip = None
            if spec.get("clusterIP") != "None":
                ip = ".".join(map(str, address))
                address[3] += 1
            services[doc["metadata"]["name"]] = {"ip": ip, "selector": spec.get("selector") or {}, "ports": spec["ports"]}
    return services


def expand(text, env):
    """$(VAR) as the kubelet expands it in command, args and env values; $$( stays $(."""
    return re.sub(r"\$\$\(|\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                  lambda m: "$(" if m.group(1) is None else env.get(m.group(1), m.group(0)), text)


def port_number(pod, port):
    if isinstance(port, int):
        return port
    for container in pod.spec["containers"]:
        for p in container.get("ports") or []:
            if p.get("name") == port:
                return p["containerPort"]
    raise SystemExit(f"k8s-check: pod {pod.name} has no port named {port}")


class Cluster:
    def __init__(self, podman, services, images):
        self.podman, self.services, self.images = podman, services, images
        self.network = f"sessdemo-k8s-{podman.run_id}"
        self.configmaps, self.pods, self.containers, self.volumes = {}, [], [], []
        self.made_network = False

    def create_network(self):
        self.podman("network", "create", "--internal", "--subnet", SUBNET, "--ip-range", POD_RANGE, self.network)
        self.made_network = True

    def image(self, container):
        name = container["image"].split(":")[0]
        return self.images.get(name, container["image"])

    def env(self, pod, container):
        env = {}
        for entry in container.get("env") or []:
            source = entry.get("valueFrom") or {}
            if "value" in entry:
                env[entry["name"]] = expand(str(entry["value"]), env)
            elif "fieldRef" in source:
                env[entry["name"]] = {"metadata.name": pod.name, "metadata.namespace": "default",
                                      "status.podIP": pod.ip}[source["fieldRef"]["fieldPath"]]
            elif "configMapKeyRef" in source:
                ref = source["configMapKeyRef"]
                env[entry["name"]] = self.configmaps[ref["name"]][ref["key"]]
            else:
                raise SystemExit(f"k8s-check: {pod.name}: env {entry['name']} has a source this check does not run")
        return env

    def identity(self, pod, container):
        context = {**(pod.spec.get("securityContext") or {}), **(container.get("securityContext") or {})}
        args = []
        if "runAsUser" in context:
            group = context.get("runAsGroup")
            args += ["--user", f"{context['runAsUser']}:{group}" if group is not None else str(context["runAsUser"])]
        if "fsGroup" in context:
            args += ["--group-add", str(context["fsGroup"])]
        # The restricted profile's settings, as podman has them, so a container that needs more
        # (a write to its root, a capability) fails here as it would on a cluster.
        if context.get("readOnlyRootFilesystem"):
            args += ["--read-only"]
        if "ALL" in ((context.get("capabilities") or {}).get("drop") or []):
            args += ["--cap-drop", "all"]
        if context.get("allowPrivilegeEscalation") is False:
            args += ["--security-opt", "no-new-privileges"]
        memory = ((container.get("resources") or {}).get("limits") or {}).get("memory")
        if memory:
            args += ["--memory", str(memory).replace("Mi", "m").replace("Gi", "g")]
        return args

    def start(self, pod):
        pause = self.start_pause(pod)
        mounts = self.make_volumes(pod)
        for container in pod.spec["containers"]:
            env = self.env(pod, container)
            name = f"{pod.name}-{container['name']}"
            args = ["run", "-d", "--name", name, "--network", f"container:{pause}", *self.podman.ulimits(),
                    *self.identity(pod, container)]
            for key, value in env.items():
                args += ["--env", f"{key}={value}"]
            for mount in container.get("volumeMounts") or []:
                args += ["--volume", f"{mounts[mount['name']]}:{mount['mountPath']}"]
            if container.get("command"):
                args += ["--entrypoint", json.dumps([expand(str(w), env) for w in container["command"]])]
            args += [self.image(container), *[expand(str(w), env) for w in container.get("args") or []]]
            self.podman(*args)
            self.containers.append(name)
        self.pods.append(pod)

    def start_pause(self, pod):
        """The pod's network namespace: its address, its DNS names, and kube-proxy's rules."""
        pause = f"{pod.name}-pause"
        args = ["run", "-d", "--name", pause, "--hostname", pod.name, "--network", self.network,
                *self.podman.ulimits(), "--user", "65534:65534", "--entrypoint", '["sleep","infinity"]']
        for alias in pod.aliases + [s for s, v in self.services.items() if v["ip"] is None and self.selects(v, pod)]:
            args += ["--network-alias", alias]
        for service, value in self.services.items():
            if value["ip"] is not None:
                args += ["--add-host", f"{service}:{value['ip']}"]
        self.podman(*args, self.image(pod.spec["containers"][0]))
        self.containers.append(pause)
        pod.ip = self.podman("inspect", "-f", f'{{{{(index .NetworkSettings.Networks "{self.network}").IPAddress}}}}', pause) or "POD_IP"
        self.route_services(pause)
        return pause

    @staticmethod
    def selects(service, pod):
        return bool(service["selector"]) and all(pod.labels.get(k) == v for k, v in service["selector"].items())

    def route_services(self, pause):
        rules = []
        for service in self.services.values():
            backends = [p for p in self.pods if self.selects(service, p)]
            if service["ip"] is None or not backends:
                continue
            for port in service["ports"]:
                target = port.get("targetPort", port["port"])
                pairs = ", ".join(f"{i} : {p.ip} . {port_number(p, target)}" for i, p in enumerate(backends))
                rules.append(f"    ip daddr {service['ip']} tcp dport {port['port']} "
                             f"dnat ip to numgen random mod {len(backends)} map {{ {pairs} }}")
        if not rules:
            return
        table = "table ip k8s_check {\n  chain output {\n    type nat hook output priority -100;\n" + \
            "\n".join(rules) + "\n  }\n}\n"
        if self.podman.dry_run:
            print(f"nsenter -t PID_OF_{pause} -n nft -f - <<EOF\n{table}EOF")
            return
        pid = self.podman("inspect", "-f", "{{.State.Pid}}", pause)
        subprocess.run(["nsenter", "-t", pid, "-n", "nft", "-f", "-"], input=table, text=True, check=True)

    def make_volumes(self, pod):
        mounts, context = {}, pod.spec.get("securityContext") or {}
        for volume in pod.spec.get("volumes") or []:
            if "emptyDir" not in volume:
                raise SystemExit(f"k8s-check: {pod.name}: volume {volume['name']} is not an emptyDir")
            name = f"{pod.name}-{volume['name']}"
            self.podman("volume", "create", name)
            self.volumes.append(name)
            mounts[volume["name"]] = name
            if self.podman.dry_run:
                continue
            path = self.podman("volume", "inspect", "-f", "{{.Mountpoint}}", name)
            mode = "0777"
            if "fsGroup" in context:
                subprocess.run(["chgrp", str(context["fsGroup"]), path], check=True)
                mode = "2777"
            subprocess.run(["chmod", mode, path], check=True)
        return mounts

    def wait_ready(self, pod, timeout=120):
        if self.podman.dry_run:
            return
        deadline = time.monotonic() + timeout
        for container in pod.spec["containers"]:
            probe = container.get("readinessProbe")
            while probe and not self.probe(pod, probe):
                name = f"{pod.name}-{container['name']}"
                state = self.podman("inspect", "-f", "{{.State.Status}}", name)
                if state != "running" or time.monotonic() > deadline:
                    logs = subprocess.run(["podman", "logs", "--tail", "20", name], capture_output=True, text=True)
                    raise SystemExit(f"k8s-check: {name} is {state}, not ready:\n{logs.stdout}{logs.stderr}")
                time.sleep(0.5)

    @staticmethod
    def probe(pod, probe):
        kind = "httpGet" if "httpGet" in probe else "tcpSocket"
        port = port_number(pod, probe[kind]["port"])
        try:
            with socket.create_connection((pod.ip, port), timeout=2) as connection:
                if kind == "tcpSocket":
                    return True
                connection.sendall(f"GET {probe['httpGet']['path']} HTTP/1.1\r\nHost: {pod.ip}\r\n"
                                   "Connection: close\r\n\r\n".encode())
                status = connection.recv(64).split(b" ")
                return len(status) > 1 and status[1][:1] in (b"2", b"3")
        except OSError:
            return False

    def job_containers(self):
        return [f"{p.name}-{c['name']}" for p in self.pods if p.kind == "Job" for c in p.spec["containers"]]

    def wait_jobs(self, timeout):
        deadline, statuses = time.monotonic() + timeout, {}
        names = self.job_containers()
        while len(statuses) < len(names) and time.monotonic() < deadline:
            for name in names:
                state = self.podman("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name).split()
                if name not in statuses and state[0] in ("exited", "stopped"):
                    statuses[name] = int(state[1])
            time.sleep(2)
        for name in names:
            statuses.setdefault(name, None)  # still running at the deadline
        return statuses

    def report(self, statuses):
        for name, code in statuses.items():
            print(f"k8s-check: {name}: {'still running' if code is None else f'exit {code}'}")
        for name, code in statuses.items():
            last = name == list(statuses)[-1]
            if code != 0 or last:
                logs = subprocess.run(["podman", "logs", *([] if last else ["--tail", "15"]), name],
                                      capture_output=True, text=True)
                print(f"--- {name} ---\n{logs.stdout}{logs.stderr}", end="")

    def remove(self):
        for name in reversed(self.containers):
            self.podman("rm", "-f", "-t", "2", name, check=False)
        for name in self.volumes:
            self.podman("volume", "rm", "-f", name, check=False)
        if self.made_network:
            self.podman("network", "rm", "-f", self.network, check=False)
