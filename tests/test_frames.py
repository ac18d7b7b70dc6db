"""Tables built column by column (parktwin.frames) equal what pandas builds from the same rows:
the same dtypes and values, and the same grouped sums bit for bit. The reference is pandas itself
(``pd.DataFrame(rows, columns=...)`` and ``groupby(..., sort=False).sum()``)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from parktwin.frames import (
    ARROW_INFERENCE_MIN,
    YearsBlock,
    block_frame,
    coded_strings,
    frame_from_columns,
    frame_from_dicts,
    frame_from_rows,
    frame_of_arrays,
    grouped_sums,
)

ROWS = [  # every kind of column: floats, strings, ints, bools, mixed int/float, None among floats and among strings,
    # numpy scalars, an int beyond int64, all None
    (2025, "a", 1.5, True, 1, 2.0, "x", np.float64(1.0), 2**70, None),
    (2026, "b", math.nan, False, 2.5, None, None, 2.0, 1, None),
    (2027, "a", -0.0, True, 3, 4.0, "z", np.float64(3.0), 2, None),
]
NAMES = ["year", "name", "value", "flag", "mixed", "gap", "label", "numpy", "huge", "empty"]


def test_a_frame_from_rows_has_the_dtypes_and_values_pandas_gives_the_same_rows():
    expected = pd.DataFrame(ROWS, columns=NAMES)
    pd.testing.assert_frame_equal(frame_from_rows(ROWS, NAMES), expected, check_exact=True)
    dicts = [dict(zip(NAMES, row)) for row in ROWS]
    pd.testing.assert_frame_equal(frame_from_rows(dicts, NAMES), pd.DataFrame(dicts, columns=NAMES), check_exact=True)


def test_no_rows_or_uneven_rows_go_to_pandas():
    pd.testing.assert_frame_equal(frame_from_rows([], NAMES), pd.DataFrame([], columns=NAMES))
    dicts = [{"a": 1.0}, {"b": 2.0}]  # a dict lacking a name: pandas fills NaN
    pd.testing.assert_frame_equal(frame_from_rows(dicts, ["a", "b"]), pd.DataFrame(dicts, columns=["a", "b"]))


def test_a_mostly_float_table_built_as_one_float_block_has_what_pandas_gives():
    """A table of mostly floats (as ``annual``) takes another path (one float block, the other
    columns inserted): the same dtypes, values and column index as pandas from the dicts, with
    ints among floats (float64), an int beyond int64 among floats, numpy floats, strings, bools."""
    floats = {f"x{i}_mwh": [1.5 * i, -0.0, math.nan] for i in range(20)}
    others = {"year": [2025, 2026, 2027], "cost_cny": [0, 1.5, 2], "phase_key": ["a", "b", "a"], "met": [True, False, True],
              "huge": [2**64, 1.0, 2.0], "numpy_mwh": [np.float64(1.0), 2.0, 3.0]}
    names = ["year", *list(floats)[:10], "cost_cny", "phase_key", *list(floats)[10:], "met", "huge", "numpy_mwh"]
    merged = floats | others
    dicts = [{name: merged[name][k] for name in names} for k in range(3)]
    expected = pd.DataFrame(dicts)
    got = frame_from_dicts(dicts)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(got.columns) == names and got.columns.dtype == expected.columns.dtype
    uneven = [dicts[0], {k: v for k, v in dicts[1].items() if k != "met"}]  # a key missing: pandas fills NaN
    pd.testing.assert_frame_equal(frame_from_dicts(uneven), pd.DataFrame(uneven))


def test_string_columns_converted_by_pyarrow_are_typed_as_pandas_types_them():
    """A column starting with a string goes to pyarrow's inference first: only all-``str`` columns
    (numpy strings too) stay there; bytes, None, NaN or numbers among them give what pandas gives.
    Columns long enough for that path (``ARROW_INFERENCE_MIN``), and short ones."""
    cases = [["a", "b", "a"], ["a", np.str_("b"), "c"], ["a", b"b", "c"], ["a", None, "c"], ["a", math.nan, "c"],
             ["a", 1, "c"], ["a", 1.5, "c"], ["a", True, "c"], ["", "", ""], [None, "b", None], [True, None, False],
             [None, False, None]]
    for values in [*cases, *(c * ARROW_INFERENCE_MIN for c in cases)]:
        rows = [(v, float(k)) for k, v in enumerate(values)]
        pd.testing.assert_frame_equal(frame_from_rows(rows, ["label", "x"]), pd.DataFrame(rows, columns=["label", "x"]), check_exact=True)


def test_coded_strings_repeat_labels_as_a_string_column():
    labels, codes = ["met", "not_met", "not_assessed"], np.array([2, 0, 0, 1])
    got = frame_from_columns({"status": coded_strings("status", labels, codes)})
    pd.testing.assert_frame_equal(got, pd.DataFrame([(labels[c],) for c in codes], columns=["status"]), check_exact=True)
    mixed = [None, "a", 1.5]  # labels not all strings: typed by pandas' own inference, as from rows
    got = frame_from_columns({"x": coded_strings("x", mixed, codes)})
    pd.testing.assert_frame_equal(got, pd.DataFrame([(mixed[c],) for c in codes], columns=["x"]), check_exact=True)


def test_grouped_sums_are_pandas_compensated_groupby_sums_bit_for_bit():
    keys = ["a", "b", "a", "a", "b", "c", "a", "d", "d"]
    # 1e16 + 1 + 1 − 1e16: 2.0 with compensation (0.0 summed plainly); NaN skipped; an infinity
    values = [1e16, 0.1, 1.0, 1.0, 0.2, math.nan, -1e16, math.inf, 1.0]
    expected = pd.Series(values).groupby(keys, sort=False).sum().to_dict()
    got = grouped_sums(keys, values)
    assert list(got) == list(expected)
    assert got == expected
    assert got["a"] == 2.0 and got["c"] == 0.0


def test_grouped_sums_match_pandas_on_many_values_of_mixed_magnitude():
    rng = np.random.default_rng(0)
    values = (rng.standard_normal(2000) * 10.0 ** rng.integers(-6, 12, 2000)).tolist()
    keys = rng.choice(["x", "y", "z", "w"], 2000).tolist()
    assert grouped_sums(keys, values) == pd.Series(values).groupby(keys, sort=False).sum().to_dict()


def _pandas_sums(keys: list, values: list) -> dict:
    """pandas' own: grouped by the key (by its two parts, as a reconciliation groups entity and carrier)."""
    by = [np.array([k[0] for k in keys], dtype=object), np.array([k[1] for k in keys], dtype=object)] \
        if isinstance(keys[0], tuple) else keys
    return pd.Series(values).groupby(by, sort=False).sum().to_dict()


