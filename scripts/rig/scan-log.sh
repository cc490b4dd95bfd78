#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scan-log.sh CONSOLE_LOG: fail (exit 1) and print the lines when the kernel
# log holds a report that no test may leave behind.
pat='BUG:|WARNING:|KASAN:|UBSAN:|KFENCE:|Kernel panic|Oops:|general protection fault'
pat+='|possible circular locking|possible recursive locking|inconsistent lock state'
pat+='|suspicious RCU usage|INFO: rcu|self-detected stall|rcu_.* detected stalls'
pat+='|blocked for more than|kmemleak: .*suspected memory leaks|ODEBUG:'
pat+='|DEBUG_LOCKS_WARN_ON|sleeping function called from invalid context'
if grep -aE "$pat" "$1" >&2; then
	exit 1
fi
exit 0
