"""ARG_MAX against LiteRT; the cases are shared with ARG_MIN (arg_min_max_cases.py)."""

from arg_min_max_cases import ArgMinMaxCases


class TestArgMax(ArgMinMaxCases):
    OP = "ARG_MAX"
