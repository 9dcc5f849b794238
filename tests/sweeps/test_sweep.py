"""Parameter sweeps on a real dask LocalCluster (2 process workers, loopback only) and the
resumable store: completion, equality with serial ``simulate``, interruption (killed client, killed
worker, torn journal line), parameter-mismatch refusal, grid parsing, report files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from hopspin.errors import GridError, StoreMismatchError, SweepIncomplete
from numerics.simulate import simulate
from numerics.sweeps import open_sweep, parse_grid, parse_seeds, run_sweep, sweep_report
from numerics.sweeps.journal import journal_path, read_journal

TAUS = [0.0, 1e2, 1e4, 1e6, 1e8]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                     host="127.0.0.1", env={"NUMBA_NUM_THREADS": "1"})
    yield c
    c.close()


@pytest.fixture(scope="module")
def small_nc(cluster, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "small.nc"
    ds = run_sweep(out=out, site_density=[0.005, 0.02], seeds=2, sites=1500, tau_s=TAUS,
                   scheduler=cluster.scheduler_address, progress=False)
    return out, ds


def _serial(d, s, sites, taus, cutoff=1.5):
    return simulate(site_density=d, sites=sites, seed=s, tau_s=taus, hop_cutoff=cutoff, threads=1)


def _assert_matches_serial(ds, sites, taus):
    for d in ds["site_density"].values:
        for s in ds["seed"].values:
            cell = ds.sel(site_density=d, seed=s)
            assert int(cell["done"]) == 1 and int(cell["failed"]) == 0
            r = _serial(float(d), int(s), sites, taus)
            assert float(cell["f_dr"]) == r.f_dr  # bitwise: same code, same seed, one thread
            np.testing.assert_array_equal(cell["f"].values, r.f)
            np.testing.assert_array_equal(cell["f_diff"].values, r.f_diff)
            assert int(cell["cluster_sites"]) == r.cluster_sites and int(cell["triangles"]) == r.triangles


def _shift_threads():
    """On a worker: the thread count of one run (the sweep task passes it to every solve)."""
    from numerics.sweeps import worker_threads

    return worker_threads()


def _journal_keys(out):
    _, runs = read_journal(journal_path(out))
    return [(r.site_density, r.seed) for r in runs]


# ----------------------------------------------------------------------------- grids

def test_parse_grid_ranges_and_values():
    np.testing.assert_allclose(parse_grid("0.002:0.1:12:log"), np.geomspace(0.002, 0.1, 12), rtol=1e-11)
    g = parse_grid("0 1e2:1e14:25:log")
    assert g.size == 26 and g[0] == 0 and g[1] == 100.0 and g[-1] == 1e14 and np.all(np.diff(g) > 0)
    np.testing.assert_array_equal(parse_grid("1:3:3"), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(parse_grid(["3", "1:3:3", "2.0", 0.5]), [0.5, 1.0, 2.0, 3.0])  # sorted unique
    np.testing.assert_array_equal(parse_grid("0.01, 0.02"), [0.01, 0.02])
    assert parse_grid("1e2:1e4:3:log")[1] == 1000.0  # rounded to 12 digits, so spellings compare equal
    np.testing.assert_array_equal(parse_seeds(3), [0, 1, 2])
    np.testing.assert_array_equal(parse_seeds(["7", "2:4:3"]), [2, 3, 4, 7])
    np.testing.assert_array_equal(parse_seeds("3"), [0, 1, 2])
    np.testing.assert_array_equal(parse_seeds(["3", "7"]), [3, 7])


@pytest.mark.parametrize("bad", ["3.0", "-1", "2.5 3", "0"])
def test_parse_seeds_refuses_ambiguous_or_bad(bad):
    with pytest.raises(GridError, match="seed"):
        parse_seeds(bad.split())


@pytest.mark.parametrize("bad", ["0:1:3:log", "1:2", "1:2:x", "1:2:0", "1:2:3:cubic", "a", "1:2:1", "", "1:inf:3"])
def test_parse_grid_refuses_bad_ranges(bad):
    with pytest.raises(GridError):
        parse_grid(bad)


def test_cli_bad_range_is_one_line_usage_error(capsys):
    from hopspin.cli import main

    assert main(["sweep", "--site-density", "0.01:0.1:x:log", "--sites", "1500", "--out", "x.nc"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("hopspin: error: --site-density:")


# ----------------------------------------------------------------------------- sweeps

def test_small_sweep_completes_and_equals_serial(small_nc, cluster):
    out, ds = small_nc
    assert ds.sizes == {"site_density": 2, "seed": 2, "tau_s": len(TAUS)}
    assert int(ds["done"].sum()) == 4
    assert ds.attrs["sites"] == 1500 and ds.attrs["hop_cutoff"] == 1.5 and json.loads(ds.attrs["tau_s_grid"]) == TAUS
    assert ds.attrs["hopspin_version"]
    on_disk = open_sweep(out)
    for name in ("f", "f_dr", "f_diff", "bonds", "max_conservation_error", "seconds"):
        np.testing.assert_array_equal(on_disk[name].values, ds[name].values)
    _assert_matches_serial(on_disk, 1500, TAUS)
    assert sorted(_journal_keys(out)) == [(d, s) for d in (0.005, 0.02) for s in (0, 1)]
    # the workers ran numerics without SymPy and with one numba thread
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        states = client.run(lambda: ("sympy" in sys.modules, "numerics.simulate" in sys.modules,
                                     os.environ.get("NUMBA_NUM_THREADS"),
                                     _shift_threads()))
    assert any(loaded for _, loaded, _, _ in states.values())
    assert all(not sym and threads == "1" for sym, _, threads, _ in states.values()), states
    assert all(shift_threads in (1, "n/a") for _, _, _, shift_threads in states.values()), states


def test_rerun_skips_finished_runs(small_nc, cluster):
    out, ds = small_nc
    before = journal_path(out).read_text()
    again = run_sweep(out=out, site_density=[0.005, 0.02], seeds=2, sites=1500, tau_s=TAUS,
                      scheduler="tcp://127.0.0.1:1", progress=False)
    # nothing pending: no client is even started (the scheduler address above is unreachable)
    assert journal_path(out).read_text() == before
    np.testing.assert_array_equal(again["f"].values, ds["f"].values)


@pytest.mark.parametrize("change", [{"sites": 1600}, {"hop_cutoff": 1.6}, {"tau_s": TAUS[:-1]},
                                    {"tau_s": [0.0, 1e2, 1e4, 1e6, 2e8]}])
def test_rerun_with_other_parameters_is_refused(small_nc, change):
    out, _ = small_nc
    kwargs = {"sites": 1500, "tau_s": TAUS, "hop_cutoff": 1.5, **change}
    before = journal_path(out).read_text()
    with pytest.raises(StoreMismatchError, match="holds a sweep with sites=1500"):
        run_sweep(out=out, site_density=[0.005], seeds=1, sites=kwargs["sites"], tau_s=kwargs["tau_s"],
                  hop_cutoff=kwargs["hop_cutoff"], scheduler="tcp://127.0.0.1:1", progress=False)
    assert journal_path(out).read_text() == before


def test_zarr_store_equals_netcdf(small_nc, cluster, tmp_path):
    out_nc, ds_nc = small_nc
    out = tmp_path / "small.zarr"
    run_sweep(out=out, site_density=[0.005, 0.02], seeds=2, sites=1500, tau_s=TAUS,
              scheduler=cluster.scheduler_address, progress=False)
    import xarray as xr

    z = xr.open_zarr(out, consolidated=False).load()  # the region-written store itself, no journal
    for name in ("f", "f_dr", "f_diff", "done", "cluster_sites", "triangles"):
        np.testing.assert_array_equal(z[name].values, ds_nc[name].values)
    assert z.attrs["sites"] == 1500


def test_a_sample_far_too_small_is_refused_before_any_run(tmp_path):
    from hopspin.errors import ParameterError

    out = tmp_path / "tiny.nc"
    with pytest.raises(ParameterError, match="correlation length"):
        run_sweep(out=out, site_density=[0.01], seeds=3, sites=20, tau_s=[0.0], scheduler="tcp://127.0.0.1:1",
                  progress=False)
    assert not out.exists() and not journal_path(out).exists()


def test_deterministic_failures_are_recorded_not_retried(cluster, tmp_path):
    out = tmp_path / "fail.nc"
    # N = 100 at cut-off 1 l_c: seeds 0 and 2 do not percolate, seed 1 does
    ds = run_sweep(out=out, site_density=[0.01], seeds=3, sites=100, tau_s=[0.0], hop_cutoff=1.0,
                   scheduler=cluster.scheduler_address, progress=False)
    assert ds["done"].values.tolist() == [[1, 1, 1]]
    assert ds["failed"].values.tolist() == [[1, 0, 1]]
    failures = json.loads(open_sweep(out).attrs["failures"])
    assert len(failures) == 2 and all("NotPercolatingError" in m for m in failures.values())
    run_sweep(out=out, site_density=[0.01], seeds=3, sites=100, tau_s=[0.0], hop_cutoff=1.0,
              scheduler="tcp://127.0.0.1:1", progress=False)
    assert len(_journal_keys(out)) == 3


_KILLED_CLIENT = textwrap.dedent("""
    import sys
    from numerics.sweeps import run_sweep
    run_sweep(out=sys.argv[1], site_density=[0.005, 0.02], seeds=6, sites=3000, tau_s={taus!r},
              scheduler=sys.argv[2], progress=False, flush_seconds=0.0)
