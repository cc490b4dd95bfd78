#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scan-log.sh CONSOLE_LOG: fail (exit 1) and print the lines when the kernel
# log holds a report that no test may leave behind: a kernel splat, or a
# device the kernel lost (left inaccessible, not ready after a reset, or
# a driver calling its behaviour a hardware bug).
#
# RIG_LOG_ALLOW, when set, is an extended regular expression of lines
# that are known and expected on this run (vm.sh sets it per flavor).
pat='BUG:|WARNING:|KASAN:|UBSAN:|KFENCE:|Kernel panic|Oops:|general protection fault'
pat+='|possible circular locking|possible recursive locking|inconsistent lock state'
pat+='|suspicious RCU usage|INFO: rcu|self-detected stall|rcu_.* detected stalls'
pat+='|blocked for more than|kmemleak: .*suspected memory leaks|ODEBUG:'
pat+='|DEBUG_LOCKS_WARN_ON|sleeping function called from invalid context'
pat+='|device inaccessible|not ready [0-9]+ms after|Hardware bug'
allow=${RIG_LOG_ALLOW:-}
if grep -aE "$pat" "$1" | { [ -n "$allow" ] && grep -avE "$allow" || cat; } |
	grep . >&2; then
	exit 1
fi
exit 0
