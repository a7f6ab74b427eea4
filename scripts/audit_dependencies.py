"""Dependency audit for `make test`: pip-audit over the pinned requirements.

Fails when a pinned package has a known vulnerability. When the vulnerability
service cannot be reached (machines that only reach a package mirror), it says
so plainly and does not fail: an audit that could not run is reported as not
run, never as "no known vulnerabilities".

PIP_AUDIT_SERVICE chooses the service: `pypi` (default; PyPI's JSON API) or `osv`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    requirements = sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        requirements,
        "--no-deps",  # every requirement is pinned: audit exactly these versions, install nothing
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit: could not run the dependency audit ({service}):\n{result.stderr.strip()}")
        print("pip-audit: DEPENDENCY AUDIT NOT PERFORMED (not counted as a failure).")
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"pip-audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} vulnerable package(s): upgrade them in requirements.txt.")
        return 1
    if audited == 0:
        print(
            f"pip-audit: the vulnerability service ({service}) could not be reached or knows none of the "
            f"{len(dependencies)} pinned packages from this machine.\n"
            "pip-audit: DEPENDENCY AUDIT NOT PERFORMED (not counted as a failure); run `make audit` where "
            "https://pypi.org/pypi/<name>/<version>/json or https://api.osv.dev is reachable."
        )
        return 0
    print(f"pip-audit: {audited} packages audited with {service}, no known vulnerabilities.")
    if skipped:
        print(f"pip-audit: {len(skipped)} not audited: " + ", ".join(d["name"] for d in skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
