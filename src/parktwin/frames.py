"""DataFrames built column by column, with exactly the dtypes pandas infers from rows.

A run's tables come from lists of row tuples (or dicts). Handing those rows to pandas makes it
build a 2-D object array and infer each column from it; most columns hold one Python type
throughout (all ``float``, all ``str`` …), whose dtype is known without looking further. Here
such a column becomes its array directly (strings straight into Arrow, as pandas' ``str`` dtype
stores them); any other column (mixed types, None, numpy integers or bools, an int beyond int64)
goes through pandas' own inference for rows, so every column has the dtype and values
``pd.DataFrame(rows, columns=...)`` would give it (tests/test_frames.py checks it against pandas).

``frame_of_arrays`` is ``pd.DataFrame(columns)`` for columns already arrays (numbers, booleans,
pandas' strings), its blocks made directly. ``YearsBlock`` keeps a run's hourly years as its hourly
table's float block while the run records them. ``grouped_sums`` is pandas'
``groupby(..., sort=False).sum()`` read as a dict, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa

try:  # pandas ≥ 3.0: a frame from its blocks (public, for libraries that build them)
    from pandas.api.internals import create_dataframe_from_blocks
except ImportError:  # an older pandas builds every table itself
    create_dataframe_from_blocks = None

# what pandas makes of a column of Python strings built from rows ("str": Arrow-backed in pandas 3)
_STR_DTYPE = pd.DataFrame.from_records([("a",)], columns=["a"]).dtypes.iloc[0]
_ARROW_STR = isinstance(_STR_DTYPE, pd.StringDtype) and _STR_DTYPE.storage == "pyarrow"


_FLOATS = {float, np.float64}
_NONE = {type(None)}
_STR_OR_NONE = {str, type(None)}
_BOOL_OR_NONE = {bool, type(None)}


def typed(values: Sequence):
    """A column's array from its values (a list or tuple) when they share one Python type (or are
    Python and numpy floats), typed as pandas would type it from rows; None otherwise."""
    strings = long_strings(values)
    return _typed_as(set(map(type, values)), values) if strings is None else strings


def _typed_as(kinds: set, values: Sequence, floats: bool | None = None):
    """``typed`` for values whose Python types are ``kinds`` (known already; ``floats``: whether
    they make a float64 column, when known already)."""
    if floats if floats is not None else kinds and (kinds <= _FLOATS or _ints_among_floats(kinds, values)):
        return np.array(values, dtype=np.float64)
    if kinds == _NONE:  # nothing but None: pandas keeps the Nones as objects
        out = np.empty(len(values), dtype=object)
        out[:] = None
        return out
    if kinds == _STR_OR_NONE and _ARROW_STR:  # strings with gaps: pandas' str with missing values (Arrow nulls)
        return string_array(pa.array(values, type=pa.large_string()))
    if kinds == _BOOL_OR_NONE:  # booleans with gaps: pandas keeps them as objects
        return np.array(values, dtype=object)
    if len(kinds) == 1:
        kind = next(iter(kinds))
        if kind is str and _ARROW_STR:
            return string_array(pa.array(values, type=pa.large_string()))
        if kind is bool:
            return np.array(values, dtype=bool)
        if kind is int:
            try:
                return np.array(values, dtype=np.int64)
            except OverflowError:  # beyond int64: pandas decides (uint64 or object)
                pass
    return None


def column(name: str, values: Sequence):
    """One column's array (or Series) from its values, typed as pandas would type it from rows."""
    array = typed(values)
    return pd.DataFrame.from_records([(v,) for v in values], columns=[name])[name] if array is None else array


def coded_strings(name: str, labels: Sequence, codes: np.ndarray):
    """A column of ``labels[code]`` for each of ``codes`` (a few labels repeated many times: the
    labels are converted once and repeated in Arrow); typed as ``column`` types it."""
    taken = coded_arrow(labels, codes)
    if taken is not None:
        return string_array(taken)
    return column(name, [labels[c] for c in np.asarray(codes).tolist()])


def coded_arrow(labels: Sequence, codes: np.ndarray):
    """``labels[code]`` for each of ``codes`` as a pyarrow string array (what ``coded_strings``
    wraps; immutable, so it may be kept and wrapped again), or None when pandas would not store
    the column as Arrow strings (labels not all ``str``, or a pandas without Arrow strings)."""
    if _ARROW_STR and labels and set(map(type, labels)) == {str}:
        return pa.array(list(labels), type=pa.large_string()).take(pa.array(np.asarray(codes, dtype=np.int64)))
    return None


def string_array(array) -> pd.api.extensions.ExtensionArray:
    """pandas' ``str`` column over a pyarrow large-string array (from ``coded_arrow``), not copied."""
    return pd.arrays.ArrowStringArray(array, dtype=_STR_DTYPE)


def frame_from_columns(columns: dict[str, Sequence]) -> pd.DataFrame:
    """A DataFrame from column name → values (all the same length ≥ 1), each column typed as
    ``typed`` types it; the other columns are inferred by pandas together, as from rows; columns
    already numpy or pandas arrays are kept as they are. When most columns are lists of floats,
    they are converted at once into the frame's float block (``float_block_frame``)."""
    arrays, kinds = _column_kinds(columns)
    floats = [name for name, k in kinds.items() if k and (k <= _FLOATS or _ints_among_floats(k, columns[name]))]
    if len(floats) >= FLOAT_BLOCK_SHARE * len(columns):
        return float_block_frame(columns, arrays, kinds, floats)
    in_floats = set(floats)
    out = arrays | _string_columns(columns, kinds)
    out = {name: out[name] if name in out else _typed_as(kinds[name], values, name in in_floats) for name, values in columns.items()}
    return frame_of_arrays(out | _inferred(columns, [name for name, array in out.items() if array is None]), objects=_nones(kinds))


def _column_kinds(columns: dict[str, Sequence]) -> tuple[dict, dict[str, set]]:
    """(the columns whose array is known already: numpy or pandas arrays kept as they are, and
    long columns of strings converted by pyarrow (``long_string_arrays``); the other columns'
    Python types)."""
    kept = (np.ndarray, pd.api.extensions.ExtensionArray, pd.Series)
    arrays, kinds, long = {}, {}, {}
    for name, values in columns.items():
        if isinstance(values, kept):
            arrays[name] = values
        elif len(values) >= ARROW_INFERENCE_MIN and type(values[0]) is str:
            long[name] = values
        else:
            kinds[name] = set(map(type, values))
    if long:
        for name, strings in zip(long, long_string_arrays(list(long.values()))):
            if strings is None:
                kinds[name] = set(map(type, long[name]))
            else:
                arrays[name] = strings
    return arrays, kinds


def _string_columns(columns: dict[str, Sequence], kinds: dict[str, set]) -> dict:
    """The columns holding nothing but ``str`` (``kinds``: their Python types) as pandas' ``str``
    arrays, converted by pyarrow together (one conversion, each column a slice of it: the fixed
    cost of a conversion paid once per table); empty when pandas keeps strings as objects."""
    names = [name for name, k in kinds.items() if len(k) == 1 and str in k]
    if not names or not _ARROW_STR:
        return {}
    joined = pa.array(list(chain.from_iterable(columns[name] for name in names)), type=pa.large_string())
    out, start = {}, 0
    for name in names:
        n = len(columns[name])
        out[name] = string_array(joined.slice(start, n))
        start += n
    return out


def _nones(kinds: dict[str, set]) -> tuple[str, ...]:
    """The columns holding nothing but None (``kinds``: their Python types): kept as objects."""
    return tuple(name for name, k in kinds.items() if k == _NONE)


ARROW_INFERENCE_MIN = 256  # values in a column: below, checking their types first costs less than pyarrow's fixed cost


def long_strings(values: Sequence):
    """``long_string_arrays`` of one column of at least ``ARROW_INFERENCE_MIN`` values starting
    with a string; None for a shorter column or one starting otherwise (their types are checked instead)."""
    return long_string_arrays([values])[0] if len(values) >= ARROW_INFERENCE_MIN and type(values[0]) is str else None


def long_string_arrays(columns: list[Sequence]) -> list:
    """Columns of Python strings as pandas' ``str`` arrays, each converted by pyarrow in one pass:
    its inference gives ``string`` with no nulls only when every value is a ``str`` (any other
    value, None, bytes or a number, makes another type, nulls or an error); None for a column
    that is not all strings (and for every column when pandas keeps strings as objects). The
    columns' conversions to pandas' large strings are made together (one cast of a chunked array:
    a cast's fixed cost is several times a short column's own)."""
    if not _ARROW_STR:
        return [None] * len(columns)
    inferred = []
    for values in columns:
        try:
            array = pa.array(values)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            array = None
        inferred.append(array if array is not None and array.type == pa.string() and not array.null_count else None)
    strings = [array for array in inferred if array is not None]
    large = pa.chunked_array(strings, type=pa.string()).cast(pa.large_string()).chunks if strings else []
    if len(large) != len(strings):  # (a cast keeps the chunks; should one not, each column is cast alone)
        large = [array.cast(pa.large_string()) for array in strings]
    cast = iter(large)
    return [None if array is None else string_array(next(cast)) for array in inferred]


def _ints_among_floats(kinds: set, values: Sequence) -> bool:
    """Whether pandas makes float64 of these values: floats with some ints, all within int64
    (each int becomes ``float(int)``, as numpy converts it); larger ints make pandas choose."""
    if not (int in kinds and not kinds.isdisjoint(_FLOATS) and kinds <= _FLOATS | {int}):
        return False
    try:  # Python's min and max over the numbers: every int within int64 when both bounds are (a NaN or a float
        low, high = min(values), max(values)  # beyond int64 among them only sends the column to the check below)
        if -2**63 <= low and high < 2**63:
            return True
    except (TypeError, OverflowError):
        pass
    return all(-2**63 <= v < 2**63 for v in values if type(v) is int)


FLOAT_BLOCK_SHARE = 0.85  # of a table's columns floats: its float block built at once, the few others inserted


def float_block_frame(columns: dict[str, Sequence], arrays: dict, kinds: dict[str, set], floats: list[str]) -> pd.DataFrame:
    """``frame_from_columns`` for a table of mostly float columns: those converted in one call
    into a 2-D array that becomes the frame's float block as it is (pandas' per-column checks cost
    more than the conversion of a short table), the other columns inserted at their places
    (``block_frame``; ``arrays``: the columns already arrays; ``kinds``: the others' Python types)."""
    block = np.array([columns[name] for name in floats], dtype=np.float64)  # a row per column: pandas' layout
    in_block = set(floats)
    strings = _string_columns(columns, {name: k for name, k in kinds.items() if name not in in_block})
    others = {name: arrays[name] if name in arrays else strings[name] if name in strings else _typed_as(kinds[name], columns[name], False)
              for name in columns if name not in in_block}
    others |= _inferred(columns, [name for name, array in others.items() if array is None])
    return block_frame(block, floats, others, list(columns), _nones(kinds))


def block_frame(block: np.ndarray, floats: list[str], others: dict, order: list[str], objects: Collection[str] = ()) -> pd.DataFrame:
    """A table whose ``floats`` columns are the rows of ``block`` (pandas' layout of a float block:
    a row per column, taken as it is) and whose ``others`` columns (name → array) take their places
    in ``order`` (every name once, ``floats`` in their order within it): ``frame_of_arrays`` with
    the float block given (``objects``: as there)."""
    return frame_of_arrays({name: others[name] for name in order if name in others}, order, (block, floats), objects)


class YearsBlock:
    """Several years' hourly arrays kept as one table's float block while a run records them: each
    year's float64 arrays copied, as the year is recorded (while they are still in the processor's
    caches), into the year's stretch of one 2-D array — a row per name, the years one after the
    other: pandas' layout of a float block — allocated at the first year for ``n_years`` years of
    its length. The table is that array as it is (``block_frame``): nothing is left to join at the
    run's end. ``years``: the years copied in, in order. A year whose names (or their order) or
    length differ from the first year's, or a year beyond ``n_years``, leaves the block unusable
    (``complete`` false); the years' arrays are then joined from the dicts ``add`` returned."""

    def __init__(self, n_years: int):
        self.n_years = n_years
        self.years: list[int] = []
        self.keys: list[str] = []  # the first year's names, in order
        self.floats: list[str] = []  # those of float64 arrays in the first year: the block's rows
        self.length = 0  # hours in a year, the first year's
        self.values: np.ndarray | None = None
        self.usable = n_years > 0

    def add(self, year: int, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Copy ``year``'s arrays of the block's names into the block; returns ``arrays`` with those
        replaced by their copies (views of the block), or ``arrays`` as given once the block is unusable."""
        keys = list(arrays)
        if self.usable and not self.years and keys:
            self.keys = keys
            self.floats = [k for k in keys if np.asarray(arrays[k]).dtype == np.float64]
            self.length = len(next(iter(arrays.values())))
            self.values = np.empty((len(self.floats), self.n_years * self.length))
        if not self.usable or not keys or keys != self.keys or len(self.years) == self.n_years \
                or len(next(iter(arrays.values()))) != self.length:
            self.usable = False
            return arrays
        start = len(self.years) * self.length
        part = self.values[:, start:start + self.length]
        for row, key in enumerate(self.floats):
            part[row] = arrays[key]
        self.years.append(year)
        return arrays | dict(zip(self.floats, part))

    def complete(self) -> bool:
        """Whether the block holds every year announced, all with the first year's names and length."""
        return self.usable and len(self.years) == self.n_years


def frame_of_arrays(columns: dict, order: Sequence[str] | None = None, float_block: tuple | None = None,
                    objects: Collection[str] = ()) -> pd.DataFrame:
    """``pd.DataFrame(columns)`` for columns (name → values, in ``order``, default the dict's) that
    are 1-D numpy arrays of numbers or booleans (or objects: None and bools), pandas' ``str``
    arrays, or Series of those or of objects (on a default index), all of one length: the frame's
    blocks made directly (one 2-D block per numpy dtype, as pandas consolidates them; each string
    array its own), without pandas' per-column checks. ``float_block``: (a 2-D float64 array, a
    row per column, taken as it is; its column names), columns beside ``columns``. ``objects``:
    the names of object arrays kept as Python objects whatever they hold (lists, strings, None),
    as a Series of dtype object keeps them. Any other column (a list, an object array pandas would
    infer strings from, dates) leaves the whole table to pandas."""
    order = list(columns) if order is None else list(order)
    rows = float_block[0].shape[1] if float_block is not None else len(columns[order[0]]) if order else -1
    if rows < 0 or create_dataframe_from_blocks is None or any(len(values) != rows for values in columns.values()):
        return _pandas_frame(columns, order, float_block, objects)
    groups: dict = {}
    extension = {}
    for name, values in columns.items():
        kept = name in objects
        if isinstance(values, pd.Series):
            if not values.index.equals(pd.RangeIndex(rows)):
                return _pandas_frame(columns, order, float_block, objects)
            values = values.array if values.dtype == _STR_DTYPE else values.to_numpy() if isinstance(values.dtype, np.dtype) else values
            kept = True  # a Series' objects stay objects (pandas infers nothing from a Series)
        if isinstance(values, np.ndarray) and values.ndim == 1:
            if not (values.dtype.kind in "fiub" or kept or values.dtype == object and _objects_kept(values)):
                return _pandas_frame(columns, order, float_block, objects)
            groups.setdefault(values.dtype, []).append((name, values))
        elif isinstance(values, pd.arrays.ArrowStringArray) and values.dtype == _STR_DTYPE:
            extension[name] = values
        else:
            return _pandas_frame(columns, order, float_block, objects)
    position = {name: at for at, name in enumerate(order)}
    blocks = [(values.copy(), np.array([position[name]])) for name, values in extension.items()]
    if float_block is not None:
        block, floats = float_block
        blocks.append((block, np.array([position[name] for name in floats], dtype=np.intp)))
    for dtype, named in groups.items():
        stacked = np.empty((len(named), rows), dtype=dtype)  # a row per column: pandas' layout
        for row, (_, values) in enumerate(named):
            stacked[row] = values  # copied, as pandas copies a dict's arrays
        blocks.append((stacked, np.array([position[name] for name, _ in named], dtype=np.intp)))
    return create_dataframe_from_blocks(blocks, pd.RangeIndex(rows), column_index(tuple(order)).view())


def _objects_kept(values: np.ndarray) -> bool:
    """Whether pandas keeps this object array as objects in a frame: it holds only None and bools
    (pandas infers strings or dates from an object array, nothing from these)."""
    return set(map(type, values.tolist())) <= {type(None), bool}


def _pandas_frame(columns: dict, order: list[str], float_block: tuple | None, objects: Collection[str] = ()) -> pd.DataFrame:
    """``frame_of_arrays`` by pandas' own constructor (columns it does not make blocks of)."""
    if float_block is not None:
        block, floats = float_block
        columns = columns | dict(zip(floats, block))
    kept = {name: pd.Series(columns[name], dtype=object) for name in objects if isinstance(columns.get(name), np.ndarray)}
    return pd.DataFrame({name: kept.get(name, columns[name]) for name in order})


@lru_cache(maxsize=256)
def column_index(names: tuple[str, ...]) -> pd.Index:
    """The columns' index pandas builds from these names (one per set of names; each frame takes a view,
    so a name set on one frame's columns stays its own)."""
    return pd.Index(list(names))


def _inferred(columns: dict[str, Sequence], names: list[str]) -> dict:
    """The ``names`` columns typed by pandas together, as from rows (mixed or unusual values)."""
    if not names:
        return {}
    inferred = pd.DataFrame.from_records(list(zip(*(columns[name] for name in names))), columns=names)
    return {name: inferred[name] for name in names}


def frame_from_rows(rows: list, names: Sequence[str]) -> pd.DataFrame:
    """``pd.DataFrame(rows, columns=names)`` for rows of tuples (or dicts holding every name), built
    column by column; rows of uneven length, dicts lacking a name, or no rows at all go to pandas."""
    if isinstance(rows, list) and not rows:
        return empty_frame(names)
    columns = row_columns(rows, names)
    return pd.DataFrame(rows, columns=list(names)) if columns is None else frame_from_columns(columns)


def frame_from_dicts(rows: list[dict]) -> pd.DataFrame:
    """``pd.DataFrame(rows)`` for a list of dicts, built column by column when every dict has the
    same keys in the same order (pandas' columns then are those keys); otherwise pandas builds it."""
    names = tuple(rows[0]) if rows else ()
    if not rows or not names or any(tuple(row) != names for row in rows):
        return pd.DataFrame(rows)
    return frame_from_columns(dict(zip(names, zip(*(row.values() for row in rows)))))


def empty_frame(names: Sequence[str]) -> pd.DataFrame:
    """``pd.DataFrame(columns=list(names))``: a copy of one built once per set of names (an empty
    table is built in ~0.2 ms, copied in ~0.01 ms; many runs have no reviews, no measured data)."""
    return _empty_template(tuple(names)).copy()


@lru_cache(maxsize=64)
def _empty_template(names: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(columns=list(names))


def row_columns(rows: list, names: Sequence[str]) -> dict[str, Sequence] | None:
    """Name → the column's values, from rows of tuples (or dicts holding every name); None when
    ``frame_from_rows`` leaves the rows to pandas (no rows, uneven rows, a dict lacking a name)."""
    if not rows:
        return None
    try:
        if isinstance(rows[0], dict):
            values = [[row[name] for row in rows] for name in names]
        else:
            values = list(zip(*rows, strict=True))
            if len(values) != len(names):
                raise ValueError("rows and names differ in length")
    except (KeyError, ValueError, TypeError):
        return None
    return dict(zip(names, values))


# values whose plain (np.add.reduceat) and compensated sums differ: tell pandas' two ways apart
_PROBE = [(-1.0) ** i * 10.0 ** (i % 17) / 3.0 for i in range(64)]


@lru_cache(maxsize=1)
def reduceat_for_contiguous_groups() -> bool:
    """Whether this pandas sums a group whose rows are contiguous (and hold no NaN) with
    ``np.add.reduceat`` (pandas ≥ 3.1) rather than with its compensated sum: probed once, on
    values where the two differ."""
    plain = float(np.add.reduceat(np.array(_PROBE), [0])[0])
    by_pandas = float(pd.Series(_PROBE).groupby([0] * len(_PROBE), sort=False).sum().iloc[0])
    return by_pandas == plain != _compensated_sums([0] * len(_PROBE), _PROBE)[0]


def codes_of(values, codes: dict) -> np.ndarray:
    """Each value's code in ``codes`` (value → code), the values not in it yet added first with the
    next codes, in the order they first appear [int array aligned with ``values``]."""
    for value in dict.fromkeys(values):
        codes.setdefault(value, len(codes))
    return np.fromiter(map(codes.__getitem__, values), dtype=np.intp, count=len(values))


def grouped_sums(keys, values) -> dict:
    """Σ ``values`` by key, keys in the order they first appear, bit for bit as pandas'
    ``groupby(..., sort=False).sum()`` computes it, read as a dict without building a groupby.
    pandas sums groups with a compensated (Kahan) sum that skips NaN (a group of NaN sums to 0),
    or, from 3.1, groups whose rows are contiguous with no NaN among the values with
    ``np.add.reduceat``: the same paths here. ``keys`` are names (or an integer array), never missing."""
    keys = keys if isinstance(keys, np.ndarray) else list(keys)
    values = np.asarray(values, dtype=float) if isinstance(values, np.ndarray) else np.fromiter(values, dtype=float, count=len(keys))
    if isinstance(keys, np.ndarray):
        sums = _integer_block_sums(keys, values) if keys.dtype.kind in "iu" else None  # integer keys (years): blocks found with numpy
        if sums is not None:
            return sums
        keys = keys.tolist()
    codes: dict = {}
    index = codes_of(keys, codes)
    step = np.diff(index)
    if len(values) and bool(((step == 0) | (step == 1)).all()):  # each key's rows one block
        sums = block_sums(np.flatnonzero(np.r_[True, step != 0]), values)
        if sums is not None:
            return dict(zip(codes, sums.tolist()))
    return _compensated_sums(keys, values.tolist())


def _integer_block_sums(keys: np.ndarray, values: np.ndarray) -> dict | None:
    """``grouped_sums`` for integer keys each of whose rows are one block (a run's years): Σ by
    block, keys as Python ints in order; None when a key's rows are not one block (or pandas would
    not sum them with ``np.add.reduceat``)."""
    if not len(keys):
        return None
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    firsts = keys[starts]
    if len(np.unique(firsts)) != len(firsts):
        return None
    sums = block_sums(starts, values)
    return None if sums is None else dict(zip(firsts.tolist(), sums.tolist()))


def block_sums(starts, values: np.ndarray) -> np.ndarray | None:
    """Σ ``values`` over the blocks of rows beginning at ``starts`` (each group's rows one block,
    ``values`` not empty) as pandas' groupby sums such groups: ``np.add.reduceat``; None when pandas
    sums them otherwise (a NaN among the values, or a pandas before 3.1: its compensated sum)."""
    if np.isnan(values).any() or not reduceat_for_contiguous_groups():
        return None
    return np.add.reduceat(values, starts)


def _compensated_sums(keys: list, values: list[float]) -> dict:
    """Σ ``values`` by key with Kahan compensation, NaN skipped (pandas' cython groupby sum)."""
    sums: dict = {}
    compensation: dict = {}
    for key, value in zip(keys, values):
        total = sums.get(key, 0.0)
        if math.isnan(value):  # NaN: skipped, the group still counts
            sums[key] = total
            continue
        error = compensation.get(key, 0.0)
        y = value - error
        t = total + y
        error = t - total - y
        compensation[key] = 0.0 if math.isnan(error) else error  # an infinite value: no compensation
        sums[key] = t
    return sums
