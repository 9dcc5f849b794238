"""``hopspin hanle`` and the magnetic-field part of ``hopspin estimate``: the documented forms (JSON shapes,
units, one-line errors with exit status 2)."""

import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT


def test_cli_hanle_json_per_seed_and_tau_s(run_cli):
    out = run_cli("hanle", "--site-density", "0.01", "--sites", "7000", "--seed", "0", "1", "--tau-s", "1e3", "1e6",
                  "--field", "0:50:5", "--field-direction", "x", "--json")
    assert out.returncode == 0, out.stderr
    records = out.json()
    assert [(r["seed"], r["tau_s"]) for r in records] == [(0, 1e3), (0, 1e6), (1, 1e3), (1, 1e6)]
    for r in records:
        assert r["field"] == [0.0, 12.5, 25.0, 37.5, 50.0] and r["units"]["field"] == "omega_L tau_0"
        assert np.array(r["cisp"]).shape == (5, 3, 2)
        assert np.array(r["sge"]).shape == (5, 2, 3)
        assert np.array(r["she"]).shape == (5, 3, 2, 2)
        assert np.allclose(np.array(r["omega_L_tau0"])[:, 0], r["field"])
        assert r["onsager_casimir_error"] < 1e-9 and r["max_backward_error_complex"] < 1e-12
        assert "non-equilibrium" in r["note"]
    # the zero-field column is the zero-field CISP tensor of `simulate`: f = s_y(E_x)/2
    sim = run_cli("simulate", "--site-density", "0.01", "--sites", "7000", "--seed", "0", "--tau-s", "1e3",
                  "--json").json()
    assert abs(records[0]["cisp"][0][1][0] / 2 - sim["f"][0]) < 1e-12 * abs(sim["f_dr"])


def test_cli_hanle_tesla_through_the_g_tensor_and_text(run_cli):
    out = run_cli("hanle", "--site-density", "0.01", "--sites", "7000", "--tau-s", "1e3", "--field", "0mT:2mT:3",
                  "--field-direction", "30,45", "--g-factor", "-0.44", "-0.2", "--current", "x", "-q", "--json")
    assert out.returncode == 0, out.stderr
    r = out.json()
    assert r["units"]["field"] == "T" and np.allclose(r["field"], [0.0, 1e-3, 2e-3])
    assert r["g_factor"] == [-0.44, -0.2] and r["tau0_seconds"] == 1e-11
    om = np.array(r["omega_L_tau0"])[2]
    n = np.array([np.sin(np.radians(30)) * np.cos(np.radians(45)), np.sin(np.radians(30)) * np.sin(np.radians(45)),
                  np.cos(np.radians(30))])
    pref = 9.2740100783e-24 * 1e-11 / 1.054571817e-34 * 2e-3
    assert np.allclose(om, pref * np.array([-0.44, -0.44, -0.2]) * n, rtol=1e-8)   # CODATA 2018 vs scipy's
    assert r["cisp"][0][0][1] is None                       # --current x: the E_y column is not computed
    text = run_cli("hanle", "--site-density", "0.01", "--sites", "7000", "--tau-s", "1e3", "--field", "0", "1e-3",
                   "-q")
    assert text.returncode == 0 and "s_y" in text.stdout and "non-equilibrium" in text.stdout


