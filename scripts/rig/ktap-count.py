#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results of a (nested) KTAP document, and check it.

Every result line is read, at any depth. A leaf counts as passed, failed,
skipped (``ok ... # SKIP reason``) or expected failure (``ok ... # XFAIL
reason``, a failure of the base tree's driver that the suite shows as
such). A parent result (one that closes a subtest) summarizes its
children and is not counted again when it is ``ok``; a ``not ok`` parent
counts as a failure even when its children passed: it is how a program
that crashed after its last result, or a step between two programs that
failed, is seen.

A program run by the kselftest runner (``run_kselftest.sh``) has its own
document nested under ``# `` in the runner's: from its ``# TAP version``
line until the runner's next line without that prefix (the runner's
result for the program), it is read as a subtest, one level deeper.

These count as failures too, each named on a ``# ktap-count:`` line:

- a subtest or document whose results do not match its plan (a program
  that stopped early, or printed more than it planned);
- a subtest with results and no plan;
- ``not ok ... # SKIP`` (a failure must not pass for a skip), a SKIP or
  an XFAIL with no reason, ``not ok ... # XFAIL``.

Prints the problems, the expected failures, each failed leaf by its path
(the names of the subtests around it) with the last diagnostic lines
before it, and last the line ``P passed, F failed, S skipped``; exits 1
when F > 0 or nothing passed.
"""
import re
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok) (\d+)\b\s*([^#]*?)\s*(?:#\s*(.*))?$')
PLAN = re.compile(r'^(\s*)1\.\.(\d+)\s*(?:#.*)?$')
VERSION = re.compile(r'^(\s*)(?:KTAP|TAP) version \d+\s*$')
PREFIXED_VERSION = re.compile(r'^(\s*)# (?:KTAP|TAP) version \d+\s*$')
NOTES = 3           # diagnostic lines quoted with a failed leaf
SHOWN = 20          # failed leaves named at most


def unprefixed(lines):
    """The lines, each document the kselftest runner nested under "# "
    moved one indentation deeper instead."""
    nested = []     # the indentation of each open runner-nested document
    for line in lines:
        line = line.rstrip('\n')
        while nested and line.strip() and \
                not line.startswith(nested[-1] + '# '):
            nested.pop()
        for ind in reversed(nested):
            if line.startswith(ind + '# '):
                line = ind + '    ' + line[len(ind) + 2:]
        m = PREFIXED_VERSION.match(line)
        if m:
            nested.append(m.group(1))
            line = m.group(1) + '    ' + line[len(m.group(1)) + 2:]
        yield line


def depth_of(indent):
    return len(indent.expandtabs(4))


class Level:
    """The results of one subtest (or the document) at one indentation."""

    def __init__(self, depth):
        self.depth = depth
        self.plan = None
        self.results = 0
        self.fails = []     # the failed leaves inside, by their path
        self.notes = []     # the last diagnostic lines at this depth


class Counter:
    def __init__(self):
        self.passed = self.failed = self.skipped = self.xfail = 0
        self.problems = []
        self.xfails = []
        self.fails = []     # failed leaves of the closed documents
        self.levels = []    # open levels, shallowest first

    def problem(self, lineno, msg):
        self.failed += 1
        self.problems.append(f'line {lineno}: {msg}')

    def close(self, level, lineno, owner):
        where = f'subtest {owner}' if owner else 'the document'
        outer = self.levels[-1].fails if self.levels and owner else self.fails
        outer.extend(f'{owner}/{f}' if owner else f for f in level.fails)
        if level.plan is None:
            if level.results:
                self.problem(lineno, f'{where}: {level.results} results and no plan')
        elif level.plan != level.results:
            self.problem(lineno, f'{where}: plan 1..{level.plan}, '
                         f'{level.results} results')

    def close_deeper(self, depth, lineno, owner):
        """Close the levels deeper than @depth; True when one was open."""
        closed = False
        while self.levels and self.levels[-1].depth > depth:
            self.close(self.levels.pop(), lineno, owner)
            closed = True
        return closed

    def level(self, depth):
        if not self.levels or self.levels[-1].depth < depth:
            self.levels.append(Level(depth))
        return self.levels[-1]

    def version(self, depth, lineno):
        # a new document at a depth where one was already open ends it
        self.close_deeper(depth - 1, lineno, None)
        self.levels.append(Level(depth))

    def plan(self, depth, count, lineno):
        lvl = self.level(depth)
        if lvl.plan is not None:
            # a second plan on one level: a document without its header
            self.close_deeper(depth - 1, lineno, None)
            lvl = self.level(depth)
        # a plan after the results (a trailing plan) is a plan too
        lvl.plan = count

    def result(self, m, lineno):
        depth = depth_of(m.group(1))
        status, name = m.group(2), m.group(4) or f'#{m.group(3)}'
        directive = (m.group(5) or '').strip()
        word = directive.split(None, 1)[0].upper() if directive else ''
        reason = directive.split(None, 1)[1].strip() if ' ' in directive else ''
        is_parent = self.close_deeper(depth, lineno, name)
        lvl = self.level(depth)
        lvl.results += 1
        # the diagnostics since the previous result are this one's
        notes, lvl.notes = lvl.notes, []
        if word == 'SKIP':
            if status != 'ok':
                self.problem(lineno, f'{name}: not ok with a SKIP directive')
            elif not reason:
                self.problem(lineno, f'{name}: skipped without a reason')
            elif not is_parent:
                self.skipped += 1
            return
        if word == 'XFAIL':
            if status != 'ok':
                self.problem(lineno, f'{name}: not ok with an XFAIL directive')
            elif not reason:
                self.problem(lineno, f'{name}: expected failure without a reason')
            else:
                self.xfail += 1
                self.xfails.append(f'{name}: {reason}')
            return
        if status == 'ok':
            if not is_parent:
                self.passed += 1
        elif is_parent:
            self.problem(lineno, f'{name}: not ok (a subtest whose run failed)')
        else:
            self.failed += 1
            why = ' | '.join(notes)
            lvl.fails.append(f'{name} (line {lineno})' + (f': {why}' if why else ''))

    def note(self, line):
        """Keep the last diagnostic lines of the innermost open level."""
        if self.levels:
            notes = self.levels[-1].notes
            notes.append(line.strip().lstrip('#').strip()[:120])
            del notes[:-NOTES]

    def feed(self, lines):
        lineno = 0
        for lineno, line in enumerate(unprefixed(lines), 1):
            m = RESULT.match(line)
            if m:
                self.result(m, lineno)
                continue
            m = PLAN.match(line)
            if m:
                self.plan(depth_of(m.group(1)), int(m.group(2)), lineno)
                continue
            m = VERSION.match(line)
            if m:
                self.version(depth_of(m.group(1)), lineno)
                continue
            if line.strip().startswith('#'):
                self.note(line)
        self.close_deeper(-1, lineno, None)


def main():
    with open(sys.argv[1], errors='replace') as f:
        c = Counter()
        c.feed(f.readlines())
    for p in c.problems:
        print(f'# ktap-count: {p}')
    for x in c.xfails:
        print(f'# expected failure: {x}')
    if c.xfail:
        print(f'# {c.xfail} expected failures of the base tree (XFAIL), '
              'counted apart')
    for f in c.fails[:SHOWN]:
        print(f'# failed: {f}')
    if len(c.fails) > SHOWN:
        print(f'# failed: {len(c.fails) - SHOWN} more')
    print(f'{c.passed} passed, {c.failed} failed, {c.skipped} skipped')
    return 1 if c.failed or not c.passed else 0


if __name__ == '__main__':
    sys.exit(main())
