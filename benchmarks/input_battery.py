"""A battery of good, edge and bad inputs over every command and the Python API, classified.

Run:  python benchmarks/input_battery.py [--json out.json] [--timeout 120]

Each input runs in a fresh process (as a new user would run it) and ends in one class:

* ``ok``        exit 0 and valid output (strict JSON where --json was asked, no NaN, no Traceback)
* ``refused``   exit 2 and exactly one ``hopspin: error:`` line on stderr that names a parameter
* ``check``     exit 1 from a command whose own check failed (an Onsager / (S46) verdict), said in one line
* ``traceback`` a Python traceback anywhere
* ``unclear``   exit 2 without exactly one named error line
* ``wrong``     exit 0 with invalid JSON, a NaN/null number, or an error printed
* ``hang``      no end within the timeout
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NULLABLE = {"beta", "threads", "seed", "eq12_error", "sigma_she", "spin_current", "drift_spin_current",
            "sge_tensor", "onsager_error", "simulation",
            # documented nulls of the later commands: no user site energies / g-factor / tau0 given; the field-odd
            # parts and the zero-field check of `hall` without a -b partner or b = 0 ("null without -b")
            "site_energies", "g_factor", "tau0_seconds", "antisymmetry_error", "f_x_odd", "f_y_odd",
            "zero_field_error", "hall_mobility", "hall_coefficient"}     # the last two: null at b = 0 (documented)
NAMES = ("site-density", "site_density", "sites", "seed", "tau", "cutoff", "beta", "side", "order", "format",
         "out", "workers", "retries", "solver", "engine", "--f", "f0", "field", "energy", "density", "radius",
         "mass", "rho0", "temperature", "tau0", "hopping", "carrier", "e E a_b", "m beta", "n_s", "argument",
         "grid", "store", "maps", "yes", "unknown parameter", "name", "choice", "flux", "eta", "g_factor",
         "g-factor", "orbital", "zeeman", "localization", "disorder", "magnetic")


def _inputs(tmp: Path) -> list[tuple[str, list[str], bool]]:
    """(label, argv after `hopspin`, expects JSON)."""
    afile = tmp / "afile"
    afile.write_text("x")
    bad_nc = tmp / "bad.nc"
    bad_nc.write_text("not netcdf")
    S = ["simulate", "-q"]
    cases = []

    def add(label, argv, js=False):
        cases.append((label, [str(a) for a in argv], js))

    # simulate: good and edge
    for d in ("0.005", "0.01", "0.02", "0.05", "0.1", "0.2"):
        add(f"simulate density {d}", S + ["--site-density", d, "--sites", "3000", "--json"], True)
    for t in ("0", "1e-300", "1e-20", "1", "1e3", "1e9", "1e14", "1e20", "1e28", "1e29", "1e40", "1e300", "inf"):
        add(f"simulate tau_s {t}", S + ["--site-density", "0.02", "--sites", "2000", "--tau-s", t, "--json"], True)
    for c in ("1", "1.2", "2", "3"):
        add(f"simulate cutoff {c}", S + ["--site-density", "0.02", "--sites", "2000", "--cutoff", c, "--json"], True)
    add("simulate backprop", S + ["--site-density", "0.02", "--sites", "2000", "--solver", "backprop", "--json"], True)
    add("simulate seeds", S + ["--site-density", "0.02", "--sites", "2000", "--seed", "0", "1", "2", "--json"], True)
    for b in ("rd:0.3,1", "110:1,0.5", "[[0, 1], [1, 0]]", "[[0, 1], [-1, 0], [2, 0]]", "rashba:1", "dresselhaus:1"):
        add(f"simulate beta {b}", S + ["--site-density", "0.02", "--sites", "2000", "--beta", b, "--json"], True)
    add("simulate maps", S + ["--site-density", "0.02", "--sites", "2000", "--maps", tmp / "maps"])
    # simulate: bad
    for d in ("0", "1", "-0.01", "nan", "inf", "abc", "1e-5", "1e-4", "0.5"):
        add(f"simulate bad density {d}", S + ["--site-density", d, "--sites", "2000"])
    for n in ("0", "3", "19", "-5", "2.5", "x", "2000000000000"):
        add(f"simulate bad sites {n}", S + ["--site-density", "0.02", "--sites", n])
    for t in ("-1", "nan", "x", "-inf"):
        add(f"simulate bad tau_s {t}", S + ["--site-density", "0.02", "--sites", "2000", "--tau-s", t])
    for c in ("0.5", "nan", "11", "-1"):
        add(f"simulate bad cutoff {c}", S + ["--site-density", "0.02", "--sites", "2000", "--cutoff", c])
    for b in ("rashba:nan", "[[0, 1]]", "rd:x", "[[0, 1e400], [1, 0]]", "nonsense", "[[0, 1/0], [1, 0]]",
              "[[0, 10**10**10], [1, 0]]", "rd:1,inf"):
        add(f"simulate bad beta {b}", S + ["--site-density", "0.02", "--sites", "2000", "--beta", b])
    add("simulate seed twice", S + ["--site-density", "0.02", "--sites", "2000", "--seed", "0", "--seed", "1"])
    add("simulate seed repeated", S + ["--site-density", "0.02", "--sites", "2000", "--seed", "1", "1"])
    add("simulate bad seed", S + ["--site-density", "0.02", "--sites", "2000", "--seed", "-1"])
    add("simulate maps on a file", S + ["--site-density", "0.02", "--sites", "2000", "--maps", afile])
    add("simulate maps in /proc", S + ["--site-density", "0.02", "--sites", "2000", "--maps", "/proc/no/x"])
    add("simulate bad solver", S + ["--site-density", "0.02", "--sites", "2000", "--solver", "cholmod"])
    add("simulate missing sites", ["simulate", "--site-density", "0.02"])
    add("simulate not percolating", S + ["--site-density", "0.01", "--sites", "100", "--cutoff", "1"])
    # triangle
    for a in ("1", "2", "4", "40", "400", "700", "1e-6"):
        add(f"triangle side {a}", ["triangle", "--side", a, "--tau-s", "0", "1", "1e3", "inf", "--json"], True)
    for a in ("0", "-1", "nan", "inf", "800", "1e-9", "x"):
        add(f"triangle bad side {a}", ["triangle", "--side", a, "--tau-s", "1"])
    add("triangle bad tau_s", ["triangle", "--side", "2", "--tau-s", "-1"])
    # onsager
    add("onsager default", ["onsager", "--sites", "4000", "-q", "--json"], True)
    add("onsager tau_s 1e14", ["onsager", "--site-density", "0.1", "--sites", "4000", "--tau-s", "1e14", "-q", "--json"], True)
    add("onsager inf", ["onsager", "--sites", "4000", "--tau-s", "inf", "-q"])
    add("onsager bad density", ["onsager", "--site-density", "1.5", "-q"])
    # estimate
    add("estimate default f", ["estimate", "--f", "1", "--json"], True)
    add("estimate simulated f", ["estimate", "--site-density", "5e10/cm^2", "--carrier-density", "2e9/cm^2",
                                 "--sites", "3000", "--seeds", "0", "--json"], True)
    add("estimate full beta", ["estimate", "--f", "1", "--beta", "[[0, 5], [-5, 0], [10, 0]]", "--json"], True)
    for opt, q in (("--hopping-energy", "1 eV"), ("--tau-s", "1 us"), ("--temperature", "300 K"),
                   ("--site-density", "1e10 cm^-2"), ("--field", "0 V/m"), ("--mass", "0.067 m0")):
        add(f"estimate {opt} {q}", ["estimate", "--f", "1", opt, q, "--json"], True)
    for opt, q in (("--hopping-energy", "1e-30 meV"), ("--hopping-energy", "-1 meV"), ("--tau-s", "3 nm"),
                   ("--tau-s", "0 s"), ("--field", "-1 kV/cm"), ("--field", "1 T"), ("--temperature", "0 K"),
                   ("--site-density", "10**10**10/cm^2"), ("--site-density", "2e11"), ("--mass", "0.1"),
                   ("--beta-xy", "10 meV"), ("--rho0", "-5 kOhm"), ("--site-density", "1e13/cm^2"),
                   ("--localization-radius", "1e400 nm"), ("--f", "nan"), ("--f", "x")):
        argv = ["estimate", opt, q] if opt == "--f" else ["estimate", "--f", "1", opt, q]
        add(f"estimate bad {opt} {q}", argv)
    add("estimate f0 without f", ["estimate", "--f0", "1"])
    # coefficients
    for b in ("[[0, bxy], [byx, 0]]", "[[0, 1], [-1, 0], [2, 0]]", "[[0, 2**3], [x, 0]]"):
        for fmt in ("json", "text", "latex"):
            add(f"coefficients {b} {fmt}", ["coefficients", "--beta", b, "--order", "2", "--format", fmt],
                fmt == "json")
    for b in ("[[0, 1/0], [1, 0]]", "[[0, 10**10**10], [1, 0]]", "[[1, 2, 3]]", "[[0, 1], [1, 0]",
              "[[0, 'a'], [1, 0]]", "[[0, 1e400], [1, 0]]", "__import__('os')"):
        add(f"coefficients bad beta {b}", ["coefficients", "--beta", b])
    for o in ("0", "-1", "7", "100", "x"):
        add(f"coefficients bad order {o}", ["coefficients", "--beta", "[[0, 1], [1, 0]]", "--order", o])
    add("coefficients bad format", ["coefficients", "--beta", "[[0, 1], [1, 0]]", "--format", "yaml"])
    # theory commands
    add("verify json", ["verify", "--json"], True)
    add("derive one", ["derive", "triangle"])
    add("derive unknown", ["derive", "nonsense"])
    add("derive out on a file", ["derive", "triangle", "--out", afile])
    add("codegen to tmp", ["codegen", "--out", tmp / "gen"])
    add("unknown command", ["nonsense"])
    add("no command", [])
    # sweeps
    add("sweep small", ["sweep", "--site-density", "0.02", "0.05", "--seeds", "2", "--sites", "2000", "--tau-s", "0",
                        "1e3", "--out", tmp / "s.nc", "--workers", "2", "--quiet"])
    add("sweep rerun", ["sweep", "--site-density", "0.02", "0.05", "--seeds", "2", "--sites", "2000", "--tau-s", "0",
                        "1e3", "--out", tmp / "s.nc", "--workers", "2", "--quiet"])
    add("sweep zarr", ["sweep", "--site-density", "0.02", "--seeds", "2", "--sites", "2000", "--out", tmp / "s.zarr",
                       "--workers", "1", "--quiet"])
    add("sweep other parameters", ["sweep", "--site-density", "0.02", "--seeds", "2", "--sites", "2500", "--out",
                                   tmp / "s.nc", "--quiet"])
    add("sweep seeds 3.0", ["sweep", "--site-density", "0.02", "--seeds", "3.0", "--sites", "2000", "--out", tmp / "t.nc"])
    add("sweep bad range", ["sweep", "--site-density", "0.01:0.1:x:log", "--sites", "2000", "--out", tmp / "u.nc"])
    add("sweep bad suffix", ["sweep", "--site-density", "0.02", "--sites", "2000", "--out", tmp / "u.txt"])
    add("sweep a directory", ["sweep", "--site-density", "0.02", "--sites", "2000", "--out", tmp])
    add("sweep not a store", ["sweep", "--site-density", "0.02", "--sites", "2000", "--out", bad_nc])
    add("sweep huge", ["sweep", "--site-density", "0.005:0.05:100:log", "--seeds", "1000", "--sites", "20000",
                       "--out", tmp / "h.nc"])
    add("sweep tiny sample", ["sweep", "--site-density", "0.01", "--sites", "20", "--out", tmp / "v.nc"])
    add("sweep bad tau", ["sweep", "--site-density", "0.02", "--sites", "2000", "--tau-s", "-1", "--out", tmp / "w.nc"])
    add("sweep bad workers", ["sweep", "--site-density", "0.02", "--sites", "2000", "--workers", "0", "--out",
                              tmp / "w.nc"])
    add("sweep-report", ["sweep-report", tmp / "s.nc", "--out", tmp / "rep"])
    add("sweep-report not a store", ["sweep-report", bad_nc])
    add("sweep-report missing", ["sweep-report", tmp / "none.nc"])
    # energy disorder (issue 15)
    E = S + ["--site-density", "0.02", "--sites", "2000"]
    for w in ("0", "1e-9", "5", "20"):
        add(f"simulate energy disorder {w}", E + ["--energy-disorder", w, "--json"], True)
    add("simulate gaussian disorder", E + ["--energy-disorder", "5", "--energy-distribution", "gaussian", "--json"], True)
    add("onsager energy disorder", ["onsager", "--sites", "4000", "--energy-disorder", "5", "-q", "--json"], True)
    for w in ("-1", "nan", "inf", "1e3", "x"):
        add(f"simulate bad energy disorder {w}", E + ["--energy-disorder", w])
    add("simulate bad energy distribution", E + ["--energy-disorder", "5", "--energy-distribution", "cauchy"])
    add("estimate disorder width", ["estimate", "--f", "1", "--disorder-width", "1 meV", "--temperature", "4 K",
                                    "--json"], True)
    add("estimate bad disorder width", ["estimate", "--f", "1", "--disorder-width", "1 m", "--temperature", "4 K"])
    # magnetic field: Zeeman and orbital (issues 13, 14)
    H = ["hanle", "--site-density", "0.02", "--sites", "2000", "--tau-s", "1e3", "-q"]
    add("hanle bare field", H + ["--field", "0:0.01:3", "--json"], True)
    add("hanle tesla field z", H + ["--field", "0mT:5mT:3", "--field-direction", "z", "--g-factor", "-0.44", "--json"],
        True)
    add("hanle oblique angles", H + ["--field", "0:0.01:3", "--field-direction", "45,30", "--json"], True)
    add("hanle orbital", H + ["--field", "0T:0.5T:3", "--field-direction", "z", "--orbital", "--json"], True)
    add("hanle orbital only", H + ["--field", "0T:0.5T:3", "--field-direction", "z", "--orbital", "--no-zeeman",
                                   "--json"], True)
    for args in (["--field", "0:1:x"], ["--field", "nan"], ["--field", "0:0.01:3", "--field-direction", "w"],
                 ["--field", "0:0.01:3", "--orbital"], ["--field", "0mT:5mT:3", "--g-factor", "nan"],
                 ["--field", "0T:1T:3", "--orbital", "--localization-radius", "-1 nm"],
                 ["--field", "0T:1T:3", "--orbital", "--eta", "-1"], ["--field", "0:0.01:3", "--no-zeeman"],
                 ["--field", "1 m"]):
        add(f"hanle bad {' '.join(args)}", H + args)
    add("hall issue form", ["hall", "--site-density", "0.01", "--sites", "20000", "--seed", "0", "--flux", "-0.1", "0",
                            "0.1", "--json", "-q"], True)
    add("hall spin", ["hall", "--site-density", "0.02", "--sites", "2000", "--flux", "0.1", "--spin", "--tau-s", "1e3",
                      "--json", "-q"], True)
    for f in ("nan", "1e9", "x"):
        add(f"hall bad flux {f}", ["hall", "--site-density", "0.02", "--sites", "2000", "--flux", f, "-q"])
    add("hall bad eta", ["hall", "--site-density", "0.02", "--sites", "2000", "--flux", "0.1", "--eta", "-1", "-q"])
    add("estimate magnetic field", ["estimate", "--magnetic-field", "2 mT", "--g-factor", "-0.44", "--json"], True)
    add("estimate bad magnetic field", ["estimate", "--magnetic-field", "2 m"])
    # validation (issue 12)
    add("validate dry run", ["validate", "--dry-run"])
    add("validate out on a file", ["validate", "--quick", "--out", afile])
    add("validate bad workers", ["validate", "--quick", "--workers", "0", "--out", tmp / "val"])
    add("reproduce out on a file", ["reproduce", "--quick", "--out", afile])
    add("reproduce bad sites", ["reproduce", "--sites", "10"])
    return cases


API = [
    ("api simulate", "import hopspin; r = hopspin.simulate(site_density=0.02, sites=2000, tau_s=[0, 1e3]); "
                     "print(r.to_xarray().sizes['tau_s'])"),
    ("api unknown keyword", "import hopspin; hopspin.simulate(sight_density=0.02)"),
    ("api bad density", "import hopspin; hopspin.simulate(site_density=2)"),
    ("api cisp_tensor", "import hopspin; t = hopspin.cisp_tensor(site_density=0.02, sites=2000, beta='rd:0.3,1'); "
                        "print(t.to_xarray()['cisp_tensor'].dims)"),
    ("api spin_galvanic", "import hopspin; print(hopspin.spin_galvanic(site_density=0.02, sites=2000, "
                          "tau_s=[10.0]).ok)"),
    ("api estimate", "import hopspin; print(hopspin.estimate(f=1.0)['s'])"),
    ("api estimate bad", "import hopspin; hopspin.estimate(f=1.0, J0=1e-60)"),
    ("api triangle", "import hopspin; print(hopspin.triangle(2.0, tau_s=[1e3]).f_diff)"),
    ("api coefficients", "import hopspin; print(hopspin.coefficients('[[0, 1], [1, 0]]', order=2).W)"),
    ("api config replace", "import hopspin; c = hopspin.SimulationConfig(); print(c.replace(seed=3).seed)"),
    ("api config bad", "import hopspin; hopspin.SimulationConfig(tau_s=[-1])"),
    ("api hanle", "import hopspin; r = hopspin.hanle(site_density=0.02, sites=2000, tau_s=[1e3], field=[0, 0.01]); "
                  "print(r.to_xarray().sizes['field'])"),
    ("api hanle orbital bare", "import hopspin; hopspin.hanle(site_density=0.02, sites=2000, field=[0.1], orbital=True)"),
    ("api hall", "import hopspin; print(hopspin.hall(site_density=0.02, sites=2000, flux=[-0.1, 0.1]).hall_current)"),
    ("api energy disorder", "import hopspin; print(hopspin.simulate(site_density=0.02, sites=2000, energy_disorder=5)"
                            ".f_dr)"),
]


def classify(rc, out, err, js, timed_out, api=False):
    if timed_out:
        return "hang"
    if "Traceback" in err or "Traceback" in out:
        return "api-error" if api and "hopspin.errors" in err else "traceback"
    if rc == 0:
        if "hopspin: error" in err:
            return "wrong"
        if js:
            try:
                data = json.loads(out, parse_constant=lambda t: (_ for _ in ()).throw(ValueError(t)))
            except ValueError:
                return "wrong"
            if not _finite(data):
                return "wrong"
        return "ok"
    lines = [x for x in err.strip().splitlines() if x]
    if rc == 2 and len(lines) == 1 and lines[0].startswith("hopspin: error: ") and any(n in lines[0] for n in NAMES):
        return "refused"
    if rc == 1 and lines and lines[-1].startswith("hopspin:"):
        return "check"
    return "unclear"


def _finite(obj, key=None):
    if isinstance(obj, dict):
        return all(_finite(v, k) for k, v in obj.items())
    if isinstance(obj, list):
        return all(_finite(v, key) for v in obj)
    if obj is None:
        return key in NULLABLE
    return not isinstance(obj, float) or math.isfinite(obj)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", help="write the per-input outcomes here")
    p.add_argument("--timeout", type=float, default=120.0)
    args = p.parse_args()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        jobs = [(label, [sys.executable, "-m", "hopspin", *argv], js, False) for label, argv, js in _inputs(tmp)]
        jobs += [(label, [sys.executable, "-c", code], False, True) for label, code in API]
        for label, cmd, js, api in jobs:
            t = time.perf_counter()
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, cwd=tmp, env=env)
                outcome = classify(proc.returncode, proc.stdout, proc.stderr, js, False, api)
                last = (proc.stderr.strip().splitlines() or [""])[-1][:160]
            except subprocess.TimeoutExpired:
                outcome, last = "hang", ""
            rows.append({"input": label, "outcome": outcome, "seconds": round(time.perf_counter() - t, 2),
                         "last_stderr_line": last})
            print(f"{outcome:10s} {rows[-1]['seconds']:7.1f} s  {label}", flush=True)
    counts = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    print(json.dumps({"inputs": len(rows), "counts": counts}, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps({"counts": counts, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
