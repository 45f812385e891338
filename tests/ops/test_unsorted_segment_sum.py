"""UNSORTED_SEGMENT_SUM against LiteRT. The cases are shared with the other UNSORTED_SEGMENT_*
ops (unsorted_segment_cases.UnsortedSegmentCases): id ranks, negative and missing ids, runtime
ids out of range, dtypes, the fused form and the rejected models."""

from unsorted_segment_cases import UnsortedSegmentCases


class TestUnsortedSegmentSum(UnsortedSegmentCases):
    OP = "UNSORTED_SEGMENT_SUM"
