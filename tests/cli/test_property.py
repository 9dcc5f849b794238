"""Property test over the command-line argument space (hypothesis): every call of simulate, estimate,
triangle, coefficients and sweep ends either with exit 0 and finite, valid output, or with exit 2 and
exactly one line on stderr that names a parameter — never a traceback, never a hang."""

import contextlib
import io
import json
import math
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hopspin.cli import main

#: keys whose value may legitimately be null in a record (optional or not applicable, never a lost number)
NULLABLE = {"beta", "threads", "seed", "eq12_error", "sigma_she", "spin_current", "drift_spin_current", "sge_tensor",
            "onsager_error", "simulation", "site_energies"}
#: words that name a parameter in an error line (option names and their config field names)
PARAMETER_WORDS = ("site-density", "site_density", "sites", "seed", "tau", "cutoff", "beta", "side", "order",
                   "format", "--out", "out", "workers", "retries", "solver", "engine", "--f", "f0", "field",
                   "energy", "density", "radius", "mass", "rho0", "temperature", "tau0", "hopping", "carrier",
                   "e E a_b", "m beta", "n_s", "argument", "grid", "range", "store", "json", "maps", "yes")
SECONDS_PER_CALL = 60.0


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse --help only; not generated here
            rc = exc.code
    return rc, out.getvalue(), err.getvalue(), time.perf_counter() - start


def _finite(obj, key=None):
    if isinstance(obj, dict):
        return all(_finite(v, k) for k, v in obj.items())
    if isinstance(obj, list):
        return all(_finite(v, key) for v in obj)
    if obj is None:
        return key in NULLABLE
    if isinstance(obj, float):
        return math.isfinite(obj)
    return True


