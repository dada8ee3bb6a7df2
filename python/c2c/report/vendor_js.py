"""Refresh the JavaScript libraries the report inlines (``make vendor-js``).

The pins are in ``vendor/pins.json``: for each npm package its exact version, the file of its
published package that is copied (a minified bundle that defines a global) and its licence
file. Each package is fetched with ``npm pack <name>@<version>`` into a temporary folder,
unpacked, and the bundle and licence copied into ``vendor/``. The trailing
``//# sourceMappingURL`` comment is removed: the report is one file, and a browser's developer
tools would otherwise try to load the map from beside it. ``vendor/pins.json`` also records the
SHA-256 of each copied bundle, which python/tests/test_report_vendor.py checks.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
PINS = VENDOR / "pins.json"
SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


def load_pins() -> dict[str, dict]:
    return json.loads(PINS.read_text(encoding="utf-8"))


def strip_source_map(text: str) -> str:
    return SOURCE_MAP.sub("\n", text)


def refresh(pins: dict[str, dict] | None = None) -> dict[str, dict]:
    pins = pins or load_pins()
    if shutil.which("npm") is None:
        raise SystemExit("vendor-js: npm is not installed (on Debian/Ubuntu: apt-get install npm)")
    with tempfile.TemporaryDirectory(prefix="c2c-vendor-") as tmp:
        for name, pin in pins.items():
            spec = f"{name}@{pin['version']}"
            print(f"vendor-js: npm pack {spec}", file=sys.stderr)
            out = subprocess.run(["npm", "pack", "--silent", spec], cwd=tmp, capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"vendor-js: npm pack {spec} failed:\n{out.stderr}")
            tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
            unpacked = Path(tmp) / tarball.stem
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            package = unpacked / "package"
            published = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
            if published != pin["version"]:
                raise SystemExit(f"vendor-js: {spec}: the package says version {published}")
            bundle = strip_source_map((package / pin["dist"]).read_text(encoding="utf-8"))
            (VENDOR / pin["file"]).write_text(bundle, encoding="utf-8")
            shutil.copyfile(package / pin["license"], VENDOR / pin["license_file"])
            pin["sha256"] = hashlib.sha256(bundle.encode("utf-8")).hexdigest()
    PINS.write_text(json.dumps(pins, indent=2) + "\n", encoding="utf-8")
    return pins


if __name__ == "__main__":
    for name, pin in refresh().items():
        print(f"{name} {pin['version']} -> vendor/{pin['file']} (sha256 {pin['sha256'][:12]}...)")
