"""`make fuzz`: what the fuzzer sent, printed after the run (fuzz/test_api.py fills TALLY)."""

from __future__ import annotations

from typing import Any

from fuzz.tally import TALLY


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in TALLY.report():
        terminalreporter.write_line(line)
