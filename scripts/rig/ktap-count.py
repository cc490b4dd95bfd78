#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the leaf results of a (nested) KTAP document.

A result line closes a subtest when the result before it was deeper; such
parent lines summarize their children and are not counted again. Prints
"P passed, F failed, S skipped" and exits 1 when F > 0 or nothing ran.
"""
import re
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok) \d+\b(.*)$')


def count(lines):
    passed = failed = skipped = 0
    prev_depth = -1
    for line in lines:
        m = RESULT.match(line.rstrip('\n'))
        if not m:
            continue
        depth = len(m.group(1).expandtabs(4))
        is_parent = prev_depth > depth
        prev_depth = depth
        if is_parent:
            continue
        directive = m.group(3)
        if re.search(r'#\s*SKIP', directive, re.I):
            skipped += 1
        elif m.group(2) == 'ok':
            passed += 1
        else:
            failed += 1
    return passed, failed, skipped


def main():
    with open(sys.argv[1], errors='replace') as f:
        p, fl, s = count(f)
    print(f'{p} passed, {fl} failed, {s} skipped')
    return 1 if fl or not p else 0


if __name__ == '__main__':
    sys.exit(main())
