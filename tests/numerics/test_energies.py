"""Energy disorder (issue 15): site energies in the network, the spin response at finite W/k_BT.

Every test asserts an identity or a limit: W → 0 is the equal-energy result on the same positions, a
common energy shift changes nothing (even when e^{-ξ} underflows), the triangle with three energies is
its symbolic closed form, the Onsager ratio is 1, currents are conserved.
"""

import math
import warnings

import numpy as np
import pytest

import numerics.energies as energies_module
from hopspin.errors import ParameterError
from numerics.config import SimulationConfig
from numerics.network import build_network
from numerics.percolation import critical_parameter
from numerics.sge import spin_galvanic, spin_galvanic_network
from numerics.simulate import simulate, simulate_network
from numerics.tensor import cisp_tensor
from numerics.triangle import simulate_triangle, triangle_network

TAUS = (0.0, 10.0, 1e3, 1e6)
BASE = dict(site_density=0.01, sites=7000, seed=3, tau_s=TAUS)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # small samples: the finite-size warning is expected here
        yield


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# ----------------------------------------------------------------------------- the sample
def test_positions_do_not_depend_on_the_energy_disorder():
    flat = SimulationConfig(**BASE).sample()
    for dist in ("uniform", "gaussian"):
        rough = SimulationConfig(**BASE, energy_disorder=7.0, energy_distribution=dist).sample()
        assert np.array_equal(flat.positions, rough.positions) and flat.energies is None


def test_named_distributions_have_the_stated_width():
    n = 200_000
    uni = SimulationConfig(site_density=0.01, sites=n, energy_disorder=6.0).sample().energies
    gau = SimulationConfig(site_density=0.01, sites=n, energy_disorder=6.0, energy_distribution="gaussian").sample().energies
    assert uni.min() >= -3.0 and uni.max() <= 3.0 and uni.max() - uni.min() > 5.99          # uniform, width W
    assert abs(uni.std() - 6.0 / math.sqrt(12)) < 0.02
    assert abs(gau.std() - 6.0) < 0.05 and abs(gau.mean()) < 0.05                           # Gaussian, r.m.s. W


@pytest.mark.parametrize("bad", [dict(energy_disorder=-1.0), dict(energy_disorder=math.nan),
                                 dict(energy_disorder=1e4), dict(energy_distribution="cauchy"),
                                 dict(energy_disorder=2.0, site_energies=np.zeros(7000)),
                                 dict(site_energies=np.zeros(10)), dict(site_energies=[math.inf] * 7000)])
def test_bad_energy_parameters_are_refused_by_name(bad):
    with pytest.raises(ParameterError) as err:
        SimulationConfig(**BASE, **bad)
    assert err.value.parameter in ("energy_disorder", "energy_distribution", "site_energies")


# ----------------------------------------------------------------------------- W → 0
def test_equal_energies_through_the_energy_path_are_the_equal_energy_result(engine):
    flat = simulate(**BASE, engine=engine)
    zero = simulate(**BASE, engine=engine, site_energies=np.zeros(BASE["sites"]))
    assert zero.bonds == flat.bonds and zero.cluster_sites == flat.cluster_sites
    assert _rel(zero.f_dr, flat.f_dr) < 1e-13 and _rel(zero.f, flat.f) < 1e-11
    assert abs(zero.log_border_current - flat.log_border_current) < 1e-12
    assert zero.critical_parameter == pytest.approx(flat.critical_parameter, rel=1e-14)


def test_small_disorder_is_continuous():
    flat = simulate(**BASE)
    tiny = simulate(**BASE, energy_disorder=1e-9)
    assert tiny.bonds == flat.bonds
    assert _rel(tiny.f_dr, flat.f_dr) < 1e-8 and _rel(tiny.f, flat.f) < 1e-8
    assert abs(tiny.critical_parameter - flat.critical_parameter) < 1e-8


