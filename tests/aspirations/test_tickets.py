"""Ticket codes: random, checkable, forgiving to read, unique."""

import re

import pytest

from aspirations import tickets

FORMAT = re.compile(r"^KRK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$")


class TestGenerate:
    def test_format(self):
        for _ in range(1000):
            code = tickets.generate()
            assert FORMAT.match(code), code
            assert tickets.is_valid(code)

    def test_alphabet_has_no_look_alikes(self):
        assert len(tickets.ALPHABET) == 32 == len(set(tickets.ALPHABET))
        assert not set("ILOU") & set(tickets.ALPHABET)

    def test_at_least_40_random_bits(self):
        assert tickets.RANDOM_BITS >= 40
        assert len(tickets.ALPHABET) ** tickets.RANDOM_SYMBOLS >= 2**40

    def test_uses_the_secrets_module(self, monkeypatch):
        monkeypatch.setattr(tickets.secrets, "randbits", lambda bits: 0)
        assert tickets.generate() == tickets.format_code("00000000")

    def test_100_000_codes_without_a_collision(self):
        codes = {tickets.generate() for _ in range(100_000)}
        assert len(codes) == 100_000

    def test_the_example_is_a_valid_code(self):
        assert tickets.is_valid(tickets.EXAMPLE)


class TestCheckSymbol:
    def test_every_single_substitution_is_caught(self):
        code = tickets.generate()
        squashed = code.replace("-", "")[3:]
        for position in range(len(squashed)):
            for symbol in tickets.ALPHABET:
                if symbol == squashed[position]:
                    continue
                typo = squashed[:position] + symbol + squashed[position + 1 :]
                with pytest.raises(tickets.InvalidTicketCode) as error:
                    tickets.normalise(typo)
                assert error.value.reason == "check"

    def test_most_swaps_of_neighbours_are_caught(self):
        caught = total = 0
        for _ in range(300):
            squashed = tickets.generate().replace("-", "")[3:]
            for position in range(len(squashed) - 1):
                a, b = squashed[position], squashed[position + 1]
                if a == b:
                    continue
                total += 1
                swapped = squashed[:position] + b + a + squashed[position + 2 :]
                try:
                    tickets.normalise(swapped)
                except tickets.InvalidTicketCode:
                    caught += 1
        assert caught / total > 0.95

    def test_is_valid_refuses_a_wrong_check_symbol(self):
        code = tickets.format_code("7Q4M9XTP")
        wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
        assert tickets.is_valid(code)
        assert not tickets.is_valid(wrong)


class TestNormalise:
    @pytest.mark.parametrize(
        "typed",
        [
            "KRK-7Q4M-9XTP-J",
            "krk-7q4m-9xtp-j",
            "  KRK 7Q4M 9XTP J ",
            "krk7q4m9xtpj",
            "7Q4M-9XTP-J",
            "7q4m9xtpj",
            "KRK_7Q4M_9XTP_J",
            "KRK.7Q4M.9XTP.J",
            "KRK--7Q4M--9XTP--J",
        ],
    )
    def test_forgives_case_spaces_dashes_and_missing_prefix(self, typed):
        assert tickets.normalise(typed) == "KRK-7Q4M-9XTP-J"

    def test_reads_look_alike_letters_as_digits(self):
        code = tickets.format_code("0011ABCD")
        assert tickets.normalise("KRK-OOIL-ABCD-" + code[-1]) == code

    @pytest.mark.parametrize("typed", ["", "KRK", "KRK-7Q4M-9XTP", "KRK-7Q4M-9XTP-JJ", "KRK-7Q4M-9XTU-J", "<script>"])
    def test_refuses_what_cannot_be_a_code(self, typed):
        with pytest.raises(tickets.InvalidTicketCode) as error:
            tickets.normalise(typed)
        assert error.value.reason == "format"

    def test_a_body_starting_with_krk_is_not_mistaken_for_the_prefix(self):
        code = tickets.format_code("KRK12345")
        assert tickets.normalise(code) == code
        assert tickets.normalise(code.replace("-", "")[3:]) == code
