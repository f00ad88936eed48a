#!/usr/bin/env bash
# Prints one closing line over every Surefire and Failsafe report: "tests: N passed, N failed, N skipped".
cd "$(dirname "$0")/.."
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
total = failed = skipped = 0
for path in glob.glob('**/target/*-reports/TEST-*.xml', recursive=True):
    suite = ET.parse(path).getroot()
    total += int(suite.get('tests', 0))
    failed += int(suite.get('failures', 0)) + int(suite.get('errors', 0))
    skipped += int(suite.get('skipped', 0))
print(f"tests: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY
