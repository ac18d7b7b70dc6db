"""Designs: bounds, Latin-hypercube strata, rank correlations (Iman–Conover), seeds; and the
sensitivity methods against the Ishigami function's published indices."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import rbd_fast
from scipy import stats

from parktwin.experiments.design import iman_conover, make_design, replicate_seed, sampler_rng
from parktwin.experiments.summary import pathway_cost_cny, probabilities, quantiles, rbd_fast_s1, sensitivity
from parktwin.spec.uncertainty import Uncertainty


def _unc(block: dict) -> Uncertainty:
    return Uncertainty.model_validate(block)


MIXED = {
    "u": {"path": "a", "dist": "uniform", "low": 2.0, "high": 5.0},
    "t": {"path": "b", "dist": "triangular", "low": 0.0, "mode": 0.2, "high": 1.0},
    "n": {"path": "c", "dist": "normal", "mean": 0.5, "std": 0.3, "low": 0.0, "high": 1.0},
    "ln": {"path": "d", "dist": "lognormal", "median": 70.0, "sigma": 0.35, "high": 150.0},
    "year": {"path": "e", "dist": "uniform", "low": 2027, "high": 2029, "integer": True},
    "pick": {"path": "f", "dist": "choice", "values": ["x", "y", "z"], "weights": [1, 1, 2]},
}


@pytest.mark.parametrize("design", ["lhs", "random"])
def test_samples_respect_bounds_and_shapes(design):
    d = make_design(_unc(MIXED), design, 2000, batch_seed=4)
    s = d.samples
    assert len(s) == 2000 and list(s.columns) == ["replicate", "run_seed", *MIXED]
    assert s["u"].between(2, 5).all() and s["t"].between(0, 1).all() and s["n"].between(0, 1).all()
    assert (s["ln"] > 0).all() and (s["ln"] <= 150).all()
    assert set(s["year"]) == {2027, 2028, 2029} and s["year"].dtype.kind == "i"
    counts = s["year"].value_counts(normalize=True)
    assert np.allclose(counts.sort_index().to_numpy(), 1 / 3, atol=0.02)
    share = s["pick"].value_counts(normalize=True)
    assert share["z"] == pytest.approx(0.5, abs=0.03) and share["x"] == pytest.approx(0.25, abs=0.03)
    # shapes: triangular mean (a+b+c)/3; lognormal median (the truncation at 150 is far above it)
    assert s["t"].mean() == pytest.approx(0.4, abs=0.01)
    assert s["ln"].median() == pytest.approx(70, rel=0.03)
    assert s["u"].mean() == pytest.approx(3.5, abs=0.03)


def test_lhs_puts_one_point_in_every_stratum_even_after_correlating():
    block = {
        "a": {"path": "a", "dist": "uniform", "low": 0, "high": 1},
        "b": {"path": "b", "dist": "uniform", "low": 0, "high": 1, "rank_correlation": {"a": 0.8}},
        "c": {"path": "c", "dist": "uniform", "low": 0, "high": 1},
    }
    n = 500
    d = make_design(_unc(block), "lhs", n, batch_seed=1)
    for j in range(3):
        strata = np.floor(d.unit[:, j] * n).astype(int)
        assert sorted(strata) == list(range(n))


def test_rank_correlations_are_imposed():
    block = {
        "a": {"path": "a", "dist": "normal", "mean": 0, "std": 1},
        "b": {"path": "b", "dist": "lognormal", "median": 1, "sigma": 1, "rank_correlation": {"a": 0.7}},
        "c": {"path": "c", "dist": "triangular", "low": 0, "mode": 1, "high": 3, "rank_correlation": {"a": -0.3, "b": -0.2}},
        "d": {"path": "d", "dist": "uniform", "low": 0, "high": 1},
    }
    target = _unc(block).correlation_matrix()
    for design in ("lhs", "random"):
        d = make_design(_unc(block), design, 1000, batch_seed=7)
        rho = stats.spearmanr(d.samples[list(block)].to_numpy()).statistic
        assert np.abs(rho - target).max() < 0.05, (design, rho.round(3))


def test_iman_conover_keeps_the_marginals():
    rng = np.random.default_rng(0)
    unit = rng.random((300, 2))
    target = np.array([[1.0, 0.5], [0.5, 1.0]])
    out = iman_conover(unit, target, np.random.default_rng(1))
    assert np.array_equal(np.sort(out, axis=0), np.sort(unit, axis=0))
    assert stats.spearmanr(out).statistic == pytest.approx(0.5, abs=0.05)


def test_replicate_seeds_depend_on_batch_seed_and_index_only():
    block = {"a": {"path": "a", "dist": "uniform", "low": 0, "high": 1}}
    small = make_design(_unc(block), "lhs", 10, batch_seed=3)
    large = make_design(_unc(block), "lhs", 40, batch_seed=3)
    assert small.samples["run_seed"].tolist() == large.samples["run_seed"].tolist()[:10]
    assert small.samples["run_seed"].nunique() == 10
    assert replicate_seed(3, 5) == int(np.random.SeedSequence(3, spawn_key=(1, 5)).generate_state(1, np.uint64)[0])
    assert replicate_seed(4, 5) != replicate_seed(3, 5)
    again = make_design(_unc(block), "lhs", 10, batch_seed=3)
    pd.testing.assert_frame_equal(small.samples, again.samples)
    other = make_design(_unc(block), "lhs", 10, batch_seed=8)
    assert not np.allclose(other.unit, small.unit)
    # the sampler's stream is separate from the replicates' (spawn key (0,) vs (1, i))
    assert sampler_rng(3).random() == np.random.default_rng(np.random.SeedSequence(3, spawn_key=(0,))).random()


def test_morris_and_sobol_designs_have_their_run_counts():
    block = {k: {"path": k, "dist": "normal", "mean": 0, "std": 1} for k in "abc"}
    morris = make_design(_unc(block), "morris", 5, 0)
    assert morris.runs == 5 * 4 and np.isfinite(morris.samples[["a", "b", "c"]].to_numpy()).all()
    assert set(np.round(morris.unit.ravel(), 6)) <= {0.125, 0.375, 0.625, 0.875}
    sobol = make_design(_unc(block), "sobol", 16, 0)
    assert sobol.runs == 16 * 5 and sobol.salib_x.shape == (80, 3)


# -- sensitivity: the Ishigami function ---------------------------------------------------------------
# f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i ~ U(-π, π), a = 7, b = 0.1 (Ishigami & Homma 1990).
# Analytical indices (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, §4.5):
# S1 = 0.3139, S2 = 0.4424, S3 = 0; ST1 = 0.5576, ST2 = 0.4424, ST3 = 0.2437.
S1 = np.array([0.3139, 0.4424, 0.0])
ST = np.array([0.5576, 0.4424, 0.2437])
ISHIGAMI = {f"x{i}": {"path": f"x{i}", "dist": "uniform", "low": -np.pi, "high": np.pi} for i in (1, 2, 3)}


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def _values(design) -> np.ndarray:
    return design.samples[["x1", "x2", "x3"]].to_numpy(float)


def test_rbd_fast_on_a_latin_hypercube_recovers_ishigami_first_order():
    d = make_design(_unc(ISHIGAMI), "lhs", 4000, batch_seed=11)
    s = sensitivity(d.unit, ishigami(_values(d)), d.names, "rbd_fast").set_index("input")["value"]
    assert np.abs(s.to_numpy() - S1).max() < 0.04, s


def test_delta_on_the_same_batch_ranks_inputs():
    # Borgonovo's δ (moment-independent, from given data); its small-sample bias is large, so
    # check the ranking on a model with clearly separated effects
    block = {k: {"path": k, "dist": "uniform", "low": 0, "high": 1} for k in ("big", "small", "none")}
    d = make_design(_unc(block), "lhs", 400, batch_seed=2)
    x = d.samples[["big", "small", "none"]].to_numpy(float)
    s = sensitivity(d.unit, 2 * x[:, 0] + x[:, 1], d.names, "delta")
    delta = s[s["index"] == "delta"].set_index("input")["value"]
    assert delta["big"] > delta["small"] > delta["none"]
    assert set(s["index"]) == {"delta", "S1"}


def test_sobol_design_recovers_ishigami_first_order_and_total():
    d = make_design(_unc(ISHIGAMI), "sobol", 2048, batch_seed=5)
    s = sensitivity(d.unit, ishigami(_values(d)), d.names, "sobol", salib_x=d.salib_x)
    s1 = s[s["index"] == "S1"].set_index("input")["value"].to_numpy()
    st = s[s["index"] == "ST"].set_index("input")["value"].to_numpy()
    assert np.abs(s1 - S1).max() < 0.05, s1
    assert np.abs(st - ST).max() < 0.05, st


def test_morris_screening_ranks_a_linear_model():
    block = {k: {"path": k, "dist": "uniform", "low": 0, "high": 1} for k in ("big", "small", "none")}
    d = make_design(_unc(block), "morris", 20, batch_seed=1)
    x = d.samples[["big", "small", "none"]].to_numpy(float)
    s = sensitivity(d.unit, 5 * x[:, 0] + x[:, 1], d.names, "morris", salib_x=d.salib_x)
    mu = s[s["index"] == "mu_star"].set_index("input")["value"]
    assert mu["big"] > mu["small"] > mu["none"] and mu["none"] == pytest.approx(0, abs=1e-12)


def test_a_constant_output_has_zero_indices():
    d = make_design(_unc(ISHIGAMI), "lhs", 100, batch_seed=1)
    s = sensitivity(d.unit, np.ones(100), d.names, "rbd_fast")
    assert (s["value"] == 0).all()


# -- summaries on a table made by hand ----------------------------------------------------------------
def _annual() -> pd.DataFrame:
    rows = []
    for r in range(100):
        for i, year in enumerate((2025, 2026, 2027)):
            net = 100.0 - r - 40 * i  # replicate r reaches net ≤ 0 in 2027 if r ≥ 20, in 2026 if r ≥ 60, in 2025 if r ≥ 100
            rows.append({"replicate": r, "year": year, "net_tco2": net, "core_met": r % 2 == 0 and i == 2,
                         "clean_energy_share": 0.5 + 0.01 * r, "system_cost_cny": 10.0 * r + 1.0,
                         "discount_factor": 1.1 ** -i, "residual_value_cny": 11.0 if i == 2 else 0.0})
    return pd.DataFrame(rows)


def test_quantiles_by_year():
    q = quantiles(_annual(), ["net_tco2"]).set_index("year")
    assert q.loc[2025, "p50"] == pytest.approx(50.5) and q.loc[2027, "p50"] == pytest.approx(-29.5)
    assert q.loc[2025, "p10"] == pytest.approx(np.quantile(100.0 - np.arange(100), 0.1))
    assert q.loc[2026, "mean"] == pytest.approx(100 - 49.5 - 40)


def test_probabilities_in_and_by_year():
    annual = _annual()
    annual.loc[(annual["replicate"] == 0) & (annual["year"] == 2025), "net_tco2"] = -1  # met early, then not
    p = probabilities(annual).set_index(["target", "year"])
    assert p.loc[("net_zero", 2025), "p_in_year"] == pytest.approx(0.01)
    assert p.loc[("net_zero", 2026), "p_in_year"] == pytest.approx(0.40)
    assert p.loc[("net_zero", 2026), "p_by_year"] == pytest.approx(0.41)  # replicate 0 counts from 2025 on
    assert p.loc[("net_zero", 2027), "p_in_year"] == pytest.approx(0.80)
    assert p.loc[("core_met", 2027), "p_in_year"] == pytest.approx(0.5)
    assert p.loc[("clean_energy_share", 2025), "p_in_year"] == pytest.approx(0.6)  # 0.5 + 0.01 r ≥ 0.9 ⇔ r ≥ 40


def test_pathway_cost_discounts_system_cost_and_credits_the_residual():
    # replicate 7: 71 a year for 3 years at 10 %, residual 11 at the end of year 3 (t = 3)
    cost = pathway_cost_cny(_annual())
    assert cost.loc[7] == pytest.approx(71 + 71 / 1.1 + 71 / 1.21 - 11 / 1.331) and len(cost) == 100


@pytest.mark.parametrize("runs, inputs, ties", [(200, 4, False), (57, 1, False), (40, 3, True)])
def test_rbd_fast_s1_is_salibs_estimator_number_for_number(runs, inputs, ties):
    """The batch's RBD-FAST (bootstrap as 2-D arrays) gives SALib's ``rbd_fast.analyze`` numbers
    exactly: same estimator, same bootstrap draws in the same order (ties in x included)."""
    rng = np.random.default_rng(3)
    x = rng.random((runs, inputs))
    if ties:
        x = np.round(x, 1)
    y = np.sin(6 * x[:, 0]) + x[:, -1] ** 2 + 0.1 * rng.standard_normal(runs)
    harmonics = max(1, min(10, runs // 8))
    problem = {"num_vars": inputs, "names": [f"a{i}" for i in range(inputs)], "bounds": [[0, 1]] * inputs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = rbd_fast.analyze(problem, x, y, M=harmonics, seed=7)
    s1, conf = rbd_fast_s1(x, y, harmonics, 7)
    np.testing.assert_array_equal(s1, np.asarray(ref["S1"], float))
    np.testing.assert_array_equal(conf, np.asarray(ref["S1_conf"], float))


def test_a_designs_rows_are_its_run_seeds_pairs_and_inputs_replicate_by_replicate():
    """``Design.rows`` (each sample column read once, for a batch's tasks) gives, for the replicates
    asked in the order asked, what ``run_seed``, ``pairs`` and ``inputs`` give one replicate at a time:
    the same values of the same Python types (a whole number stays an int, a choice a str)."""
    d = make_design(_unc(MIXED), "lhs", 20, batch_seed=4)
    asked = [7, 0, 19, 3]
    rows = list(d.rows(asked))
    assert [r[0] for r in rows] == asked
    for i, seed, pairs, inputs in rows:
        assert seed == d.run_seed(i) and type(seed) is int
        assert pairs == tuple(d.pairs(i)) and inputs == tuple(d.inputs(i))
        assert [type(v) for _, v in inputs] == [type(v) for _, v in d.inputs(i)]
        assert [p for p, _ in pairs] == list("abcdef") and type(dict(inputs)["year"]) is int and type(dict(inputs)["pick"]) is str
