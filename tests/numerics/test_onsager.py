"""The spin-galvanic current computed on its own (numerics.sge) and the Onsager relation (S39)."""

import json

import numpy as np
import pytest

from numerics.network import build_network
from numerics.sample import random_sample
from numerics.sge import bond_emfs, spin_galvanic, spin_galvanic_network
from numerics.solvers import NetworkAnalysis, short_circuit_current
from numerics.triangle import s46, triangle_network

TAUS = [0.0, 1e-6, 1.0, 100.0, 1e4, 1e6, 1e9]  # 0, 0+ and large


def test_triangle_sge_symbolic_equals_s46():
    from derivations import d07_spin_galvanic

    rep = d07_spin_galvanic.derive()
    assert rep.all_verified, [s.claim for s in rep.failures]


@pytest.mark.parametrize("side", [1.5, 2.0, 4.0])
def test_triangle_sge_numeric_equals_s46(side):
    taus = np.array([0.0, 1.0, 1000.0, 1e6])
    res = spin_galvanic_network(triangle_network(side), taus)
    f_dr, f_diff = s46(side, taus)
    assert res.f_sge_direct == pytest.approx(f_dr, rel=1e-12)
    np.testing.assert_allclose(res.f_sge_precession, f_diff, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(res.ratio_over_expected, 1.0, atol=1e-12)


@pytest.mark.parametrize("density", [0.005, 0.01, 0.05])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ratio_is_one(density, seed):
    res = spin_galvanic(site_density=density, sites=2000, seed=seed, tau_s=TAUS)
    err = np.abs(res.ratio_over_expected - 1.0)
    assert np.all(err < 1e-6), err
    assert res.ok and res.max_ratio_error < 1e-6
    # drift <-> direct route and diffusion <-> precession route separately
    assert res.f_sge_direct == pytest.approx(res.f_dr, rel=1e-9)
    np.testing.assert_allclose(res.f_sge_precession, res.f_diff, rtol=1e-9, atol=1e-12 * abs(res.f_dr))
    # cross-check: the short-circuit elimination agrees with network reciprocity
    np.testing.assert_allclose(res.reciprocity_f_sge, res.f_sge, rtol=1e-8)
    assert res.f_sge_precession[0] == 0.0  # tau_s = 0: no S^z


def test_gauge_identity_at_infinite_tau_s():
    """At tau_s = inf S^z = 2 nu s_y y exactly and the precession route cancels the direct one."""
    res = spin_galvanic_network(build_network(random_sample(0.01, 2000, seed=3)), [np.inf])
    assert abs(res.f_sge[0]) < 1e-10 * abs(res.f_sge_direct)
    assert abs(res.f_cisp[0]) < 1e-10 * abs(res.f_dr)


def test_short_circuit_is_linear_and_antisymmetric():
    net = build_network(random_sample(0.02, 800, 4))
    analysis = NetworkAnalysis(net)
    direct, coef_b, coef_a, n_tri = bond_emfs(net)
    assert n_tri > 0
    i1 = short_circuit_current(net, np.vstack([direct, 2 * direct, -direct]), analysis)
    assert i1[1] == pytest.approx(2 * i1[0], rel=1e-13)
    assert i1[2] == pytest.approx(-i1[0], rel=1e-13)
    # a circulating source (equal EMF-current around every triangle) drives nothing: uniform S^z
    spin = np.ones((1, net.positions.shape[0]))
    a, b = net.bonds[:, 0], net.bonds[:, 1]
    circ = coef_b * spin[0, b] - coef_a * spin[0, a]
    assert abs(short_circuit_current(net, circ[None, :], analysis)[0]) < 1e-10 * abs(i1[0])


def test_cli_json(capsys):
    from hopspin.cli import main

    assert main(["onsager", "--site-density", "0.01", "--sites", "1500", "--seed", "0", "1",
                 "--tau-s", "0", "10", "1e6", "--json", "-q"]) == 0
    records = json.loads(capsys.readouterr().out, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert [r["seed"] for r in records] == [0, 1]
    for r in records:
        assert {"site_density", "sites", "seed", "tau_s", "sigma_sge", "sigma_cisp", "ratio_over_expected",
                "units"} <= set(r)
        assert r["tau_s"] == [0.0, 10.0, 1e6]
        assert all(abs(x - 1) < 1e-6 for x in r["ratio_over_expected"])


@pytest.mark.parametrize("argv, word", [
    (["--site-density", "1.5"], "site_density"),
    (["--sites", "3"], "sites"),
    (["--tau-s", "-1"], "tau-s"),
    (["--tau-s", "inf"], "tau_s"),
])
def test_cli_bad_input(argv, word, capsys):
    from hopspin.cli import main

    assert main(["onsager", "-q", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("hopspin: error:") and word in err[0]


def test_spin_galvanic_refuses_infinite_tau_s():
    from hopspin.errors import ParameterError

    with pytest.raises(ParameterError, match="tau_s"):
        spin_galvanic(site_density=0.01, sites=2000, seed=3, tau_s=[np.inf])


@pytest.mark.parametrize("density", [0.002, 0.1])
@pytest.mark.parametrize("seed", [0, 1])
def test_ratio_is_one_at_the_ends_of_the_range_up_to_tau_1e14(density, seed):
    """The edges of the valid range, including τ_s = 1e14 τ0 where f is a ~1e-9 cancellation of
    f_dr + f_diff (taken from the cancellation-free Eq. (12) form on the CISP side)."""
    res = spin_galvanic(site_density=density, sites=4000, seed=seed, tau_s=[10.0, 1e6, 1e10, 1e12, 1e14])
    assert np.all(np.abs(res.ratio_over_expected - 1.0) < 1e-6), res.ratio_over_expected - 1
