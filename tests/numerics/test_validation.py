"""`hopspin validate`: the analysis functions on synthetic data with known answers, and the quick run."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from numerics.validation.analysis import (constancy, cutoff_convergence, extrapolate_size, linear_fit, seed_stats,
                                          spread_fit)
from numerics.validation.run import choose_density_grid
from numerics.validation.studies import critical_sites, plan_cost, run_seconds, validation_plan
from numerics.validation.summary import error_budget, percolation_summary


def test_seed_stats_ignores_failed_runs():
    st = seed_stats([1.0, 2.0, np.nan, 3.0])
    assert st["n"] == 3 and st["mean"] == 2.0 and st["std"] == pytest.approx(1.0)
    assert st["sem"] == pytest.approx(1 / math.sqrt(3))
    assert math.isnan(seed_stats([np.nan])["mean"]) and math.isnan(seed_stats([4.0])["sem"])


def _cutoff_data(rng, cuts, seeds=8, amp=0.2, rate=3.0, offset=0.05):
    """f(c) = 2 (1 − amp e^{−rate (c − 1)}) per sample, with a large per-sample offset shared by every
    cut-off (the sample-to-sample spread) and a tiny independent noise."""
    true = 2.0 * (1 - amp * np.exp(-rate * (cuts - 1.0)))
    base = rng.normal(0, offset, size=(seeds, 1))
    return true + base + rng.normal(0, 1e-5, size=(seeds, cuts.size)), true


def test_cutoff_convergence_pairs_the_samples_and_finds_the_known_cutoff():
    rng = np.random.default_rng(1)
    cuts = np.array([1.2, 1.35, 1.5, 1.75, 2.0, 2.5, 3.0])
    values, true = _cutoff_data(rng, cuts)
    res = cutoff_convergence(cuts, values, tol=0.01)
    rel_true = (true - true[-1]) / true[-1]
    expected = min(c for k, c in enumerate(cuts) if all(abs(rel_true[j]) < 0.01 for j in range(k, cuts.size)))
    assert res["converged"] == expected
    # the paired differences are free of the 2.5 % sample-to-sample spread
    np.testing.assert_allclose(res["relative"], rel_true, rtol=0.02, atol=1e-4)   # rtol: the mean f(c_max)
    assert max(res["relative_sem"][:-1]) < 1e-3
    # unpaired means would not resolve the 1 % level: their standard error is ~1 %
    assert seed_stats(values[:, 0])["sem"] > 5 * max(res["relative_sem"][:-1])


def test_cutoff_convergence_reports_no_cutoff_below_the_largest_when_not_converged():
    rng = np.random.default_rng(2)
    cuts = np.array([1.2, 1.5, 2.0])
    values, _ = _cutoff_data(rng, cuts, amp=0.5, rate=0.5)
    res = cutoff_convergence(cuts, values)
    assert res["converged"] is None and res["converged_at_max"]
    # a failed run (NaN) drops only its own pair
    values[0, 0] = np.nan
    assert cutoff_convergence(cuts, values)["pairs"][0] == values.shape[0] - 1


@pytest.mark.parametrize("q", [1.0, 0.75])
def test_size_extrapolation_recovers_a_known_f_inf(q):
    rng = np.random.default_rng(3)
    f_inf, a = 2.0, -0.6
    sizes = np.array([1e4, 3e4, 1e5, 3e5, 1e6])
    u = np.sqrt(6840.0 / sizes)              # L_0/L at n_s a_b² = 0.01
    seeds = [24, 16, 12, 8, 6]
    samples = [f_inf + a * uk ** q + rng.normal(0, 0.5 * f_inf * n ** -0.5, k) for uk, n, k in zip(u, sizes, seeds)]
    fit = extrapolate_size(sizes, samples, u, q=q, bootstrap=300)
    assert abs(fit["f_inf"] - f_inf) < 4 * fit["f_inf_sigma"]
    assert 1e-4 < fit["f_inf_sigma"] < 0.02
    assert abs(fit["a"] - a) < 4 * fit["a_sigma"]


def test_size_extrapolation_recovers_f_inf_to_its_error_across_realisations():
    """The stated σ covers the truth in most realisations (a weak calibration check of the errors)."""
    hits = 0
    sizes = np.array([1e4, 3e4, 1e5, 3e5, 1e6, 2e6])
    u = np.sqrt(6840.0 / sizes)
    for r in range(40):
        rng = np.random.default_rng(100 + r)
        samples = [1.9 + 0.3 * uk + rng.normal(0, 0.3 * n ** -0.5 * 2, 8) for uk, n in zip(u, sizes)]
        fit = extrapolate_size(sizes, samples, u, bootstrap=100, seed=r)
        hits += abs(fit["f_inf"] - 1.9) < 2 * fit["f_inf_sigma"]
    assert hits >= 32          # ~95 % expected for 2σ


def test_spread_fit_finds_self_averaging():
    rng = np.random.default_rng(4)
    sizes = [1e4, 1e5, 1e6]
    samples = [1.0 + rng.normal(0, 0.3 * n ** -0.5, 400) for n in sizes]
    sp = spread_fit(sizes, samples)
    assert abs(sp["exponent"] + 0.5) < 3 * sp["exponent_sigma"] and sp["exponent_sigma"] < 0.05


def test_linear_fit_and_constancy():
    x = np.log([0.001, 0.002, 0.005, 0.01, 0.02])
    fit = linear_fit(x, 3.0 + 0.2 * x, np.full(5, 0.01))
    assert fit["slope"] == pytest.approx(0.2) and fit["intercept"] == pytest.approx(3.0)
    assert fit["slope_sigma"] == pytest.approx(0.01 / math.sqrt(np.sum((x - x.mean()) ** 2)))
    flat = constancy(x, [2.0, 2.01, 1.99, 2.0, 2.01], np.full(5, 0.02))
    assert flat["p_value"] > 0.05 and abs(flat["slope"]) < 2 * flat["slope_sigma"]
    sloped = constancy(x, 2.0 + 0.05 * (x - x.mean()), np.full(5, 0.005))
    assert sloped["p_value"] < 1e-3 and sloped["relative_change"] == pytest.approx(0.05 * np.ptp(x) / 2.0, rel=1e-9)


def test_percolation_summary_recovers_the_threshold_limit():
    """Synthetic thresholds l_s/l_c = 1 + b (l_c/L)^{3/4} + noise ∝ N^{-3/8}: δ_∞ = 0 and ν = 4/3 come back."""
    from numerics.percolation import critical_length

    rng = np.random.default_rng(5)
    arrays = {"size": {0.01: {}}, "density": {}}
    for n in (1e4, 3e4, 1e5, 3e5, 1e6):
        u = 1.19847 / math.sqrt(n)
        ratio = 1 + 0.4 * u ** 0.75 + rng.normal(0, 0.3 * n ** -0.375, 200)
        lc = critical_length(0.01)
        arrays["size"][0.01][int(n)] = {"critical_bond_length": ratio * lc,
                                        "log_border_current": -2 * ratio * lc - 0.1}
    for d in (0.002, 0.01, 0.05):
        lc = critical_length(d)
        ls = lc * (1 + rng.normal(0, 0.002, 50))
        arrays["density"][d] = {"sites": 10**6, "critical_bond_length": ls,
                                "log_border_current": -2 * ls - 0.3 + rng.normal(0, 0.05, 50)}
    p = percolation_summary(arrays)
    thr = p["threshold"]
    assert abs(thr["shift_fit"]["f_inf"] - 1) < 4 * thr["shift_fit"]["f_inf_sigma"] < 0.02
    assert abs(thr["nu_from_spread"] - 4 / 3) < 4 * thr["nu_from_spread_sigma"]
    # ln R = ξ_c^sample + 0.3 (no power of ξ_c) up to noise and the electrode correction ln(L/(L − 2 l_c))
    fit = p["prefactor"]["fit"]
    assert abs(fit["slope"]) < 4 * fit["slope_sigma"] < 0.05 and abs(fit["intercept"] - 0.3) < 0.1


def test_choose_density_grid_brackets_the_cutoff_and_sizes_from_the_amplitude():
    plan = validation_plan(quick=False)
    converged = {0.003: 1.2, 0.01: 1.5, 0.05: 2.0, 0.1: 2.5}
    fits = {0.01: {"f_inf": 2.0, "a": -0.04, "a_sigma": 0.02}, 0.05: {"f_inf": 1.9, "a": 0.019, "a_sigma": 0.0}}
    cuts, sites, info = choose_density_grid(plan, converged, fits)
    assert cuts[0.001] == 1.5 and cuts[0.003] == 1.5 and cuts[0.005] == 1.5       # at least 1.5 l_c
    assert cuts[0.02] == 2.0 and cuts[0.05] == 2.0 and cuts[0.1] == 2.5           # the larger neighbour
    assert info["ratio"] == pytest.approx(0.03 / 0.005)                           # (|a| + σ)/f_∞ / 0.5 %
    assert sites[0.01] == pytest.approx(36 * critical_sites(0.01), rel=0.02)
    assert sites[0.001] == plan.density.max_sites


def test_error_budget_combines_the_studies():
    size = {"f_dr": {"f_inf": 2.0, "f_inf_sigma": 0.01, "a": -0.5, "a_sigma": 0.1}, "model_sigma": 0.02,
            "spread": {"amplitude": 2.0, "exponent": -0.5}, "f_tau": {}}
    cut = {"f_dr": {"cutoffs": [1.5, 2.0, 3.0], "relative": [-0.03, -0.002, 0.0], "relative_sem": [0.001, 1e-4, 0.0]}}
    b = error_budget(0.05, size, cut)
    assert b["best"] == pytest.approx(2.0 * 1.03)
    assert b["best_sigma"] == pytest.approx(math.sqrt(0.01 ** 2 + 0.02 ** 2 + 0.002 ** 2 + 0.004 ** 2))
    assert b["limited_by"] == "extrapolation model"
    p = b["paper_setting"]
    u = math.sqrt(critical_sites(0.05) / 5e5)
    assert p["finite_size"] == pytest.approx(-0.5 * u) and p["cutoff"] == pytest.approx(-0.06)
    assert p["statistical"] == pytest.approx(2.0 * 5e5 ** -0.5 * abs(2.0 - 0.5 * u) / math.sqrt(3))


def test_plans_fit_their_budgets():
    quick, full = validation_plan(True), validation_plan(False)
    assert max(quick.cutoff.sites) <= 20_000 and quick.cutoff.seeds == 2 and len(quick.cutoff.cutoffs) == 3
    assert all(len(quick.size.sizes(d)) == 3 and max(n for n, _ in quick.size.sizes(d)) <= 20_000
               for d in quick.size.densities)
    assert min(full.cutoff.cutoffs) == 1.2 and max(full.cutoff.cutoffs) >= 3.0
    assert set(full.cutoff.densities) == {0.003, 0.01, 0.05, 0.1}
    sizes = [n for n, _ in full.size.sizes(0.01)]
    assert min(sizes) == 10_000 and max(sizes) >= 2_000_000
    # equal L/L_0 at the other densities
    r = [math.sqrt(n / critical_sites(0.05)) for n, _ in full.size.sizes(0.05)]
    np.testing.assert_allclose(r, [math.sqrt(n / critical_sites(0.01)) for n in sizes], rtol=0.05)
    assert plan_cost(full, 2)["total"]["wall_seconds"] < 0.75 * 3600
    assert run_seconds(100_000, 3.0) > 5 * run_seconds(100_000, 1.5)


def test_validate_quick_runs_and_writes_its_outputs(tmp_path):
    base, tmp_path = tmp_path, tmp_path / "validation"
    out = subprocess.run([sys.executable, "-m", "hopspin", "validate", "--quick", "--out", str(tmp_path), "--json",
                          "--quiet"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]

    def refuse(token):
        raise ValueError(f"invalid JSON token {token}")
    s = json.loads(out.stdout, parse_constant=refuse)
    assert s["mode"] == "quick" and s["missing_runs"] == 0
    assert json.loads((tmp_path / "validation.json").read_text(), parse_constant=refuse)["mode"] == "quick"
    for stem in ("validation_cutoff", "validation_size", "validation_percolation", "validation_density"):
        assert (tmp_path / f"{stem}.png").stat().st_size > 0 and (tmp_path / f"{stem}.pdf").stat().st_size > 0
    report = (tmp_path / "report.md").read_text()
    assert "Error budget" in report and "what limits it" in report
    # every study produced numbers
    assert set(s["cutoff"]) == {"0.01", "0.05", "0.1"} and len(s["size"]) == 3 and len(s["density"]["densities"]) == 3
    c = s["cutoff"]["0.1"]
    assert len(c["f_dr"]["relative"]) == 3 and c["f_dr"]["relative"][-1] == 0.0
    assert c["bonds_per_site"][-1] > 3 * c["bonds_per_site"][1]          # bonds ∝ cut-off²
    assert all(math.isfinite(z["f_dr"]["f_inf"]) for z in s["size"].values())
    thr = s["percolation"]["threshold"]
    assert all(abs(m) < 0.2 for m in thr["mean_minus_one"])              # union-find threshold near l_c
    assert s["budget"] and all(b["best_sigma"] > 0 for b in s["budget"])
    # resumable: a second run finds every run in the stores and computes nothing new
    again = subprocess.run([sys.executable, "-m", "hopspin", "validate", "--quick", "--out", str(tmp_path), "--json",
                            "--quiet"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    s2 = json.loads(again.stdout)
    assert s2["cutoff"]["0.1"]["f_dr"]["relative"] == c["f_dr"]["relative"]
    assert s2["cost"]["wall_seconds"] < s["cost"]["wall_seconds"]
    # the section of `hopspin reproduce` uses the finished results in OUT/validation (no new runs)
    from hopspin.report import Report
    from numerics.validation.report import validation_section

    rep, verdicts, said = Report("test"), [], []
    validation_section(rep, said.append, True, base, verdicts=verdicts)
    assert not said and any(b[0] == "fig" for b in rep.blocks) and len(verdicts) == 3
    assert "V5. Error budget" in rep.to_markdown(base) and "validation/validation_cutoff.png" in rep.to_markdown(base)


@pytest.mark.parametrize("cutoff", [1.5, 3.0])
def test_geometric_ordering_is_a_valid_fill_reducing_order(cutoff):
    """The "geometric" nested dissection (numerics.solvers.geometric): a permutation whose fill is close
    to METIS's (far below the natural order's), and the exact solves with it agree with METIS's."""
    from numerics.network import build_network
    from numerics.sample import random_sample
    from numerics.simulate import simulate_network
    from numerics.solvers import NetworkAnalysis
    from numerics.solvers.geometric import geometric_nd
    from numerics.solvers.ordering import adjacency

    net = build_network(random_sample(0.01, 6000, seed=3), hop_cutoff=cutoff)
    m = net.positions.shape[0]
    order = geometric_nd(net.positions, adjacency(m, net.bonds), net.cutoff_length)
    assert np.array_equal(np.sort(order), np.arange(m))
    geo = NetworkAnalysis(net, "metis")
    geo._order = np.asarray(order)
    metis = NetworkAnalysis(net, "metis")
    natural = NetworkAnalysis(net, "metis")
    natural._order = np.arange(m)
    fg, fm, fn = (a.spin_plan().supernodal.flops() for a in (geo, metis, natural))
    assert fg < 1.35 * fm and fg < 0.5 * fn
    taus = [0.0, 1e2, 1e6]
    rg = simulate_network(net, taus, analysis=geo, threads=1)
    rm = simulate_network(net, taus, analysis=metis, threads=1)
    np.testing.assert_allclose(rg.f, rm.f, rtol=0, atol=1e-12 * abs(rm.f_dr))


def test_validate_dry_run_prints_the_plan_without_running(tmp_path):
    out = subprocess.run([sys.executable, "-m", "hopspin", "validate", "--dry-run", "--json", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["plan"]["mode"] == "full" and info["estimate"]["total"]["runs"] > 300
    assert not (tmp_path / "x").exists()


def test_default_ordering_follows_the_cut_off():
    """METIS at the paper's 1.5 l_c, the geometric nested dissection from 2 l_c on (measured faster there)."""
    from numerics.network import build_network
    from numerics.sample import random_sample
    from numerics.solvers import NetworkAnalysis
    from numerics.solvers.ordering import GEOMETRIC_FROM_CUTOFF, default_ordering

    sample = random_sample(0.02, 3000, seed=1)
    assert NetworkAnalysis(build_network(sample, hop_cutoff=1.5)).ordering == default_ordering()
    assert NetworkAnalysis(build_network(sample, hop_cutoff=GEOMETRIC_FROM_CUTOFF)).ordering == "geometric"
    assert NetworkAnalysis(build_network(sample, hop_cutoff=3.0), "metis").ordering == "metis"