def test_grouped_sums_match_pandas_when_groups_are_contiguous_too():
    """pandas sums contiguous groups without NaN another way (np.add.reduceat): the same here."""
    rng = np.random.default_rng(2)
    values = (rng.standard_normal(300) * 10.0 ** rng.integers(-6, 12, 300)).tolist()
    for keys in (sorted(rng.choice(["x", "y", "z"], 300).tolist()), ["one"] * 300, list(range(300)),
                 [(e, c) for e in ("a", "b") for c in ("coal", "gas", "heat") for _ in range(50)],
                 [(e, c) for _ in range(50) for e in ("a", "b") for c in ("coal", "gas", "heat")]):
        assert grouped_sums(keys, values) == _pandas_sums(keys, values)
        with_nan = [math.nan, *values[1:]]
        assert grouped_sums(keys, with_nan) == _pandas_sums(keys, with_nan)


def test_the_private_view_by_year_is_pandas_groupby_sum_bit_for_bit():
    """``cashflows.private_sums`` (through ``grouped_sums``) gives ``groupby("year").sum()``'s
    numbers for a cash-flow table's year blocks, with a NaN among them too, and codes_of numbers
    keys in the order they first appear."""
    from parktwin.economics.cashflows import private_sums
    from parktwin.frames import codes_of

    rng = np.random.default_rng(5)
    years = np.repeat(np.arange(2025, 2051), 7)
    table = pd.DataFrame({"year": years, "net_cost_cny": rng.standard_normal(len(years)) * 10.0 ** rng.integers(-3, 9, len(years)),
                          "pv_cny": rng.standard_normal(len(years)) * 1e6})
    for frame in (table, table.assign(pv_cny=[math.nan, *table["pv_cny"].iloc[1:]])):
        expected = frame.groupby("year")[["net_cost_cny", "pv_cny"]].sum()
        got = private_sums(frame["year"].to_numpy(), frame["net_cost_cny"].to_numpy(dtype=float), frame["pv_cny"].to_numpy(dtype=float))
        assert got == {y: (n, p) for y, n, p in zip(expected.index.tolist(), expected["net_cost_cny"].tolist(),
                                                    expected["pv_cny"].tolist())}
    codes = {"b": 0}
    assert codes_of(["c", "b", "a", "c"], codes).tolist() == [1, 0, 2, 1] and codes == {"b": 0, "c": 1, "a": 2}


