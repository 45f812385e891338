"""Reports, after the op tests, how far LiteRT's default resolver is from its reference kernels
on the quantized cases (jitlite matches the reference kernels exactly)."""

import op_testing


def pytest_terminal_summary(terminalreporter):
    steps = op_testing.DEFAULT_RESOLVER_STEPS
    if not steps:
        return
    terminalreporter.section("quantized: LiteRT default resolver vs reference kernels")
    for op in sorted(steps):
        terminalreporter.write_line(f"{op}: at most {steps[op]} step(s) apart")
