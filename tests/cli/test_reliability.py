"""Every input of the reliability report gets a correct result or one clear line (regression tests).

Each test is one class of the report: output paths and streams, exits 0 with a wrong result, crashes
deep inside, runaway work, and the first run."""

import contextlib
import io
import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hopspin.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def one_error_line(err: str, *words) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hopspin: error: "), err
    assert all(w in lines[0] for w in words), (words, lines[0])
    return lines[0]


def strict_json(text):
    def refuse(token):
        raise AssertionError(f"invalid JSON token {token}")
    return json.loads(text, parse_constant=refuse)


# ----------------------------------------------------------------------------- output paths and streams
def test_outputs_that_cannot_be_written_are_refused_before_any_work(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    t = time.perf_counter()
    for argv, words in [
        (["reproduce", "--quick", "--out", afile], ("--out", "not a directory")),
        (["simulate", "--site-density", "0.05", "--sites", "1000", "--maps", afile, "-q"], ("--maps",)),
        (["simulate", "--site-density", "0.05", "--sites", "1000", "--maps", "/proc/no/such", "-q"], ("--maps",)),
        (["derive", "--out", afile], ("--out",)),
        (["sweep", "--site-density", "0.02", "--sites", "600", "--out", tmp_path], ("must end in .nc",)),
        (["sweep", "--site-density", "0.02", "--sites", "600", "--out", "/proc/no/x.nc"], ("/proc/no",)),
    ]:
        rc, _, err = run(*argv)
        assert rc == 2, argv
        one_error_line(err, *words)
    assert time.perf_counter() - t < 20   # refused at once, not after the work


def test_a_file_that_is_not_a_store_is_refused_and_left_alone(tmp_path):
    bad = tmp_path / "bad.nc"
    bad.write_text("not netCDF")
    rc, _, err = run("sweep", "--site-density", "0.02", "--sites", "600", "--out", bad, "--workers", "1")
    assert rc == 2 and "not a readable hopspin sweep store" in one_error_line(err)
    assert bad.read_text() == "not netCDF" and not Path(str(bad) + ".journal.jsonl").exists()
    rc, _, err = run("sweep-report", bad)
    assert rc == 2 and "not a readable hopspin sweep store" in one_error_line(err)


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "hopspin", "verify"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    first = proc.stdout.readline()
    proc.stdout.close()                      # `hopspin verify | head -1`
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert first.startswith("Running") and proc.returncode == 0 and "Traceback" not in err and err == ""


def test_a_full_disk_is_one_line():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "hopspin", "triangle", "--side", "2", "--tau-s", "1", "--json"],
                              stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    one_error_line(proc.stderr, "No space left on device")


def test_results_are_written_atomically(tmp_path, monkeypatch):
    """An interruption while writing leaves the old file, never a half-written one."""
    from hopspin import _io

    target = tmp_path / "report.md"
    _io.write_text(target, "old")
    with pytest.raises(KeyboardInterrupt):
        with _io.atomic_write(target) as fh:
            fh.write("half of the new")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.md"]


# ----------------------------------------------------------------------------- exit 0 with a wrong result
@pytest.mark.parametrize("argv,words", [
    (["sweep", "--site-density", "0.02", "--seeds", "3.0", "--sites", "600", "--out", "x.nc"], ("seeds", "3.0")),
    (["simulate", "--site-density", "0.02", "--sites", "800", "--seed", "0", "--seed", "1"], ("--seed", "twice")),
    (["simulate", "--site-density", "0.02", "--sites", "800", "--seed", "1", "1"], ("seed", "twice")),
    (["estimate", "--hopping-energy", "1e-30 meV", "--f", "1"], ("exceeds 1/2", "--hopping-energy")),
    (["coefficients", "--beta", "[[0, 1/0], [1, 0]]"], ("--beta", "not finite")),
])
def test_silent_misreadings_are_refused(argv, words):
    rc, out, err = run(*argv)
    assert rc == 2 and out == ""
    one_error_line(err, *words)


def test_tiny_tau_s_is_finite_and_json_is_strict():
    rc, out, _ = run("simulate", "--site-density", "0.02", "--sites", "2000", "--tau-s", "1e-300", "0", "1e300",
                     "inf", "--json", "-q")
    rec = strict_json(out)
    assert rc == 0 and all(math.isfinite(v) for v in rec["f"]) and rec["tau_s"][-1] == "inf"
    assert rec["f"][0] == rec["f"][1] == rec["f_dr"]               # τ_s = 1e-300 acts as τ_s = 0
    assert 0 < rec["f"][2] < 1e-280 and rec["f"][3] == 0.0           # f ∝ 1/τ_s down to 1e300


# ----------------------------------------------------------------------------- accepted, then a crash deep inside
def test_tiny_samples_are_refused_with_the_rule():
    rc, _, err = run("simulate", "--site-density", "1e-4", "--sites", "2000", "-q")
    assert rc == 2 and "L_0 = l_c (2 l_c/a_b)^(4/3)" in one_error_line(err, "sites")
    rc, _, err = run("simulate", "--site-density", "1e-5", "--sites", "100000", "-q")
    assert rc == 2
    one_error_line(err, "sites")


