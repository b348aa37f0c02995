# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 sipshield authors
"""TAP output for the Python end-to-end tests (meson's protocol: 'tap')."""

import sys


class Tap:
    """Numbered ok / not ok lines, diagnostics as # lines, the plan at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, cond, what, *diag):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, what))
        if not cond:
            self.failed += 1
            for d in diag:
                for line in str(d).splitlines():
                    print("# " + line)
        sys.stdout.flush()
        return cond

    def skip(self, what, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, what, why))
        sys.stdout.flush()

    def done(self):
        """Print the plan; the exit status: 1 when a check failed."""
        print("1..%d" % self.n)
        return 1 if self.failed else 0