def test_a_frame_of_arrays_is_what_pandas_builds_from_the_same_columns():
    """``frame_of_arrays`` makes the blocks itself (numbers and booleans by dtype, pandas' strings
    each alone): the same dtypes, values, index and column index as ``pd.DataFrame(columns)``;
    columns it does not make blocks of (objects, a Series, lists) and uneven lengths go to pandas."""
    strings = frame_from_columns({"s": ["a", "b", "c"]})["s"].array
    columns = {"year": np.array([2025, 2026, 2027]), "x": np.array([1.5, -0.0, math.nan]), "flag": np.array([True, False, True]),
               "hour": np.array([0, 1, 2], dtype=np.int32), "name": strings, "y": np.array([2.0, 3.0, 4.0])}
    got = frame_of_arrays(columns)
    pd.testing.assert_frame_equal(got, pd.DataFrame(columns), check_exact=True)
    assert got.columns.dtype == pd.DataFrame(columns).columns.dtype
    got.columns.name = "renamed"  # the shared column index is a view: another frame keeps its own
    assert frame_of_arrays(columns).columns.name is None
    got.loc[0, "x"] = 9.0  # a frame owns its numbers (copied, as pandas copies a dict's arrays)
    assert columns["x"][0] == 1.5
    for other in (np.array(["a", "b", "c"], dtype=object), pd.Series([1.0, 2.0, 3.0]), [1, 2, 3]):
        mixed = columns | {"other": other}
        pd.testing.assert_frame_equal(frame_of_arrays(mixed), pd.DataFrame(mixed), check_exact=True)
    block = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    got = block_frame(block, ["a", "b"], {"year": columns["year"], "name": strings}, ["year", "a", "name", "b"])
    expected = pd.DataFrame({"year": columns["year"], "a": block[0], "name": strings, "b": block[1]})
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_a_frame_of_arrays_keeps_objects_as_pandas_keeps_them():
    """None-and-bool object arrays and Series (objects, strings with a gap, numbers) are blocks of
    their own kind, as pandas makes them; an object array of strings goes to pandas (it infers ``str``)."""
    columns = {"x": np.array([1.0, 2.0, 3.0]), "met": np.array([True, None, False], dtype=object),
               "none": np.array([None, None, None], dtype=object),
               "grade": pd.Series(["a", None, "b"], dtype="str"), "kept": pd.Series([[1], None, "z"], dtype=object),
               "n": pd.Series([1, 2, 3]), "labels": np.array(["a", "b", "c"], dtype=object)}
    for names in (list(columns)[:-1], list(columns)):
        part = {name: columns[name] for name in names}
        pd.testing.assert_frame_equal(frame_of_arrays(part), pd.DataFrame(part), check_exact=True)


def test_grouped_sums_of_integer_array_keys_are_pandas_groupby_sums():
    """Integer keys given as an array (a table's years) take a numpy path when each key is one
    block of rows, the general path otherwise: pandas' sums either way, keys as Python ints."""
    rng = np.random.default_rng(7)
    values = (rng.standard_normal(60) * 10.0 ** rng.integers(-6, 12, 60)).tolist()
    for keys in (np.repeat(np.arange(2025, 2031), 10), np.tile(np.arange(2025, 2031), 10), np.zeros(60, dtype=np.int32)):
        for vals in (values, [math.nan, *values[1:]]):
            got = grouped_sums(keys, np.array(vals))
            assert got == _pandas_sums(keys.tolist(), vals) and all(type(k) is int for k in got)


def test_ints_among_floats_with_a_nan_anywhere_are_typed_as_pandas_types_them():
    """Ints among floats are made float64 here only when every int is within int64 (others are left to
    pandas): the bounds are read with Python's ``min``/``max``, which a NaN first in the column holds
    (a comparison with NaN is false), so an int beyond int64 before, after or beside a NaN, the int64
    bounds themselves and floats beyond int64 must still give what pandas gives (reference:
    ``pd.DataFrame`` of the same rows)."""
    big, low = 2**64, -2**63 - 1
    cases = [[math.nan, big, 1.0], [1.0, math.nan, big], [big, math.nan, 2.0], [math.nan, low, 2.0], [low, math.nan, 1.5],
             [math.nan, 1, 2.5], [1, math.nan, 2**63 - 1, 0.5], [1, math.nan, 2**63, 0.5], [-2**63, math.nan, 0.5], [1e300, big], [-math.inf, 3, 1.0], [math.nan, math.nan, 7, 1.0]]
    for values in cases:
        rows = [(v, float(k)) for k, v in enumerate(values)]
        pd.testing.assert_frame_equal(frame_from_rows(rows, ["mixed", "x"]), pd.DataFrame(rows, columns=["mixed", "x"]), check_exact=True)
        dicts = [{"mixed": v, "x": float(k)} for k, v in enumerate(values)]
        pd.testing.assert_frame_equal(frame_from_dicts(dicts), pd.DataFrame(dicts), check_exact=True)


