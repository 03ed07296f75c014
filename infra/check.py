"""Static checks of the Bicep templates under infra/; exits non-zero on any problem.

Run with the infra venv (checkov's pins clash with the app's):

    python3 -m venv .venv-infra && .venv-infra/bin/pip install -r requirements-infra.txt
    .venv-infra/bin/python infra/check.py

1. Every .bicep file under infra/ must parse with pycep, the parser checkov itself uses:
   checkov skips a file it cannot parse without failing, so a syntax slip would otherwise
   pass silently with fewer resources checked.
2. Every `// checkov:skip=ID: reason` comment must carry a real reason.
3. `checkov --framework bicep` over infra/ must report no failed check and no parsing error.
4. The deployment scripts under infra/scripts/ must pass shellcheck.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

INFRA = Path(__file__).resolve().parent
SKIP_COMMENT = re.compile(r"//\s*checkov:skip=(?P<id>[A-Z0-9_]+)(?::(?P<reason>.*))?$")
MIN_REASON_CHARS = 20


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


def parse_all(files: list[Path]) -> list[str]:
    """Parse each file with pycep; return one message per file that does not parse."""
    from pycep import BicepParser

    parser = BicepParser()
    problems = []
    for path in files:
        try:
            parser.parse(file_path=path)
        except Exception as exc:  # any parser failure fails the build
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            problems.append(f"{path.relative_to(INFRA.parent)}: does not parse: {first_line}")
    return problems


def skip_comments(files: list[Path]) -> tuple[list[tuple[str, int, str, str]], list[str]]:
    """All inline checkov skips as (file, line, check id, reason), and the ones lacking a reason."""
    skips = []
    problems = []
    for path in files:
        rel = str(path.relative_to(INFRA.parent))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = SKIP_COMMENT.search(line.strip())
            if not match:
                continue
            reason = (match.group("reason") or "").strip()
            skips.append((rel, number, match.group("id"), reason))
            if len(reason) < MIN_REASON_CHARS:
                problems.append(f"{rel}:{number}: skip of {match.group('id')} needs a reason after the colon")
    return skips, problems


def run_checkov() -> tuple[dict[str, int], list[str]]:
    """Run checkov over infra/; return its summary and one message per failed check."""
    checkov = Path(sys.executable).parent / "checkov"
    command = [str(checkov)] if checkov.exists() else [sys.executable, "-m", "checkov.main"]
    command += ["--framework", "bicep", "-d", str(INFRA), "--compact", "--quiet", "--skip-download", "-o", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return {}, [f"checkov did not produce a report (exit {result.returncode}): {result.stderr.strip()[-2000:]}"]
    reports = report if isinstance(report, list) else [report]
    summary = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0}
    problems = []
    for item in reports:
        for key in summary:
            summary[key] += int(item.get("summary", {}).get(key, 0))
        for failed in item.get("results", {}).get("failed_checks", []):
            lines = failed.get("file_line_range", ["?", "?"])
            problems.append(
                f"{failed['check_id']} {failed['check_name']!r} failed for {failed['resource']}"
                f" in infra{failed['file_path']}:{lines[0]}-{lines[1]}"
            )
    if summary["parsing_errors"]:
        problems.append(f"checkov could not parse {summary['parsing_errors']} file(s)")
    if summary["resource_count"] == 0:
        problems.append("checkov found no resource to check")
    return summary, problems


def run_shellcheck() -> list[str]:
    """shellcheck every script under infra/scripts/; return one message per failing script."""
    scripts = sorted((INFRA / "scripts").glob("*.sh"))
    shellcheck = Path(sys.executable).parent / "shellcheck"
    if not scripts:
        return []
    if not shellcheck.exists():
        return ["shellcheck is missing from the infra venv (pip install -r requirements-infra.txt)"]
    problems = []
    for script in scripts:
        result = subprocess.run([str(shellcheck), str(script)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            problems.append(f"{script.relative_to(INFRA.parent)}: shellcheck:\n{result.stdout.strip()}")
    print(f"shellcheck: {len(scripts) - len(problems)} of {len(scripts)} scripts clean")
    return problems


def main() -> int:
    files = bicep_files()
    if not files:
        print("infra/check.py: no .bicep file under infra/", file=sys.stderr)
        return 1

    problems = parse_all(files)
    print(f"pycep: {len(files) - len(problems)} of {len(files)} .bicep files parse")

    skips, skip_problems = skip_comments(files)
    problems += skip_problems

    summary, checkov_problems = run_checkov()
    problems += checkov_problems
    if summary:
        print(
            "checkov: {passed} passed, {failed} failed, {skipped} skipped, "
            "{parsing_errors} parsing errors, {resource_count} resources".format(**summary)
        )
        if summary["skipped"] != len(skips):
            problems.append(f"checkov skipped {summary['skipped']} checks but infra/ has {len(skips)} skip comments")
    for rel, number, check_id, reason in skips:
        print(f"  skip {check_id} at {rel}:{number}: {reason}")

    problems += run_shellcheck()

    if problems:
        for problem in problems:
            print(f"FAIL {problem}", file=sys.stderr)
        return 1
    print("infra checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