@pytest.mark.parametrize("args,word", [
    (("--field", "1", "--field-direction", "w"), "field_direction"),
    (("--field", "2kV/cm"), "field"),
    (("--field", "1", "--g-factor", "2"), "g_factor"),
    (("--field", "1mT", "--g-factor", "1", "2", "3"), "--g-factor"),
    (("--field", "1e9"), "field"),
    (("--field", "0:1:x"), "--field"),
    (("--field", "1", "--solver", "backprop"), "engine"),
    (("--field", "1mT", "--tau0", "3 m"), "--tau0"),
])
def test_cli_hanle_bad_input_one_line_exit_2(run_cli, args, word):
    out = run_cli("hanle", "--site-density", "0.01", "--sites", "7000", *args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and word in lines[0] and "Traceback" not in out.stderr and not out.stdout


def test_cli_estimate_magnetic_field(run_cli):
    out = run_cli("estimate", "--f", "1", "--magnetic-field", "2 mT", "--g-factor", "-0.44", "--json")
    assert out.returncode == 0, out.stderr
    z = out.json()["zeeman"]
    assert abs(z["in_plane"]["hanle_half_width_T"] / (1.054571817e-34 / (0.44 * 9.2740100783e-24 * 100e-9)) - 1) < 1e-8
    assert abs(z["in_plane"]["omega_L_tau0"] / (0.44 * 9.2740100783e-24 * 2e-3 * 10e-12 / 1.054571817e-34) - 1) < 1e-8
    assert 100 < z["drift_precession_ratio"] < 300            # 21 at 0.258 mT, linear in B
    for args, word in ((("--field", "2 mT"), "--magnetic-field"), (("--g-factor", "2"), "--magnetic-field"),
                       (("--magnetic-field", "2 kV/cm"), "--magnetic-field")):
        bad = run_cli("estimate", "--f", "1", *args)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and word in bad.stderr


def test_hanle_command_does_not_import_sympy():
    code = ("import sys; from hopspin.cli import main; "
            "rc = main(['hanle', '--site-density', '0.05', '--sites', '1000', '--field', '0', '1e-3', '-q', "
            "'--json']); "
            "assert rc == 0; assert 'sympy' not in sys.modules; import hopspin; assert callable(hopspin.hanle)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr


def test_cli_hanle_orbital_json_adds_the_flux_only(run_cli):
    base = ("hanle", "--site-density", "0.01", "--sites", "3000", "--tau-s", "1e3", "--field=-0.5T:0.5T:3",
            "--field-direction", "30,0", "--current", "x", "-q", "--json")
    plain, orb = run_cli(*base), run_cli(*base, "--orbital", "--localization-radius", "12 nm", "--eta", "0.01")
    assert plain.returncode == 0 and orb.returncode == 0, orb.stderr
    p, r = plain.json(), orb.json()
    assert "flux" not in p and set(r) - set(p) == {"flux", "orbital", "zeeman", "eta", "localization_radius_m"}
    b = 1.602176634e-19 * (12e-9) ** 2 / 1.054571817e-34 * 0.5 * np.cos(np.radians(30))
    assert np.allclose(r["flux"], [-b, 0.0, b], rtol=1e-9) and r["units"]["flux"] == "1" and r["eta"] == 0.01
    assert np.array(r["cisp"]).shape == (3, 3, 2) and r["onsager_casimir_error"] < 1e-9
    zero = np.array(p["cisp"][1], dtype=float)                  # B = 0: no flux, the same numbers to rounding
    assert np.nanmax(np.abs(np.array(r["cisp"][1], dtype=float) - zero)) < 1e-12 * np.nanmax(np.abs(zero))
    assert abs(r["cisp"][2][1][0] - p["cisp"][2][1][0]) > 1e-6 * abs(p["cisp"][0][1][0])
    only = run_cli(*base, "--orbital", "--no-zeeman").json()
    assert not np.any(only["omega_L_tau0"]) and only["zeeman"] is False
    text = run_cli(*base[:-1], "--orbital")
    assert text.returncode == 0 and "flux b = e B_z a_b^2/hbar" in text.stdout


@pytest.mark.parametrize("args,word", [
    (("--field", "1e-3", "--orbital"), "field"),
    (("--field", "1T", "--eta", "0.1"), "--orbital"),
    (("--field", "1T", "--localization-radius", "10 nm"), "--orbital"),
    (("--field", "1T", "--no-zeeman"), "--orbital"),
    (("--field", "1T", "--orbital", "--localization-radius", "2 kg"), "localization_radius"),
    (("--field", "1T", "--orbital", "--localization-radius", "1 mm"), "localization_radius"),
    (("--field", "1T", "--orbital", "--eta", "-1"), "eta"),
])
def test_cli_hanle_orbital_bad_input_one_line_exit_2(run_cli, args, word):
    out = run_cli("hanle", "--site-density", "0.01", "--sites", "7000", *args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and word in lines[0] and "Traceback" not in out.stderr and not out.stdout
