#!/usr/bin/env bash
# Prints, for every failed or erroneous test in the Surefire and Failsafe reports, what it printed (its log
# lines and output, which the build keeps off the console), then one closing line over all reports:
# "tests: N passed, N failed, N skipped".
cd "$(dirname "$0")/.."
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
total = failed = skipped = 0
for path in sorted(glob.glob('**/target/*-reports/TEST-*.xml', recursive=True)):
    suite = ET.parse(path).getroot()
    total += int(suite.get('tests', 0))
    failed += int(suite.get('failures', 0)) + int(suite.get('errors', 0))
    skipped += int(suite.get('skipped', 0))
    for case in suite.iter('testcase'):
        problem = case.find('failure')
        if problem is None:
            problem = case.find('error')
        if problem is None:
            continue
        print(f"=== FAILED {case.get('classname')}.{case.get('name')} ({path})")
        print((problem.text or problem.get('message') or '').rstrip())
        for stream in ('system-out', 'system-err'):
            text = (case.findtext(stream) or '').rstrip()
            if text:
                print(f"--- its {stream}:")
                print(text)
print(f"tests: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY
