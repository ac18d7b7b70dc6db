"""What a batch says: bands of every annual indicator, the chance of meeting each target by
each year, the distribution of pathway cost, and which uncertain input matters most.

All functions take the batch's stacked annual table (one row per replicate × year, column
``replicate``) and are usable on any such table, not only a stored batch.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import periodogram
from scipy.stats import norm

from parktwin.experiments.design import MORRIS_LEVELS, salib_problem
from parktwin.experiments.storage import atomic_write_bytes, atomic_write_parquet
from parktwin.results.milestones import Target, default_targets

QUANTILES = (0.1, 0.5, 0.9)
SENSITIVITY_METHODS = ("rbd_fast", "delta", "morris", "sobol")
MIN_RUNS_GIVEN_DATA = 40  # below this RBD-FAST / delta indices are noise; they are not computed


# -- bands and probabilities -------------------------------------------------------------------------
def indicator_columns(annual: pd.DataFrame) -> list[str]:
    """Numeric annual indicators (not the keys, not the sampled inputs)."""
    skip = {"replicate", "year", "year_index", "phase"}
    return [c for c in annual.columns if c not in skip and not c.startswith("input_")
            and (pd.api.types.is_numeric_dtype(annual[c]) or pd.api.types.is_bool_dtype(annual[c]))]


def quantiles(annual: pd.DataFrame, columns: list[str] | None = None, q: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
    """P10/P50/P90 (``q``) and the mean of every indicator by year, long: year, indicator, p10, p50, p90, mean.

    One grouped quantile and one grouped mean over all columns (pandas' own per-column sums and
    interpolation, so the same numbers as column by column), laid out long with numpy."""
    columns = list(columns or indicator_columns(annual))
    frame = annual[["year", *columns]].astype({c: float for c in columns})
    grouped = frame.groupby("year", sort=True)[columns]
    bands = grouped.quantile(list(q))  # rows (year, q), one column per indicator
    means = grouped.mean()
    years = means.index.to_numpy()
    long = {"year": np.tile(years, len(columns)), "indicator": np.repeat(np.array(columns, dtype=object), len(years))}
    for p in q:
        long[f"p{round(p * 100):02d}"] = bands.xs(p, level=1).to_numpy().T.ravel()
    long["mean"] = means.to_numpy().T.ravel()
    return pd.DataFrame(long)


def probabilities(annual: pd.DataFrame, targets: tuple[Target, ...] | None = None) -> pd.DataFrame:
    """Share of replicates meeting each target, by year: ``p_in_year`` (met in that year) and
    ``p_by_year`` (met in that year or any earlier one)."""
    targets = targets or default_targets()
    parts = []
    frame = annual.sort_values(["replicate", "year"])
    for target in targets:
        if target.column not in frame:
            continue
        met = target.met(frame[target.column]).astype(float)
        ever = met.groupby(frame["replicate"].to_numpy()).cummax()
        part = pd.DataFrame({"year": frame["year"].to_numpy(), "in": met.to_numpy(), "by": ever.to_numpy()})
        part = part.groupby("year", sort=True).mean()
        parts.append(pd.DataFrame({"year": part.index, "target": target.key, "label": target.label_en,
                                   "p_in_year": part["in"].to_numpy(), "p_by_year": part["by"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


# -- cost ---------------------------------------------------------------------------------------------
def pathway_cost_cny(annual: pd.DataFrame) -> pd.Series:
    """Pathway cost of each replicate [CNY of the base year]: its yearly system cost (capex, O&M,
    energy, certificates, offsets) discounted at the scenario's social rate, less the discounted
    value of the capacity left at the end — the same number as ``Results.pathway_cost_npv_cny``."""
    df = annual["discount_factor"].astype(float)
    per_year = annual["system_cost_cny"].astype(float) * df
    rate = annual.groupby("replicate")["discount_factor"].agg(lambda d: d.iloc[0] / d.iloc[1] - 1.0 if len(d) > 1 else 0.0)
    residual = (annual["residual_value_cny"].astype(float) * df).groupby(annual["replicate"].to_numpy()).sum()
    cost = per_year.groupby(annual["replicate"].to_numpy()).sum() - residual / (1.0 + rate.reindex(residual.index).to_numpy())
    return cost.rename("pathway_cost_cny").rename_axis("replicate")


pathway_cost_cny.columns = ("system_cost_cny", "discount_factor", "residual_value_cny")  # what it reads


def private_cost_cny(annual: pd.DataFrame) -> pd.Series:
    """The parties' own cost of each replicate's pathway [CNY of the base year]: Σ ``private_pv_cny``
    (each party's cash flows at its own rate, debt owed and residual value at the end) — the same
    number as ``Results.private_npv_cny``."""
    return annual["private_pv_cny"].astype(float).groupby(annual["replicate"].to_numpy()).sum() \
        .rename("private_cost_cny").rename_axis("replicate")


def outputs(annual: pd.DataFrame, cost=pathway_cost_cny) -> pd.DataFrame:
    """Per replicate: net emissions in the final year [tCO₂], the pathway's system cost [CNY] and,
    when the table has it, its private cost [CNY]."""
    last = int(annual["year"].max())
    final = annual.loc[annual["year"] == last].set_index("replicate")["net_tco2"].astype(float)
    out = {f"net_tco2_{last}": final, "pathway_cost_cny": cost(annual)}
    if "private_pv_cny" in annual.columns:
        out["private_cost_cny"] = private_cost_cny(annual)
    return pd.DataFrame(out).sort_index()


# -- sensitivity ----------------------------------------------------------------------------------------
RBD_FAST_RESAMPLES = 100  # bootstrap resamples of an RBD-FAST index (SALib's default)
RBD_FAST_CONF_LEVEL = 0.95  # ... and the level of its interval (SALib's default)


def rbd_fast_s1(x: np.ndarray, y: np.ndarray, harmonics: int, seed: int,
                resamples: int = RBD_FAST_RESAMPLES, conf_level: float = RBD_FAST_CONF_LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """RBD-FAST first-order indices S1 of ``y`` to each column of ``x`` and their bootstrap interval
    half-widths: SALib's ``rbd_fast.analyze`` (same estimator, same random draws in the same order,
    same numbers), with each input's ``resamples`` bootstrap samples analysed as one 2-D array
    (one periodogram call instead of one per resample: SALib's loop took ~0.2 s an output at 200 runs,
    serial work at a batch's end)."""
    # import here: SALib costs 0.14 s (analyze) after import parktwin (measured); only sensitivity needs it
    from SALib.analyze.rbd_fast import compute_first_order, unskew_S1
    from SALib.util import handle_seed

    rng = handle_seed(seed)
    runs = y.size
    half = int(runs * 0.5)  # a bootstrap sample uses half the runs
    s1, conf = np.zeros(x.shape[1]), np.zeros(x.shape[1])
    for i in range(x.shape[1]):
        s1[i] = unskew_S1(compute_first_order(permuted_outputs(x[:, i], y), harmonics), harmonics, runs)
        # SALib draws rng.choice(runs, replace=True, size=half) per resample; numpy's Generator.choice without p
        # draws exactly integers(0, runs, size, dtype=int64) (numpy/random/_generator.pyx), at about half the cost;
        # one draw per resample as SALib does (one draw of all would not give the same numbers)
        picks = np.stack([rng.integers(0, runs, size=half, dtype=np.int64) for _ in range(resamples)])
        boot = unskew_S1(first_order_rows(permuted_outputs(x[:, i][picks], y[picks]), harmonics), harmonics, half)
        conf[i] = norm.ppf(0.5 + conf_level / 2.0) * boot.std(ddof=1)
    return s1, conf


def permuted_outputs(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y`` ordered along the last axis by rising ``x`` at even ranks, then falling at odd ranks
    (Plischke 2010, EASI; SALib's ``permute_outputs`` row by row)."""
    order = np.argsort(x, axis=-1)
    order = np.concatenate([order[..., ::2], order[..., 1::2][..., ::-1]], axis=-1)
    return np.take_along_axis(y, order, axis=-1)


def first_order_rows(permuted: np.ndarray, harmonics: int) -> np.ndarray:
    """SALib's ``compute_first_order`` for each row of ``permuted``: the periodogram's power in the
    first ``harmonics`` frequencies over its total (without the mean)."""
    _, power = periodogram(permuted, axis=-1)
    return power[:, 1:harmonics + 1].sum(axis=-1) / power[:, 1:].sum(axis=-1)


def sensitivity(x: np.ndarray, y: np.ndarray, names: list[str], method: str = "rbd_fast", seed: int = 0,
                salib_x: np.ndarray | None = None) -> pd.DataFrame:
    """Global sensitivity of output ``y`` (one value per run) to the inputs (columns of ``x``).

    - ``rbd_fast`` (default on LHS/random batches): first-order variance-based index S1 from the
      batch itself (Plischke's given-data RBD-FAST, SALib), with a bootstrap interval;
    - ``delta``: Borgonovo's moment-independent δ (and S1) from the same data;
    - ``morris``: μ* and σ of elementary effects (needs the Morris design; ``salib_x``);
    - ``sobol``: Sobol' first-order S1 and total ST (needs the Saltelli design, runs in its order).

    ``x`` holds the unit-interval design (ranks of the inputs), which the given-data methods
    need only up to monotone transformation. Returns long rows: input, index, value, conf.
    """
    # import here: SALib costs 0.03 s (sample) / 0.14 s (analyze) after import parktwin (measured); only designs and sensitivity need it
    from SALib.analyze import delta, morris
    from SALib.analyze import sobol as sobol_analyze


    y = np.asarray(y, dtype=float)
    problem = salib_problem(names)
    rows: list[tuple[str, str, float, float]] = []
    if len(names) == 0:
        return pd.DataFrame(columns=["input", "index", "value", "conf"])
    if not np.all(np.isfinite(y)) or np.ptp(y) == 0:  # nothing varies: every index is 0
        index = {"rbd_fast": "S1", "delta": "delta", "morris": "mu_star", "sobol": "S1"}[method]
        return pd.DataFrame([(n, index, 0.0, 0.0) for n in names], columns=["input", "index", "value", "conf"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "rbd_fast":
            # M harmonics; the bootstrap uses half the runs and needs 2M well below that
            harmonics = max(1, min(10, len(y) // 8))
            s1, conf = rbd_fast_s1(np.asarray(x, float), y, harmonics, seed)
            rows += [(n, "S1", s1[i], conf[i]) for i, n in enumerate(names)]
        elif method == "delta":
            res = delta.analyze(problem, np.asarray(x, float), y, seed=seed + 1, num_resamples=20, method="all")  # SALib seeds only when truthy
            key = "delta_raw" if "delta_raw" in res else "delta"  # SALib ≥ 1.5 names the plain bootstrap "raw"
            rows += [(n, "delta", res[key][i], res[f"{key}_conf"][i]) for i, n in enumerate(names)]
            rows += [(n, "S1", res["S1"][i], res["S1_conf"][i]) for i, n in enumerate(names)]
        elif method == "morris":
            if salib_x is None:
                raise ValueError("Morris indices need the Morris design (run the batch with design='morris')")
            res = morris.analyze(problem, np.asarray(salib_x, float), y, num_levels=MORRIS_LEVELS, seed=seed)
            rows += [(n, "mu_star", res["mu_star"][i], res["mu_star_conf"][i]) for i, n in enumerate(names)]
            rows += [(n, "sigma", res["sigma"][i], math.nan) for i, n in enumerate(names)]
        elif method == "sobol":
            res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
            rows += [(n, "S1", res["S1"][i], res["S1_conf"][i]) for i, n in enumerate(names)]
            rows += [(n, "ST", res["ST"][i], res["ST_conf"][i]) for i, n in enumerate(names)]
        else:
            raise ValueError(f"method must be one of {SENSITIVITY_METHODS} (got {method!r})")
    return pd.DataFrame(rows, columns=["input", "index", "value", "conf"]).astype({"value": float, "conf": float})


def default_method(design: str) -> str:
    """The sensitivity method a design supports: its own for Morris and Sobol, RBD-FAST otherwise."""
    return design if design in ("morris", "sobol") else "rbd_fast"


def ranking_index(method: str) -> str:
    """The index inputs are ranked by."""
    return {"rbd_fast": "S1", "delta": "delta", "morris": "mu_star", "sobol": "ST"}[method]


# -- the summary of a batch ---------------------------------------------------------------------------
@dataclass
class BatchSummary:
    """Every summary of one batch; ``save`` writes them as Parquet + summary.json."""

    quantiles: pd.DataFrame
    probabilities: pd.DataFrame
    outputs: pd.DataFrame  # per replicate: final-year net emissions, pathway cost
    sensitivity: pd.DataFrame  # output, method, input, index, value, conf, rank
    headline: dict = field(default_factory=dict)

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("quantiles", "probabilities", "outputs", "sensitivity"):
            frame = getattr(self, name)
            atomic_write_parquet(frame.reset_index() if name == "outputs" else frame, folder / f"{name}.parquet")
        atomic_write_bytes(json.dumps(self.headline, indent=2, default=_json_default).encode(), folder / "summary.json")
        return folder

    def text(self) -> str:
        """A few lines for the terminal."""
        h = self.headline
        y = h["final_year"]
        lines = [f"{h['runs']} runs, {h['years'][0]}–{y}"]
        for key, label in (("p_net_zero", f"P(net ≤ 0 in {y})"), ("p_core_met", f"P(core indicator met in {y})"),
                           ("p_clean_energy_share", f"P(clean-energy share ≥ 90 % in {y})")):
            if key in h:
                lines.append(f"  {label}: {h[key]:.0%}")
        net = h["net_tco2_final"]
        lines.append(f"  net emissions {y}: P50 {net['p50']:,.0f} tCO2 (P10 {net['p10']:,.0f} – P90 {net['p90']:,.0f})")
        cost = h["pathway_cost_cny"]
        lines.append(f"  pathway cost: P50 {cost['p50'] / 1e9:,.2f} bn CNY (P10 {cost['p10'] / 1e9:,.2f} – P90 {cost['p90'] / 1e9:,.2f})")
        if "private_cost_cny" in h:
            cost = h["private_cost_cny"]
            lines.append(f"  private cost (parties' own rates): P50 {cost['p50'] / 1e9:,.2f} bn CNY "
                         f"(P10 {cost['p10'] / 1e9:,.2f} – P90 {cost['p90'] / 1e9:,.2f})")
        for output, ranked in h.get("top_inputs", {}).items():
            if ranked:
                shown = ", ".join(f"{name} {value:.2f}" for name, value in ranked[:3])
                how = h["sensitivity_method"] if h["sensitivity_method"] == h["sensitivity_index"] else \
                    f"{h['sensitivity_method']} {h['sensitivity_index']}"
                lines.append(f"  most influential on {output} ({how}): {shown}")
        return "\n".join(lines)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _band(values: pd.Series) -> dict[str, float]:
    v = values.astype(float)
    return {"p10": float(v.quantile(0.1)), "p50": float(v.quantile(0.5)), "p90": float(v.quantile(0.9)), "mean": float(v.mean())}


def summarise(annual: pd.DataFrame, unit: np.ndarray, names: list[str], design: str = "lhs",
              method: str | None = None, salib_x: np.ndarray | None = None, seed: int = 0,
              cost=pathway_cost_cny, targets: tuple[Target, ...] | None = None) -> BatchSummary:
    """Summaries of a stacked annual table whose replicates ``0..runs-1`` used design ``unit``."""
    return summarise_parts(quantiles(annual), probabilities(annual, targets), outputs(annual, cost),
                           unit, names, design, method, salib_x, seed)


def summarise_parts(q: pd.DataFrame, p: pd.DataFrame, out: pd.DataFrame, unit: np.ndarray, names: list[str],
                    design: str = "lhs", method: str | None = None, salib_x: np.ndarray | None = None,
                    seed: int = 0) -> BatchSummary:
    """``summarise`` from its parts (bands, probabilities, per-replicate outputs), so a large
    batch can compute them column by column."""
    method = method or default_method(design)
    if design in ("morris", "sobol") and method != design:
        raise ValueError(f"a {design} design is analysed with method {design!r}")
    if design not in ("morris", "sobol") and method in ("morris", "sobol"):
        raise ValueError(f"method {method!r} needs design {method!r}")
    runs = len(out)
    parts = []
    enough = runs >= MIN_RUNS_GIVEN_DATA or method in ("morris", "sobol")
    if names and enough and len(unit) == runs:
        for column in out.columns:
            s = sensitivity(unit, out[column].to_numpy(), names, method, seed, salib_x)
            s.insert(0, "method", method)
            s.insert(0, "output", column)
            parts.append(s)
    sens = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["output", "method", "input", "index", "value", "conf"])
    rank_by = ranking_index(method)
    sens["rank"] = np.nan
    for column in out.columns:
        mask = (sens["output"] == column) & (sens["index"] == rank_by)
        sens.loc[mask, "rank"] = sens.loc[mask, "value"].rank(ascending=False, method="first")
    last = int(q["year"].max())
    final = p[p["year"] == last].set_index("target")["p_in_year"]
    headline = {
        "runs": runs,
        "years": [int(q["year"].min()), last],
        "final_year": last,
        "net_tco2_final": _band(out[f"net_tco2_{last}"]),
        "pathway_cost_cny": _band(out["pathway_cost_cny"]),
        **({"private_cost_cny": _band(out["private_cost_cny"])} if "private_cost_cny" in out else {}),
        "sensitivity_method": method,
        "sensitivity_index": rank_by,
        "sensitivity_note": None if (enough or not names) else f"not computed: fewer than {MIN_RUNS_GIVEN_DATA} runs",
        "top_inputs": {
            column: [(r.input, float(r.value)) for r in
                     sens[(sens["output"] == column) & (sens["index"] == rank_by)].sort_values("rank").itertuples()]
            for column in out.columns
        },
    }
    for key, target in (("p_net_zero", "net_zero"), ("p_core_met", "core_met"), ("p_clean_energy_share", "clean_energy_share")):
        if target in final:
            headline[key] = float(final[target])
    return BatchSummary(q, p, out, sens, headline)