@pytest.mark.parametrize("tau_s", ["1e28", "1e29", "1e40", "1e300"])
def test_huge_tau_s_works(tau_s):
    rc, out, err = run("simulate", "--site-density", "0.02", "--sites", "2000", "--tau-s", "1e20", tau_s,
                       "--json", "-q")
    rec = strict_json(out)
    assert rc == 0, err
    ratio = rec["f"][1] / rec["f"][0]
    assert ratio == pytest.approx(1e20 / float(tau_s), rel=1e-6)     # f ∝ 1/τ_s in this limit


def test_the_triangle_at_any_side():
    rc, out, _ = run("triangle", "--side", "400", "--tau-s", "0", "1e3", "1e400", "--json")
    rec = strict_json(out)
    assert rc == 0 and rec["max_relative_difference"] < 1e-12 and rec["f_dr"] > 0
    rc, _, err = run("triangle", "--side", "800", "--tau-s", "1")
    assert rc == 2 and "[1e-06, 700] a_b" in one_error_line(err, "side")


def test_non_finite_beta_is_refused_by_name():
    rc, _, err = run("simulate", "--site-density", "0.02", "--sites", "2000", "--beta", "rashba:nan", "-q")
    assert rc == 2
    one_error_line(err, "--beta", "finite")


def test_a_deterministic_failure_in_a_sweep_is_recorded_not_retried(tmp_path):
    from numerics.sweeps import open_sweep

    out = tmp_path / "s.nc"
    rc, _, err = run("sweep", "--site-density", "0.01", "--seeds", "3", "--sites", "100", "--cutoff", "1",
                     "--out", out, "--workers", "1", "--quiet")
    ds = open_sweep(out)
    assert rc == 1 and int(ds["failed"].sum()) == 2 and "rerun to retry" not in err


# ----------------------------------------------------------------------------- runaway work
@pytest.mark.parametrize("argv,words", [
    (["coefficients", "--beta", "[[0, 1], [1, 0]]", "--order", "100"], ("--order", "[1, 6]")),
    (["coefficients", "--beta", "[[0, 10**10**10], [1, 0]]"], ("--beta", "exponent")),
    (["estimate", "--site-density", "10**10**10/cm^2", "--f", "1"], ("--site-density", "exponent")),
    (["sweep", "--site-density", "0.005:0.05:100:log", "--seeds", "1000", "--sites", "20000", "--out", "h.nc"],
     ("100000 runs", "--yes")),
])
def test_runaway_requests_are_refused_at_once(argv, words):
    t = time.perf_counter()
    rc, _, err = run(*argv)
    assert rc == 2 and time.perf_counter() - t < 5
    one_error_line(err, *words)


def test_ctrl_c_stops_a_sweep_within_seconds(tmp_path):
    out = tmp_path / "int.nc"
    proc = subprocess.Popen([sys.executable, "-m", "hopspin", "sweep", "--site-density", "0.005:0.02:4:log",
                             "--seeds", "25", "--sites", "20000", "--tau-s", "0", "1e3", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    journal = Path(str(out) + ".journal.jsonl")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and (not journal.exists() or len(journal.read_text().splitlines()) < 3):
        time.sleep(0.1)
    t = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    took = time.perf_counter() - t
    assert took < 15 and proc.returncode == 130, (took, proc.returncode, err[-2000:])
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("hopspin: interrupted"), err[-2000:]


# ----------------------------------------------------------------------------- the first run
def test_verify_json_all_pass_with_progress_on_stderr():
    """One ``verify --json`` run (the whole symbolic suite, ~1 min): every check passes, strict JSON on stdout,
    one progress line per check on stderr."""
    proc = subprocess.run([sys.executable, "-m", "hopspin", "verify", "--json"], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    checks = strict_json(proc.stdout)["checks"]
    assert len(checks) >= 10
    for c in checks:
        assert set(c) >= {"name", "equation", "passed", "seconds"}
        assert c["passed"] is True and c["seconds"] >= 0
    assert sum(line.startswith("hopspin verify: PASS") for line in proc.stderr.splitlines()) == len(checks)


def test_first_run_says_it_compiles(monkeypatch):
    import numerics.simulate as sim

    monkeypatch.setattr(sim, "kernels_cached", lambda: False)
    said = []
    sim.simulate(site_density=0.05, sites=1000, progress=said.append)
    assert said[0].startswith("compiling the numba kernels (first run only")
    from numerics._jit import kernels_cached
    assert isinstance(kernels_cached(), bool)


def test_sweeps_are_quiet_about_dashboards(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "hopspin", "sweep", "--site-density", "0.02", "--seeds", "2",
                           "--sites", "600", "--out", str(tmp_path / "q.nc"), "--workers", "2"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "8787" not in proc.stderr and "distributed" not in proc.stderr
    assert proc.stderr.splitlines()[0].split("] ", 1)[1].startswith("sweep: 2 runs of 600 sites")


def test_the_numbers_of_a_refused_sample_rule_are_consistent():
    from numerics.percolation import REFUSE_BELOW, correlation_length, sample_size_verdict

    n = int(np.ceil((REFUSE_BELOW * correlation_length(1e-3)) ** 2 * 1e-3))
    assert not sample_size_verdict(1e-3, n).refuse and sample_size_verdict(1e-3, n - 1).refuse
