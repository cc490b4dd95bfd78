#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""qmp.py SOCKET COMMAND [JSON-ARGUMENTS]: one QMP command to a running VM.

Waits up to 60 s for the socket, negotiates capabilities, sends COMMAND,
prints the "return" value as JSON and exits 0, or prints the error and
exits 1. Example: qmp.py build/vm/vm/qmp.sock device_del '{"id": "edu0"}'
"""
import json
import socket
import sys
import time


def connect(path, wait=60.0):
    deadline = time.monotonic() + wait
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def replies(f):
    """Yield the answers to commands, skipping asynchronous events."""
    for line in f:
        msg = json.loads(line)
        if 'event' not in msg:
            yield msg


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = {'execute': sys.argv[2]}
    if len(sys.argv) > 3:
        cmd['arguments'] = json.loads(sys.argv[3])
    with connect(sys.argv[1]) as s, s.makefile('rw') as f:
        answers = replies(f)
        next(answers)  # greeting
        for c in ({'execute': 'qmp_capabilities'}, cmd):
            f.write(json.dumps(c) + '\n')
            f.flush()
            msg = next(answers)
            if 'error' in msg:
                print(json.dumps(msg['error']), file=sys.stderr)
                return 1
        print(json.dumps(msg.get('return', {})))
    return 0


if __name__ == '__main__':
    sys.exit(main())