""")


def test_killed_client_then_rerun_gives_every_result_once(cluster, tmp_path):
    out = tmp_path / "killed.nc"
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_CLIENT.format(taus=TAUS), str(out),
                             cluster.scheduler_address], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(_journal_keys(out)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = _journal_keys(out)
    assert 3 <= len(first) < 12, f"kill came too late ({len(first)} runs)"
    with open(journal_path(out), "a") as f:  # and a crash in the middle of writing a journal line
        f.write('{"type": "run", "key": {"site_density": 0.005, "seed": 5}, "values": {"f_dr": 1.2, "f_di')
    ds = run_sweep(out=out, site_density=[0.005, 0.02], seeds=6, sites=3000, tau_s=TAUS,
                   scheduler=cluster.scheduler_address, progress=False)
    keys = _journal_keys(out)
    assert keys[:len(first)] == first  # nothing finished was redone
    assert sorted(keys) == sorted(set(keys)) and len(keys) == 12  # every run exactly once
    assert int(ds["done"].sum()) == 12
    _assert_matches_serial(open_sweep(out), 3000, TAUS)


def test_killed_worker_is_retried(cluster, tmp_path):
    from distributed import Client

    out = tmp_path / "worker.zarr"
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    victim = next(iter(pids.values()))
    killed = threading.Event()

    def kill_after_first_result():
        deadline = time.monotonic() + 60
        while not _journal_keys(out) and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(victim, signal.SIGKILL)
        killed.set()

    watcher = threading.Thread(target=kill_after_first_result, daemon=True)
    watcher.start()
    try:
        ds = run_sweep(out=out, site_density=[0.005, 0.02], seeds=4, sites=10000, tau_s=TAUS,
                       scheduler=cluster.scheduler_address, progress=False)
    except SweepIncomplete:  # pragma: no cover - only if the scheduler gave up on the task
        pytest.fail("a run was lost when its worker died")
    watcher.join()
    assert killed.is_set()
    keys = _journal_keys(out)
    assert len(keys) == 8 and len(set(keys)) == 8
    assert int(ds["done"].sum()) == 8
    _assert_matches_serial(open_sweep(out), 10000, TAUS)
    with Client(cluster.scheduler_address) as client:  # the nanny restarted the worker
        client.wait_for_workers(2, timeout=60)
        assert victim not in client.run(os.getpid).values()


# ----------------------------------------------------------------------------- report and CLI

def test_report_writes_figures_and_tables(small_nc, tmp_path):
    out, _ = small_nc
    paths = sweep_report(out, out=tmp_path / "rep")
    names = sorted(p.name for p in paths)
    assert names == sorted(["f_vs_density.png", "f_vs_density.pdf", "f_vs_tau.png", "f_vs_tau.pdf",
                            "summary.csv", "summary.md"])
    for p in paths:
        assert p.stat().st_size > 200
    rows = (tmp_path / "rep" / "summary.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + 2 * len(TAUS)
    header = rows[0].split(",")
    first = dict(zip(header, rows[1].split(",")))
    ds = open_sweep(out)
    f0 = ds["f"].sel(site_density=0.005, tau_s=0.0).values
    assert float(first["f_mean"]) == pytest.approx(f0.mean(), rel=1e-12)
    assert float(first["f_sem"]) == pytest.approx(f0.std(ddof=1) / np.sqrt(2), rel=1e-12)
    assert "standard error" in (tmp_path / "rep" / "summary.md").read_text()


def test_cli_sweep_and_report(cluster, tmp_path, capsys):
    from hopspin.cli import main

    out = tmp_path / "cli.nc"

    def argv(sites):
        return ["sweep", "--site-density", "0.01", "0.02:0.04:2", "--seeds", "2", "--sites", str(sites), "--tau-s",
                "0", "1e2:1e6:3:log", "--out", str(out), "--scheduler", cluster.scheduler_address, "--quiet"]

    assert main(argv(1500)) == 0
    ds = open_sweep(out)
    assert ds["site_density"].values.tolist() == [0.01, 0.02, 0.04] and ds["seed"].values.tolist() == [0, 1]
    assert ds["tau_s"].values.tolist() == [0.0, 1e2, 1e4, 1e6] and int(ds["done"].sum()) == 6
    capsys.readouterr()
    assert main(argv(1600)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds a sweep with sites=1500" in err[0]
    assert main(["sweep-report", str(out), "--out", str(tmp_path / "rep")]) == 0
    assert (tmp_path / "rep" / "f_vs_tau.png").exists()


def test_energy_disorder_as_a_sweep_dimension(cluster, tmp_path):
    """W/k_BT as a store dimension: each cell equals its serial run (same seed: same positions), the
    distribution is recorded in the header."""
    out = tmp_path / "energies.nc"
    ds = run_sweep(out=out, site_density=[0.02], seeds=1, sites=1500, grid={"energy_disorder": [0.0, 6.0]},
                   energy_distribution="gaussian", tau_s=[0.0, 1e3], scheduler=cluster.scheduler_address,
                   progress=False)
    assert ds["f"].dims == ("site_density", "energy_disorder", "seed", "tau_s")
    assert json.loads(ds.attrs["parameters"])["energy_distribution"] == "gaussian"
    for w in (0.0, 6.0):
        r = simulate(site_density=0.02, sites=1500, seed=0, tau_s=[0.0, 1e3], threads=1, energy_disorder=w,
                     energy_distribution="gaussian")
        np.testing.assert_array_equal(open_sweep(out).sel(site_density=0.02, energy_disorder=w, seed=0)["f"].values, r.f)


def test_more_sweep_axes_and_their_store(cluster, tmp_path):
    """hop_cutoff and sites as sweep dimensions: every cell equals its serial run, and a rerun that
    sweeps other axes is refused."""
    out = tmp_path / "axes.nc"
    ds = run_sweep(out=out, site_density=[0.02], seeds=2, grid={"hop_cutoff": [1.2, 1.5], "sites": [1200, 1500]},
                   tau_s=[0.0, 1e3], scheduler=cluster.scheduler_address, progress=False)
    assert ds["f"].dims == ("site_density", "hop_cutoff", "sites", "seed", "tau_s")
    assert int(ds["done"].sum()) == 8 and "sites" not in json.loads(ds.attrs["parameters"])
    cell = open_sweep(out).sel(site_density=0.02, hop_cutoff=1.2, sites=1500, seed=1)
    r = _serial(0.02, 1, 1500, [0.0, 1e3], cutoff=1.2)
    np.testing.assert_array_equal(cell["f"].values, r.f)
    with pytest.raises(StoreMismatchError, match="sweeps site_density x seed"):
        run_sweep(out=out, site_density=[0.02], seeds=2, sites=1500, tau_s=[0.0, 1e3], scheduler="tcp://127.0.0.1:1",
                  progress=False)