def _check(argv, json_out: bool):
    rc, out, err, seconds = _run(argv)
    assert seconds < SECONDS_PER_CALL, (argv, seconds)
    assert "Traceback" not in err and "Traceback" not in out, (argv, err)
    if rc == 0:
        if json_out:
            def refuse(token):
                raise AssertionError(f"invalid JSON token {token} for {argv}")
            data = json.loads(out, parse_constant=refuse)
            assert _finite(data), (argv, out[:2000])
        return
    assert rc == 2, (argv, rc, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hopspin: error: "), (argv, err)
    assert any(w in lines[0] for w in PARAMETER_WORDS), (argv, lines[0])


def _numbers(valid, edge):
    return st.one_of(st.sampled_from(valid), st.sampled_from(edge))


DENSITY = _numbers(["0.005", "0.02", "0.05", "0.1"], ["0", "1", "-0.01", "nan", "inf", "1e-5", "abc", "0.5", "1e-300"])
SITES = _numbers(["300", "800", "2000"], ["0", "3", "19", "-5", "2.5", "x", "1e3", "20"])
TAU = st.lists(_numbers(["0", "10", "1e3", "1e9", "inf"], ["-1", "nan", "1e-300", "1e300", "1e29", "x", "1e400"]),
               min_size=1, max_size=4)
CUTOFF = _numbers(["1.5", "1.2", "2"], ["1", "0.5", "10", "11", "nan", "-1"])
SEED = st.lists(_numbers(["0", "1", "7"], ["-1", "2.5", "x"]), min_size=1, max_size=3)
BETA_NUMERIC = _numbers(["rd:0.3,1", "[[0, 1], [1, 0]]", "110:1,0.5", "rashba:1"],
                        ["rashba:nan", "[[0, 1]]", "rd:x", "[[0, 1e400], [1, 0]]", "nonsense", "[[0, 1/0], [1, 0]]"])
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def _field(data, name, valid, edge, bad):
    """A valid value, or (for the field chosen to be bad) an edge value."""
    return data.draw(st.sampled_from(edge if name == bad else valid), label=name)


@settings(max_examples=60, **COMMON)
@given(data=st.data(), bad=st.sampled_from([None, None, None, "density", "sites", "tau", "cutoff", "seed", "beta"]),
       with_beta=st.booleans(), solver=st.sampled_from(["multifrontal", "backprop"]))
def test_simulate(data, bad, with_beta, solver):
    """Mostly valid calls (so that real runs happen), each with at most one field from its edge set."""
    density = _field(data, "density", ["0.005", "0.02", "0.05", "0.1"],
                     ["0", "1", "-0.01", "nan", "inf", "1e-5", "abc", "0.5", "1e-300"], bad)
    sites = _field(data, "sites", ["300", "800", "2000"], ["0", "3", "19", "-5", "2.5", "x", "1e3", "20"], bad)
    tau = [_field(data, "tau", ["0", "10", "1e3", "1e9", "inf", "1e-300", "1e300", "1e29"],
                  ["-1", "nan", "x", "-inf"], bad) for _ in range(data.draw(st.integers(1, 3), label="n_tau"))]
    cutoff = _field(data, "cutoff", ["1.5", "1.2", "2"], ["0.5", "11", "nan", "-1"], bad)
    seed = [_field(data, "seed", ["0", "1", "7"], ["-1", "2.5", "x"], bad) for _ in range(data.draw(st.integers(1, 2)))]
    argv = ["simulate", "--site-density", density, "--sites", sites, "--tau-s", *tau, "--cutoff", cutoff,
            "--seed", *dict.fromkeys(seed), "--solver", solver, "--json", "-q"]
    if with_beta or bad == "beta":
        argv += ["--beta", _field(data, "beta", ["rd:0.3,1", "[[0, 1], [1, 0]]", "110:1,0.5", "rashba:1"],
                                  ["rashba:nan", "[[0, 1]]", "rd:x", "[[0, 1e400], [1, 0]]", "nonsense",
                                   "[[0, 1/0], [1, 0]]"], bad)]
    _check(argv, True)


@settings(max_examples=30, **COMMON)
@given(side=_numbers(["1", "2", "4", "40", "400"], ["0", "-1", "nan", "inf", "800", "1e-9", "x"]), tau=TAU)
def test_triangle(side, tau):
    _check(["triangle", "--side", side, "--tau-s", *tau, "--json"], True)


QUANTITY = {
    "--site-density": (["2e11/cm^2", "1e10 cm^-2"], ["10**10**10/cm^2", "2e11", "-1/cm^2", "1 meV", "0/cm^2"]),
    "--hopping-energy": (["10 meV", "1 eV"], ["1e-30 meV", "-1 meV", "3 nm", "meV", "1e400 meV"]),
    "--tau-s": (["100 ns", "1 us"], ["3 nm", "-1 ns", "0 s", "10**400 s"]),
    "--field": (["1 kV/cm", "0 V/m"], ["-1 kV/cm", "1 T", "1e30 kV/cm"]),
    "--temperature": (["4 K", "300 K"], ["0 K", "-4 K", "4"]),
}


@settings(max_examples=40, **COMMON)
@given(options=st.dictionaries(st.sampled_from(sorted(QUANTITY)), st.booleans(), max_size=3),
       choice=st.integers(0, 10**6), f=st.sampled_from(["1", "0.5", "-2", "nan", "inf", "1e300", "x"]))
def test_estimate(options, choice, f):
    argv = ["estimate", "--json", "--f", f]
    for option, valid in options.items():
        good, bad = QUANTITY[option]
        pool = good if valid else bad
        argv += [option, pool[choice % len(pool)]]
    _check(argv, True)


@settings(max_examples=25, **COMMON)
@given(beta=_numbers(["[[0, bxy], [byx, 0]]", "[[0, 1], [-1, 0], [2, 0]]", "[[0, 2**3], [x, 0]]"],
                     ["[[0, 1/0], [1, 0]]", "[[0, 10**10**10], [1, 0]]", "[[1, 2, 3]]", "[[0, 1], [1, 0]",
                      "[[0, 'a'], [1, 0]]", "[[0, 1e400], [1, 0]]", "__import__('os')", "[[0, x**y], [1, 0]]"]),
       order=st.sampled_from(["1", "2", "3", "0", "-1", "7", "100", "x"]),
       fmt=st.sampled_from(["json", "text", "latex", "yaml"]))
def test_coefficients(beta, order, fmt):
    _check(["coefficients", "--beta", beta, "--order", order, "--format", fmt], fmt == "json")


@pytest.mark.parametrize("case", range(8))
def test_sweep(case):
    """A handful of small sweeps (each starts a dask cluster): valid, refused and malformed requests."""
    tmp = Path(tempfile.mkdtemp())
    specs = [
        ["--site-density", "0.02", "--seeds", "2", "--sites", "600", "--tau-s", "0", "1e3", "--out", tmp / "a.nc"],
        ["--site-density", "0.02:0.05:2:log", "--seeds", "3.0", "--sites", "600", "--out", tmp / "b.nc"],
        ["--site-density", "0.02", "--seeds", "2", "--sites", "20", "--out", tmp / "c.nc"],
        ["--site-density", "0.01:0.1:x", "--sites", "600", "--out", tmp / "d.nc"],
        ["--site-density", "0.02", "--sites", "600", "--out", tmp / "e.txt"],
        ["--site-density", "0.005:0.05:200:log", "--seeds", "20", "--sites", "600", "--out", tmp / "f.nc"],
        ["--site-density", "0.02", "--sites", "600", "--tau-s", "-1", "--out", tmp / "g.nc"],
        ["--site-density", "0.02", "--sites", "600", "--out", tmp],
    ]
    _check(["sweep", *map(str, specs[case]), "--workers", "1", "--quiet"], False)
