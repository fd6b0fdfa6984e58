"""Shared pytest settings."""

import os

from hypothesis import settings

# Quiet TensorFlow's C++ start-up messages; they drown real test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")

END_TO_END_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """Say which real files the end-to-end test ran on, if it ran."""
    if END_TO_END_LINES:
        terminalreporter.section("end-to-end run on real Binance files")
        for line in END_TO_END_LINES:
            terminalreporter.write_line(line)


# Hypothesis: no per-example deadline, because CI machines are shared and slow;
# each property test sets its own number of examples.
settings.register_profile("project", deadline=None, print_blob=True)
settings.load_profile("project")
