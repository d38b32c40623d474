"""core.exports: what the writer does to every cell, whichever list it writes.

Files written through the pages are tested with their lists (tests/patrols/test_patrol_export.py,
tests/aspirations/test_inbox_export.py).
"""

import pytest

from core import exports


class TestNeutralise:
    @pytest.mark.parametrize("text", ["=1+1", "+62", "-5", "@A1", "\tx", "\rx"])
    def test_neutralise(self, text):
        assert exports.neutralise(text) == f"'{text}"

    @pytest.mark.parametrize("text", ["Balai Desa", "5 warga", "", "a=b", "08123"])
    def test_plain_text_is_left_alone(self, text):
        assert exports.neutralise(text) == text