# ----------------------------------------------------------------------------- identities at finite W
@pytest.mark.parametrize("disorder", [0.0, 5.0, 20.0])
def test_conservation_and_balance(disorder, engine):
    r = simulate(**BASE, energy_disorder=disorder, engine=engine)
    assert r.max_conservation_error <= 1e-9
    assert r.max_balance_error <= 1e-9 and r.kkm_error < 1e-10
    assert np.all(np.isfinite(r.f)) and r.f_dr > 0


@pytest.mark.parametrize("disorder,dist", [(5.0, "uniform"), (20.0, "uniform"), (5.0, "gaussian")])
def test_onsager_ratio_with_energies(disorder, dist, engine):
    res = spin_galvanic(**BASE, energy_disorder=disorder, energy_distribution=dist, engine=engine)
    assert res.max_ratio_error < 1e-6, res.ratio_over_expected


def test_sge_tensor_is_the_cisp_tensor_transposed_with_energies():
    res = cisp_tensor(**{**BASE, "sites": 5000}, beta=((0.3, 1.0), (-0.7, 0.2), (0.0, 0.0)), energy_disorder=8.0,
                      with_sge=True)
    assert res.onsager_error < 1e-6


def test_common_energy_shift_changes_nothing_even_where_conductances_underflow():
    rng = np.random.default_rng(11)
    e = (rng.random(BASE["sites"]) - 0.5) * 6.0
    low = SimulationConfig(**BASE, site_energies=e)
    high = SimulationConfig(**BASE, site_energies=e + 800.0)
    net = build_network(high.sample())
    with np.errstate(under="ignore"):
        assert np.all(np.exp(-net.bond_parameters) == 0.0)     # unscaled, every conductance underflows
    a, b = simulate(low), simulate(high)
    assert a.bonds == b.bonds
    assert _rel(b.f_dr, a.f_dr) < 1e-12 and _rel(b.f[:-1], a.f[:-1]) < 1e-10
    assert b.log_border_current == pytest.approx(a.log_border_current - 800.0, abs=1e-9)
    assert b.max_conservation_error <= 1e-9


@pytest.mark.parametrize("dist", ["uniform", "gaussian"])
def test_the_largest_disorder_stays_inside_float64(dist):
    cfg = SimulationConfig(**{**BASE, "sites": 5000}, energy_disorder=energies_module.ENERGY_DISORDER_MAX,
                           energy_distribution=dist)
    net = build_network(cfg.sample())
    g = net.conductances
    assert np.all(np.isfinite(g)) and np.all(g > 0) and np.all(np.isfinite(net.weights)) and np.all(net.weights > 0)
    r = simulate_network(net, TAUS)
    assert r.max_conservation_error <= 1e-9 and r.max_balance_error <= 1e-9 and np.all(np.isfinite(r.f))


def test_critical_parameter_is_the_bottleneck_of_the_bond_parameters():
    cfg = SimulationConfig(**BASE, energy_disorder=10.0)
    net = build_network(cfg.sample())
    xi = net.bond_parameters
    src, drn = net.electrode == -1, net.electrode == 1
    xi_c = critical_parameter(net.positions.shape[0], net.bonds, xi, src, drn)
    assert xi_c == pytest.approx(2 * net.scale_length, rel=1e-14)     # the scale is the sample's threshold
    below = xi < xi_c
    assert not math.isfinite(critical_parameter(net.positions.shape[0], net.bonds[below], xi[below], src, drn))
    assert net.conductances.max() >= 1.0 - 1e-12                         # g_c = e^{-ξ_c}: the critical bond is 1


# ----------------------------------------------------------------------------- the triangle
@pytest.mark.parametrize("side,tau,energies", [(2.0, 1e3, (0.3, -1.2, 2.5)), (5.0, 10.0, (10.0, -3.0, 0.0)),
                                               (3.0, 1e6, (-20.0, 15.0, 2.0)), (2.5, 40.0, (0.0, 0.0, 0.0))])
