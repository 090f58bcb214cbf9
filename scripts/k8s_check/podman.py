"""podman as k8s-check drives it: one runner, the base image, the project's image."""
import glob
import re
import resource
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

# runc, not crun: Debian 12's crun refuses a host whose cgroups are mixed v1 and v2; runc runs on
# v1, v2 and both.
RUNTIME = "runc"
LABEL = "sessdemo-k8s-check"


class Podman:
    def __init__(self, dry_run, run_id):
        self.dry_run, self.run_id = dry_run, run_id
        self.limits = None

    def __call__(self, *args, check=True):
        command = ["podman", "--runtime", RUNTIME, *[str(a) for a in args]]
        if self.dry_run:
            print(" ".join(shlex.quote(a) for a in command))
            return ""
        done = subprocess.run(command, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise SystemExit(f"k8s-check: podman {' '.join(command[3:5])} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def ulimits(self):
        """podman raises a container's open files and processes to 1M and 4M, above what many hosts
        let even root set (the container then fails to start); this takes the host's open files
        limit and the largest process limit, halving from the host's, that a container can get."""
        if self.limits is None:
            files = min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], 1 << 20)
            processes = min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 1 << 22)
            self.limits = ["--ulimit", f"nofile={files}:{files}"]
            while not self.dry_run and processes > 256:
                tried = subprocess.run(["podman", "--runtime", RUNTIME, "run", "--rm", "--network", "none",
                                        *self.limits, "--ulimit", f"nproc={processes}:{processes}", "debian:12", "true"],
                                       capture_output=True, text=True)
                if tried.returncode == 0:
                    break
                processes //= 2
            self.limits += ["--ulimit", f"nproc={processes}:{processes}"]
        return self.limits


def need(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        print(f"k8s-check: missing {', '.join(missing)} (make k8s-check installs them as root)", file=sys.stderr)
        sys.exit(2)


def apt_mirror(suite="bookworm"):
    """The Debian mirror this machine's apt sources name for SUITE main (one-line and deb822)."""
    for name in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        for line in Path(name).read_text().splitlines() if Path(name).exists() else []:
            words = re.sub(r"\[[^]]*\]", "", line.split("#")[0]).split()
            if len(words) >= 4 and words[0] == "deb" and words[2] == suite and "main" in words[3:]:
                return words[1]
    for name in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for block in Path(name).read_text().split("\n\n"):
            fields = dict(re.findall(r"^([A-Za-z-]+):\s*(.*)$", block, re.M))
            if "deb" in fields.get("Types", "").split() and suite in fields.get("Suites", "").split() \
                    and "main" in fields.get("Components", "").split():
                return fields["URIs"].split()[0]
    return None


def ensure_base_image(podman, work):
    if subprocess.run(["podman", "image", "exists", "debian:12"]).returncode == 0:
        return
    need("debootstrap", "tar")
    mirror = apt_mirror()
    if mirror is None:
        raise SystemExit("k8s-check: no debian:12 image, and no bookworm mirror in this machine's apt sources to make one")
    rootfs = work / "rootfs"
    shutil.rmtree(rootfs, ignore_errors=True)
    rootfs.parent.mkdir(parents=True, exist_ok=True)
    print("k8s-check: making debian:12 with debootstrap (minbase bookworm)", flush=True)
    subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), mirror], check=True,
                   stdout=subprocess.DEVNULL)
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(["podman", "import", "-", "localhost/debian:12"], stdin=tar.stdout, check=True,
                   stdout=subprocess.DEVNULL)
    tar.wait()
    shutil.rmtree(rootfs)


def build_image(podman, root, dockerfile, image, work):
    """The image, as the README builds it; the build's compiler cache is kept in WORK between runs."""
    cache = (work / "ccache").resolve()
    cache.mkdir(parents=True, exist_ok=True)
    print(f"k8s-check: building {image} from {dockerfile.relative_to(root)}", flush=True)
    built = subprocess.run(["podman", "--runtime", RUNTIME, "build", *podman.ulimits(),
                            "--volume", f"{cache}:/root/.cache/ccache", "-f", str(dockerfile), "-t", image, str(root)],
                           capture_output=True, text=True)
    if built.returncode != 0:
        print(built.stdout[-4000:], built.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"k8s-check: the image {image} did not build")
