"""ARG_MIN against LiteRT; the cases are shared with ARG_MAX (arg_min_max_cases.py)."""

from arg_min_max_cases import ArgMinMaxCases


class TestArgMin(ArgMinMaxCases):
    OP = "ARG_MIN"
