"""Estimates in SI units: Eqs. (10), (13)-(16), (S28)-(S30), the pint boundary and ``hopspin estimate``."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from scipy import constants as C

from hopspin.errors import HopspinWarning
from numerics import estimates as est
from numerics.estimates import Parameters
from numerics.estimates.units import Q_, parse_quantity, ureg

MEV_A = 1e-3 * C.e * 1e-10


def asym(**kw):
    """Typical parameters with β_xy ≠ β_yx, so that transposes matter."""
    return Parameters.typical(beta=np.array([[0.0, 12 * MEV_A], [7 * MEV_A, 0.0], [0.0, 0.0]]), **kw)


# ----------------------------------------------------------------------------- units

def test_parse_quantity_examples():
    assert parse_quantity("2e11/cm^2", "1/[length]**2", "n_s") == pytest.approx(2e15)
    assert parse_quantity("10 meV*angstrom", "beta", "beta") == pytest.approx(10 * MEV_A)
    assert parse_quantity("1 kV/cm", "field", "E") == pytest.approx(1e5)
    assert parse_quantity("0.1 m0", "mass", "m") == pytest.approx(0.1 * C.m_e, rel=1e-8)
    assert parse_quantity("50 kOhm", "resistance", "rho0") == pytest.approx(5e4)
    assert parse_quantity("10 ps", "ns", "tau0") == pytest.approx(1e-11)  # a unit as the expected kind


@pytest.mark.parametrize("text, kind", [("10 nm", "time"), ("3", "[length]"), ("1 kV", "field"),
                                        ("banana", "mass"), ("", "time"), ("nan K", "temperature")])
def test_parse_quantity_rejects_and_names_parameter(text, kind):
    with pytest.raises(ValueError, match="--my-param"):
        parse_quantity(text, kind, "--my-param")


def test_wrong_dimension_message_says_what_is_expected():
    with pytest.raises(ValueError, match=r"\[time\].*'10 nm'"):
        parse_quantity("10 nm", "time", "--tau0")


# ----------------------------------------------------------------------------- dimensional consistency

def _pint_typical():
    return dict(n_s=Q_("2e11/cm^2"), n=Q_("1e10/cm^2"), a_b=Q_("10 nm"), J0=Q_("10 meV"),
                beta=Q_("10 meV*angstrom"), m=Q_("0.1 m0"), E=Q_("1 kV/cm"), rho0=Q_("50 kOhm"),
                tau0=Q_("10 ps"), tau_s=Q_("100 ns"), T=Q_("4 K"))


def test_eq13_dimensions_with_pint():
    q = _pint_typical()
    hbar, e, kB = ureg.hbar, ureg.elementary_charge, ureg.boltzmann_constant
    lc = 1.19847 / q["n_s"] ** 0.5
    rho = q["rho0"] * math.exp((2 * lc / q["a_b"]).to("").magnitude)
    P = (q["m"] * q["a_b"] / hbar ** 2) ** 3 * hbar * q["n_s"] * q["a_b"] / (e * q["n"] * q["J0"] * q["tau0"] * rho)
    tr_b2 = 2 * q["beta"] ** 2
    cisp = q["tau_s"] * tr_b2 * q["beta"] * P  # (13): polarization per field
    assert cisp.dimensionality == (1 / ureg.volt * ureg.m).dimensionality
    s = (cisp * q["E"]).to("")  # spin per carrier: dimensionless
    p = Parameters.typical()
    assert s.magnitude == pytest.approx(est.spin_polarization(p, 1.0)[1], rel=1e-6)
    assert P.to_base_units().magnitude == pytest.approx(est.P(p), rel=1e-6)
    # (14): current density per unit spin; (15): spin flux (1/(m s)) per field
    sge = 4 * tr_b2 * q["beta"] * P * kB * q["T"] * q["n"]
    assert sge.dimensionality == (ureg.A / ureg.m).dimensionality
    assert sge.to_base_units().magnitude == pytest.approx(est.sigma_sge(p, 1.0)[0, 1], rel=1e-6)
    she = q["beta"] ** 2 * hbar ** 2 * q["n"] * P / q["m"]
    assert (she * q["E"]).dimensionality == (1 / (ureg.m * ureg.s)).dimensionality
    assert she.to_base_units().magnitude == pytest.approx(est.sigma_she(p, 1.0)[1, 0], rel=1e-6)


# ----------------------------------------------------------------------------- hand values

def test_critical_length_and_resistivity_hand_values():
    p = Parameters.typical()
    assert est.site_density_ab2(p) == pytest.approx(0.2)
    assert est.critical_length(p) == pytest.approx(1.19847 / math.sqrt(2e15))
    assert est.critical_length(p) / p.a_b == pytest.approx(2.67986, rel=1e-5)
    assert est.resistivity(p) == pytest.approx(5e4 * math.exp(2 * 2.679860), rel=1e-6)
    assert est.resistivity(p) == pytest.approx(1.0633e7, rel=1e-4)


def test_trace_beta2_is_the_2x2_block_trace_not_sum_of_squares():
    p = asym()
    assert est.trace_beta2(p.beta) == pytest.approx(2 * 12 * 7 * MEV_A ** 2)
    block = p.beta[:2, :2]
    assert est.trace_beta2(p.beta) == pytest.approx(np.trace(block @ block))
    pure_rashba = np.array([[0.0, 1.0], [-1.0, 0.0], [0.0, 0.0]]) * MEV_A  # b_xy = a, b_yx = -a
    assert est.trace_beta2(pure_rashba) == pytest.approx(-2 * MEV_A ** 2)  # sum of squares would be +2
    alpha_eq_beta = np.array([[0.0, 2.0], [0.0, 0.0], [0.0, 0.0]]) * MEV_A  # b_xy = b_D + a, b_yx = b_D - a = 0
    assert est.trace_beta2(alpha_eq_beta) == 0.0


def test_typical_cisp_reproduces_paper_with_f_1():
    p = Parameters.typical()
    s_vec, s = est.spin_polarization(p, 1.0)
    assert s_vec[0] == 0 and s_vec[2] == 0 and s_vec[1] > 0  # s ∥ y for E ∥ x
    assert s == pytest.approx(3.4929e-5, rel=1e-3)
    assert 1 / 1.5 < s / 3e-5 < 1.5  # the paper's "s ~ 3e-5"
    fz = est.factors(p, 1.0)
    assert fz["product"] == pytest.approx(s, rel=1e-12)
    assert fz["spin_orbit"] == pytest.approx(2 * (p.m * MEV_A * 10 * p.a_b / C.hbar ** 2) ** 3)
    assert est.spin_polarization(p, 0.24)[1] == pytest.approx(0.24 * s)  # linear in f


def test_cisp_tensor_is_transposed_block():
    p = asym()
    sig = est.sigma_cisp(p, 0.7)
    k = p.tau_s * est.trace_beta2(p.beta) * est.P(p) * 0.7
    assert sig == pytest.approx(np.array([[0.0, k * p.beta_yx], [k * p.beta_xy, 0.0], [0.0, 0.0]]))


def test_onsager_ratio_sge_over_cisp():
    p = asym(T=7.0)
    cisp, sge = est.sigma_cisp(p, 0.8), est.sigma_sge(p, 0.8)
    assert sge.shape == (2, 3)
    ratio = 4 * C.k * p.T * p.n / p.tau_s
    np.testing.assert_allclose(sge, ratio * cisp.T, rtol=1e-12)
    # and (14) directly: sigma_SGE[x, y] = 4 Tr b^2 b_xy P k_B T n f
    assert sge[0, 1] == pytest.approx(4 * est.trace_beta2(p.beta) * p.beta_xy * est.P(p) * C.k * p.T * p.n * 0.8)


def test_kkm_of_she_gives_minus_cisp():
    """(10) applied to J = sigma_SHE E of (15) has the tensor structure of (13), with opposite sign."""
    p = asym()
    J = est.sigma_she(p, 0.6) @ np.array([p.E, 0.0])
    s_kkm = est.kkm_spin_polarization(p, J)
    s13, _ = est.spin_polarization(p, 0.6)
    np.testing.assert_allclose(s_kkm, -s13, rtol=1e-12, atol=1e-30)
    Jy = est.sigma_she(p, 0.6) @ np.array([0.0, p.E])
    np.testing.assert_allclose(est.kkm_spin_polarization(p, Jy),
                               -est.sigma_cisp(p, 0.6) @ np.array([0.0, p.E]), rtol=1e-12, atol=1e-30)


def test_drift_spin_current_uses_f0():
    p = Parameters.typical()
    np.testing.assert_allclose(est.drift_spin_current(p, 1.3), 1.3 * est.sigma_she(p, 1.0) @ [p.E, 0.0])


def test_crossover_against_hand_computation():
    p = Parameters.typical()
    b = 10 * MEV_A
    phi = p.m * b * p.a_b / C.hbar ** 2          # (S28)
    tau_dp = p.tau0 / phi ** 2
    k_dr = (p.E / p.rho0) * p.m / (p.n * C.e * C.hbar)   # (S30), j = E/rho0
    s = (p.tau_s / tau_dp) * b * k_dr / p.J0       # (S29)
    c = est.crossover_estimate(p)
    assert c["phi"] == pytest.approx(phi) and c["phi"] == pytest.approx(0.01312, rel=1e-3)
    assert c["tau_DP"] == pytest.approx(tau_dp) and 1e-8 < c["tau_DP"] < 1e-7  # same order as tau_s
    assert c["k_dr"] == pytest.approx(k_dr)
    assert c["s"] == pytest.approx(s) and c["s"] == pytest.approx(0.01857, rel=1e-3)
    assert 0.3 < c["s"] / 0.01 < 3  # the paper's "s ~ 1 %"
    rho1 = p.rho0 * math.exp(2 * 1.19847)
    assert est.crossover_estimate(p, resistivity=rho1)["s"] == pytest.approx(s * p.rho0 / rho1)


def test_estimate_record_keys_and_json():
    with pytest.warns(HopspinWarning, match="cut-off"):
        r = est.estimate(Parameters.typical())
    for key in ("s", "sigma_cisp", "sigma_sge", "sigma_she", "f", "site_density_ab2", "l_c", "resistivity",
                "P", "crossover_s", "drift_spin_current", "factors", "units"):
        assert key in r
    assert r["f"] == 1.0 and r["crossover_s"] == pytest.approx(r["crossover"]["s"])
    assert json.loads(json.dumps(r)) == r
    assert any("cut-off" in w for w in r["warnings"])


# ----------------------------------------------------------------------------- validity

def test_validity_warnings():
    with pytest.warns(HopspinWarning, match=r"n_s a_b\^2 = 0.2 >= 0.1"):
        Parameters.typical().validate()
    with pytest.warns(HopspinWarning, match="not << n_s"):
        Parameters.typical(n_s=1e14, n=5e13).validate()
    with pytest.warns(HopspinWarning, match="not the hopping regime"):
        Parameters.typical(n_s=2e16).validate()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Parameters.typical(n_s=1e14, n=5e12).validate() == []  # n_s a_b^2 = 0.01, n = n_s/20


@pytest.mark.parametrize("name, value", [("n_s", -1.0), ("n", 0.0), ("a_b", -1e-8), ("tau0", 0.0),
                                         ("tau_s", -1e-9), ("rho0", float("nan")), ("T", 0.0)])
def test_bad_parameters_raise_naming_them(name, value):
    with pytest.raises(ValueError, match=rf"^{name} must be a positive.*\(0, inf\)"):
        Parameters.typical(**{name: value})


def test_general_beta_is_rotation_covariant():
    """Dresselhaus in cubic axes is the [001] form rotated by 45°: σ' = R σ Rᵀ (spin and field rotate
    together); the spin-Hall formulas (15), (16) stay [001]-only and are refused."""
    c, s_ = np.cos(np.pi / 4), np.sin(np.pi / 4)
    rot2 = np.array([[c, -s_], [s_, c]])
    rot3 = np.eye(3)
    rot3[:2, :2] = rot2
    b001 = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]) * MEV_A
    b_cubic = rot3 @ b001 @ rot2.T                   # = diag-like Dresselhaus in [100]/[010] axes
    p001 = Parameters.typical(beta=b001, n_s=1e14, n=5e12)
    pcub = Parameters.typical(beta=b_cubic, n_s=1e14, n=5e12)
    np.testing.assert_allclose(est.sigma_cisp(pcub, 1.0), rot3 @ est.sigma_cisp(p001, 1.0) @ rot2.T,
                               rtol=1e-12, atol=1e-12 * np.abs(est.sigma_cisp(p001, 1.0)).max())
    with pytest.raises(ValueError, match="beta.*\\[001\\]"):
        est.sigma_she(pcub, 1.0)
    with pytest.warns(HopspinWarning, match="not of the \\[001\\] form"):
        pcub.validate()


# ----------------------------------------------------------------------------- simulation and CLI

def test_simulated_f_small_run():
    r = est.simulated_f(0.05, 1e4, seeds=(0,), sites=2000)
    assert math.isfinite(r["f"]) and r["f0"] > 0
    assert abs(r["f"]) < r["f0"]  # diffusion current partly cancels the drift current


def _main(capsys, *argv):
    from hopspin.cli import main

    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_json_with_given_f(capsys):
    rc, out, err = _main(capsys, "estimate", "--f", "1", "--json")
    assert rc == 0
    record = json.loads(out)
    assert record["s"] == pytest.approx(est.spin_polarization(Parameters.typical(), 1.0)[1], rel=1e-6)
    assert record["site_density_ab2"] == pytest.approx(0.2)
    assert record["crossover_s"] == pytest.approx(0.01857, rel=1e-3)
    assert "hopspin: warning: n_s a_b^2 = 0.2" in err


def test_cli_units_are_parsed(capsys):
    rc, out, err = _main(capsys, "estimate", "--f", "0.5", "--json", "--site-density", "1e10 cm^-2",
                         "--carrier-density", "5e8/cm^2", "--tau-s", "1 us", "--temperature", "10 K")
    assert rc == 0
    record = json.loads(out)
    assert record["site_density_ab2"] == pytest.approx(0.01)
    assert record["temperature"] == 10.0 and record["f"] == 0.5
    assert err == ""  # n_s a_b^2 = 0.01 and n = n_s/20: no assumption broken


def test_cli_simulates_f_when_not_given(capsys):
    rc, out, _ = _main(capsys, "estimate", "--json", "--site-density", "5e10/cm^2", "--carrier-density",
                       "2e9/cm^2", "--sites", "2000", "--seeds", "0")
    assert rc == 0
    record = json.loads(out)
    assert record["f_source"].startswith("simulated") and record["simulation"]["sites"] == 2000
    assert record["f"] == pytest.approx(record["simulation"]["f"])


@pytest.mark.parametrize("argv, option", [(["--tau-s", "3 nm"], "--tau-s"), (["--rho0", "-5 kOhm"], "--rho0"),
                                          (["--mass", "0.1"], "--mass"), (["--beta-xy", "10 meV"], "--beta-xy")])
def test_cli_bad_input_is_one_line_naming_the_option(capsys, argv, option):
    rc, _, err = _main(capsys, "estimate", "--f", "1", *argv)
    lines = [line for line in err.strip().splitlines() if line.startswith("hopspin: error:")]
    assert rc == 2 and len(lines) == 1 and lines[0].startswith(f"hopspin: error: {option}")


def test_cli_requires_f_when_simulation_impossible(capsys):
    rc, _, err = _main(capsys, "estimate", "--site-density", "1e13/cm^2")  # n_s a_b^2 = 10
    assert rc == 2 and "pass --f" in err and "not the hopping regime" in err


def test_general_beta_cisp_structure_matches_simulated_tensor():
    """sigma_cisp for a [110] well has the structure the simulation finds (numerics.tensor)."""
    import numpy as np
    from numerics.estimates import Parameters, cisp_structure, sigma_cisp
    from numerics.spin_orbit import grown_110, rashba_dresselhaus
    from numerics.tensor import predicted_tensor
    rd = rashba_dresselhaus(0.3, 1.1)
    tr_b2 = 2 * rd[0, 1] * rd[1, 0]
    expected = np.zeros((3, 2))
    expected[:2] = tr_b2 * rd[:2].T
    assert np.allclose(cisp_structure(rd), expected)                 # [001]: Tr β² βᵀ
    b110 = grown_110(1.0, 0.5)
    assert np.allclose(cisp_structure(b110), predicted_tensor(b110, 1.0))
    p = Parameters.typical(beta=b110 * 1.602e-23 * 1e-10 * 10)      # entries ×10 meV·Å
    sig = sigma_cisp(p, 1.0)
    assert sig[2, 0] != 0 and sig[2, 1] == 0                         # out-of-plane CISP for E ∥ x


def test_estimate_cli_accepts_full_beta(capsys):
    rc, out, _ = _main(capsys, "estimate", "--f", "1", "--beta", "[[0, 5], [-5, 0], [10, 0]]", "--json")
    assert rc == 0
    rec = json.loads(out)
    assert rec["sigma_she"] is None and rec["sigma_cisp"][2][0] != 0