def test_object_arrays_named_as_objects_are_kept_as_a_series_of_objects_keeps_them():
    """``objects``: object arrays of lists, strings and None stay Python objects, as in a Series of
    dtype object (pandas would infer ``str`` from the strings of a bare object array), on both the
    blocks' path and pandas' own (a list column sends the table there)."""
    lists = np.empty(3, dtype=object)
    lists[:] = [["a (not_met)"], [], ["b (core not_assessed)", "c (not_met)"]]
    columns = {"year": np.array([2025, 2026, 2027]), "next": np.array([None, "green", "zero_carbon"], dtype=object),
               "blocking": lists}
    expected = pd.DataFrame({name: pd.Series(values, dtype=object) if values.dtype == object else values
                             for name, values in columns.items()})
    pd.testing.assert_frame_equal(frame_of_arrays(columns, objects=("next", "blocking")), expected, check_exact=True)
    with_list = columns | {"plain": [1.0, 2.0, 3.0]}
    pd.testing.assert_frame_equal(frame_of_arrays(with_list, objects=("next", "blocking")),
                                  expected.assign(plain=[1.0, 2.0, 3.0]), check_exact=True)


def test_a_tables_string_columns_converted_together_are_typed_as_pandas_types_them():
    """Several string columns in one table, short and long (``ARROW_INFERENCE_MIN``): the all-``str``
    ones are converted together (each a slice of one conversion, or cast together), those with
    None, bytes or a number among them each as pandas types it; every column as from rows."""
    for n in (3, ARROW_INFERENCE_MIN + 1):
        rows = [(f"a{k % 7}", "b" * (k % 3), None if k == 1 else "c", b"d" if k == 2 else "d", 1 if k == 0 else "e",
                 float(k), "f√", "") for k in range(n)]
        names = ["a", "b", "c", "d", "e", "x", "f", "g"]
        got = frame_from_rows(rows, names)
        pd.testing.assert_frame_equal(got, pd.DataFrame(rows, columns=names), check_exact=True)
        assert got["f"].tolist() == ["f√"] * n and got["a"].iloc[-1] == f"a{(n - 1) % 7}"


def _concatenated_years(hourly: dict) -> pd.DataFrame:
    """The hourly table as pandas builds it: a frame per year with ``year`` and ``hour`` first, concatenated."""
    parts = []
    for year in sorted(hourly):
        frame = pd.DataFrame(hourly[year])
        frame.insert(0, "hour", np.arange(len(frame), dtype=np.int32))
        frame.insert(0, "year", np.int32(year))
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def test_hourly_years_copied_into_one_block_as_recorded_make_the_table_pandas_concatenates():
    from parktwin.results.tables import hourly_table

    rng = np.random.default_rng(0)
    block, recorded, given = YearsBlock(3), {}, {}
    for year in (2025, 2030, 2040):
        given[year] = {"load_kw": rng.random(24), "period": rng.integers(0, 3, 24).astype(np.int8),
                       "zero_kw": np.zeros(24), "export_kw": -rng.random(24) * 0.0}  # -0.0 kept as it is
        recorded[year] = block.add(year, given[year])
        for name, values in given[year].items():
            assert np.array_equal(recorded[year][name], values) and recorded[year][name].dtype == values.dtype
        assert np.shares_memory(recorded[year]["load_kw"], block.values)  # the block's copy, not the array given
    assert block.complete() and block.years == [2025, 2030, 2040]
    expected = _concatenated_years(given)
    pd.testing.assert_frame_equal(hourly_table(recorded, block), expected, check_exact=True)
    pd.testing.assert_frame_equal(hourly_table(given), expected, check_exact=True)  # the years joined at the end
    assert np.signbit(hourly_table(recorded, block)["export_kw"]).all()


def test_a_year_with_other_columns_leaves_the_block_and_the_table_is_still_pandas_concatenation():
    from parktwin.results.tables import hourly_table

    block, recorded, given = YearsBlock(3), {}, {}
    for year, names in ((2025, ["a_kw", "b_kw"]), (2030, ["b_kw", "a_kw"]), (2040, ["a_kw", "b_kw"])):
        given[year] = {name: np.arange(4, dtype=float) + year for name in names}
        recorded[year] = block.add(year, given[year])
    assert not block.complete()
    assert recorded[2040]["a_kw"] is given[2040]["a_kw"]  # kept as given once the block is left
    pd.testing.assert_frame_equal(hourly_table(recorded, block), _concatenated_years(given), check_exact=True)
    short = YearsBlock(1)
    short.add(2025, {"a_kw": np.ones(4)})
    assert short.add(2030, {"a_kw": np.ones(4)})["a_kw"] is not None and not short.complete()  # a year more than announced