def test_triangle_with_energies_is_its_closed_form(side, tau, energies, engine):
    from theory.energies import evaluate_triangle

    ref = evaluate_triangle(side, tau, energies)
    r = simulate_triangle(side, [tau], engine=engine, energies=energies)
    sge = spin_galvanic_network(triangle_network(side, energies), [tau], engine=engine)
    assert r.f_dr == pytest.approx(ref["f_dr"], rel=1e-9)
    assert r.f_diff[0] == pytest.approx(ref["f_diff"], rel=1e-9)
    assert r.f[0] == pytest.approx(ref["f"], rel=1e-9)
    assert r.border_current == pytest.approx(ref["total_current"], rel=1e-9)
    assert sge.f_sge_direct == pytest.approx(ref["f_sge_direct"], rel=1e-9)
    assert sge.f_sge_precession[0] == pytest.approx(ref["f_sge_precession"], rel=1e-9)


def test_energy_weights_enter_the_spin_ground():
    """(𝓛_g + εW) σ̃ = γ: the spin's weighted total Σ w σ̃ is the source's total over ε (Eq. (S43) summed)."""
    cfg = SimulationConfig(**{**BASE, "sites": 3000}, energy_disorder=6.0)
    net = build_network(cfg.sample())
    from numerics.solvers import solve_shifted

    rng = np.random.default_rng(2)
    src = rng.standard_normal(net.positions.shape[0])
    sol = solve_shifted(net, src, [1e-3, 1.0])
    w = net.weights
    a, b, g = net.bonds[:, 0], net.bonds[:, 1], net.conductances
    for k, eps in enumerate((1e-3, 1.0)):
        s = sol.full_spin(k)
        resid, size = eps * w * s - src, eps * w * np.abs(s) + np.abs(src)
        np.add.at(resid, a, g * (s[a] - s[b]))
        np.add.at(resid, b, g * (s[b] - s[a]))
        np.add.at(size, a, g * (np.abs(s[a]) + np.abs(s[b])))
        np.add.at(size, b, g * (np.abs(s[a]) + np.abs(s[b])))
        assert np.max(np.abs(resid) / size) < 1e-13          # componentwise: the weighted ground is in the matrix
        assert abs(np.sum(w * sol.spin[k])) < 1e-10 * np.sum(w * np.abs(sol.spin[k]))


@pytest.mark.parametrize("energies", [(0.0, 4.0, -1.0), (3.0, -2.0, 9.0), (-5.0, -6.0, -8.0)])
def test_the_triangle_threshold_is_its_direct_bond(energies):
    """The detour 1–3–2 has ξ ≥ 2a + max(ε_1, ε_2), the direct bond's: ξ_c = 2a + max(ε_1, ε_2)."""
    r = simulate_network(triangle_network(2.0, energies), [0.0])
    assert r.critical_parameter == pytest.approx(4.0 + max(energies[:2]), rel=1e-14)


# ----------------------------------------------------------------------------- the command line
def test_cli_simulate_and_onsager_take_the_energy_disorder(run_cli):
    out = run_cli("simulate", "--site-density", "0.01", "--sites", "4000", "--energy-disorder", "5",
                  "--energy-distribution", "gaussian", "--tau-s", "0", "1e3", "--json")
    assert out.returncode == 0, out.stderr
    rec = out.json()
    assert rec["energy_disorder"] == 5.0 and rec["energy_distribution"] == "gaussian"
    assert rec["critical_parameter"] > 0 and len(rec["f"]) == 2
    bad = run_cli("onsager", "--site-density", "0.01", "--sites", "4000", "--energy-disorder", "-2")
    assert bad.returncode == 2 and len(bad.error_lines) == 1 and "energy_disorder" in bad.error_lines[0]


def test_estimate_takes_the_disorder_width_and_temperature_with_units(run_cli):
    out = run_cli("estimate", "--f", "1", "--disorder-width", "1 meV", "--temperature", "4 K", "--json")
    assert out.returncode == 0, out.stderr
    rec = out.json()["energy_disorder"]
    assert rec["W_over_kT"] == pytest.approx(1.602176634e-22 / (1.380649e-23 * 4.0), rel=1e-12)
    for bad in (["--disorder-width", "1 V"], ["--disorder-width", "1 eV", "--temperature", "1 K"]):
        res = run_cli("estimate", "--f", "1", *bad)
        assert res.returncode == 2 and len(res.error_lines) == 1 and "--disorder-width" in res.error_lines[0]
