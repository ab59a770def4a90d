"""``autograder image build``: the worker images of the ``docker`` backend.

    autograder image build                  # CPU image from docker/Dockerfile.cpu (python:3.11-slim + numpy, sympy)
    autograder image build --gpu            # GPU image from docker/Dockerfile.gpu (a CUDA PyTorch runtime)
    autograder image build --from-host      # no registry: FROM scratch + this machine's Python (make_rootfs.py)
    autograder image build --tag T --build-arg WITH_TORCH=1

The images hold only the worker's Python and libraries; the ``autograder``
package is bind-mounted read-only by the backend at run time. The default
tags, ``autograder-worker:cpu`` and ``autograder-worker:gpu``, are the ones
the backend uses (``AUTOGRADER_DOCKER_IMAGE`` / ``AUTOGRADER_DOCKER_GPU_IMAGE``
select others).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autograder.sandbox.base import SandboxUnavailable, package_root
from autograder.sandbox.docker_backend import DEFAULT_GPU_IMAGE, DEFAULT_IMAGE

ROOTFS_PACKAGES = ("numpy", "sympy", "mpmath")
TORCH_EXTRA = ("torch", "typing_extensions", "networkx", "jinja2", "markupsafe", "filelock", "fsspec")
CUDA_EXTRA = ("nvidia", "triton")  # the CUDA wheels' libraries (site-packages/nvidia/*/lib) and triton


def docker_dir() -> Path:
    """The folder with the Dockerfiles: ``AUTOGRADER_DOCKER_DIR``, else ``docker/`` of the checkout."""
    env = os.environ.get("AUTOGRADER_DOCKER_DIR")
    folder = Path(env) if env else package_root().parent / "docker"
    if not (folder / "Dockerfile.cpu").is_file():
        raise SandboxUnavailable(f"no Dockerfiles in {folder}: run from a checkout of the grader, "
                                 "or set AUTOGRADER_DOCKER_DIR to its docker/ folder")
    return folder


def engine() -> Any:
    try:
        import docker
    except ImportError:
        raise SandboxUnavailable("building images needs the Docker SDK: pip install 'docker>=7'") from None
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
        raise SandboxUnavailable(f"no Docker engine answers at {host} (set DOCKER_HOST, or start one: "
                                 f"source scripts/start_dockerd.sh): {exc}") from None
    return client


def _build(client: Any, context: Path, dockerfile: str, tag: str, buildargs: dict[str, str],
           log: Callable[[str], None], labels: dict[str, str] | None = None) -> None:
    error = None
    for chunk in client.api.build(path=str(context), dockerfile=dockerfile, tag=tag, rm=True, forcerm=True,
                                  decode=True, buildargs=buildargs or None, labels=labels or None):
        if "stream" in chunk:
            text = chunk["stream"].rstrip()
            if text:
                log(text)
        elif "status" in chunk:
            log(f"{chunk['status']} {chunk.get('progress', '')}".rstrip())
        if "error" in chunk or "errorDetail" in chunk:
            error = chunk.get("error") or chunk["errorDetail"].get("message")
    if error:
        raise RuntimeError(f"docker build of {tag} failed: {error}")


def host_image_key(packages: list[str]) -> str:
    """What a --from-host image depends on: the builder, its Dockerfile, this Python and the package versions."""
    from importlib import metadata

    h = hashlib.sha256()
    folder = docker_dir()
    for name in ("make_rootfs.py", "Dockerfile.rootfs"):
        h.update((folder / name).read_bytes())
    h.update(sys.version.encode())
    for p in packages:
        try:
            h.update(f"{p}={metadata.version(p)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{p}=?".encode())
    return h.hexdigest()[:16]


def build_image(gpu: bool = False, tag: str | None = None, from_host: bool = False,
                packages: list[str] | None = None, with_torch: bool = False,
                buildargs: dict[str, str] | None = None, client: Any = None,
                log: Callable[[str], None] = print) -> str:
    """Builds a worker image and returns its tag (never pulls for --from-host; a Dockerfile build pulls its base)."""
    client = client or engine()
    folder = docker_dir()
    tag = tag or (DEFAULT_GPU_IMAGE if gpu else DEFAULT_IMAGE)
    t0 = time.monotonic()
    if from_host:
        pkgs = list(packages or ROOTFS_PACKAGES)
        if with_torch or gpu:
            pkgs += [p for p in TORCH_EXTRA + (CUDA_EXTRA if gpu else ()) if p not in pkgs]
        with tempfile.TemporaryDirectory(prefix="autograder-image-") as tmp:
            context = Path(tmp)
            log(f"== root file system from this machine's Python ({sys.base_prefix}): {', '.join(pkgs)}")
            subprocess.run([sys.executable, str(folder / "make_rootfs.py"), str(context / "rootfs.tar"),
                            "--packages", ",".join(pkgs)], check=True)
            shutil.copy(folder / "Dockerfile.rootfs", context / "Dockerfile")
            log(f"== docker build -t {tag} (FROM scratch)")
            _build(client, context, "Dockerfile", tag, dict(buildargs or {}), log,
                   labels={"autograder.rootfs-key": host_image_key(pkgs)})
    else:
        dockerfile = "Dockerfile.gpu" if gpu else "Dockerfile.cpu"
        args = dict(buildargs or {})
        if with_torch and not gpu:
            args.setdefault("WITH_TORCH", "1")
        log(f"== docker build -f {folder / dockerfile} -t {tag}")
        _build(client, folder, dockerfile, tag, args, log)
    log(f"== built {tag} in {time.monotonic() - t0:.1f} s")
    return tag


def cmd_image_build(args: argparse.Namespace) -> int:
    buildargs = {}
    for item in args.build_arg or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise SandboxUnavailable(f"--build-arg wants KEY=VALUE, not {item!r}")
        buildargs[key] = value
    if args.base_image:
        buildargs["BASE_IMAGE"] = args.base_image
    packages = [p for p in args.packages.split(",") if p] if args.packages else None
    tag = build_image(gpu=args.gpu, tag=args.tag, from_host=args.from_host, packages=packages,
                      with_torch=args.with_torch, buildargs=buildargs)
    default = DEFAULT_GPU_IMAGE if args.gpu else DEFAULT_IMAGE
    if tag != default:
        var = "AUTOGRADER_DOCKER_GPU_IMAGE" if args.gpu else "AUTOGRADER_DOCKER_IMAGE"
        print(f"The docker backend uses {default} by default: export {var}={tag} to use this one.")
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Registers ``autograder image build``."""
    p = subparsers.add_parser("image", help="build the worker images of the docker backend")
    sub = p.add_subparsers(dest="image_command", required=True)
    b = sub.add_parser("build", help="build the CPU (default) or GPU worker image",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("--gpu", action="store_true", help="the GPU image (CUDA PyTorch runtime base)")
    b.add_argument("--tag", help=f"image tag (default {DEFAULT_IMAGE}, or {DEFAULT_GPU_IMAGE} with --gpu)")
    b.add_argument("--from-host", action="store_true",
                   help="no registry needed: FROM scratch with this machine's Python and packages")
    b.add_argument("--packages", help=f"with --from-host: packages to copy (default {','.join(ROOTFS_PACKAGES)})")
    b.add_argument("--with-torch", action="store_true",
                   help="include torch (CPU image: WITH_TORCH=1; --from-host: the host's torch)")
    b.add_argument("--base-image", help="the FROM image (default python:3.11-slim for the CPU image, "
                                        "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime for the GPU image)")
    b.add_argument("--build-arg", action="append", metavar="KEY=VALUE", help="passed to docker build")
    b.set_defaults(func=cmd_image_build)
    return p
