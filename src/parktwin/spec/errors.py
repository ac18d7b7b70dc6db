"""One error type for bad input: every problem with its file, field path and expectation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class InputError(Exception):
    """Bad input, found before anything runs. ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


SEED_MAX = 2**64 - 1
"""Seeds are whole numbers 0 … 2⁶⁴−1 (numpy's SeedSequence takes any non-negative integer; a
batch's replicate seeds and the run manifests keep them as unsigned 64-bit)."""


def seed_problem(value: object, name: str = "seed") -> Problem | None:
    """Why ``value`` is not a seed (naming it ``name``), or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return Problem(name, "", f"expected a whole number 0 … 2^64−1 (got {value!r})")
    if not 0 <= value <= SEED_MAX:
        return Problem(name, "", f"expected a whole number 0 … 2^64−1 = {SEED_MAX} (got {value})")
    return None


def check_seed(value: object, name: str = "seed") -> int:
    """``value`` if it is a seed, else an InputError naming it."""
    if (problem := seed_problem(value, name)) is not None:
        raise InputError([problem])
    return value  # type: ignore[return-value]
