"""The numerical commands' documented forms: simulate, triangle (exit codes, JSON, one-line errors)."""

import numpy as np
import pytest


def test_cli_simulate_json_records(run_cli):
    out = run_cli("simulate", "--site-density", "0.02", "--sites", "2000", "--seed", "0", "1",
               "--tau-s", "0", "100", "1e6", "--json")
    assert out.returncode == 0, out.stderr
    records = out.json()
    assert [r["seed"] for r in records] == [0, 1]
    for r in records:
        assert set(r) >= {"site_density", "sites", "seed", "f_dr", "tau_s", "f_diff", "f",
                          "max_conservation_error", "seconds"}
        assert np.allclose(np.array(r["f"]), r["f_dr"] + np.array(r["f_diff"]))


def test_cli_triangle(run_cli):
    out = run_cli("triangle", "--side", "2", "--tau-s", "1000", "--json")
    assert out.returncode == 0, out.stderr
    rec = out.json()
    assert rec["max_relative_difference"] <= 1e-9


@pytest.mark.parametrize("args,word", [
    (("simulate", "--site-density", "-0.1", "--sites", "100"), "site_density"),
    (("simulate", "--site-density", "0.01", "--sites", "100", "--cutoff", "0.9"), "hop_cutoff"),
    (("simulate", "--site-density", "0.01", "--sites", "100", "--tau-s", "-5"), "--tau-s"),
    (("triangle", "--side", "-1", "--tau-s", "1"), "side"),
])
def test_cli_bad_input_one_line_exit_2(run_cli, args, word):
    out = run_cli(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and word in lines[0] and "Traceback" not in out.stderr


def test_cli_simulate_beta_tensor_and_maps(run_cli, tmp_path):
    out = run_cli("simulate", "--site-density", "0.02", "--sites", "2000", "--tau-s", "0", "100",
               "--beta", "rd:0.3,1", "--solver", "backprop", "--json", "-q")
    assert out.returncode == 0, out.stderr
    rec = out.json()
    tensor = np.array(rec["cisp_tensor"])
    assert tensor.shape == (2, 3, 2) and np.all(tensor[:, 2, :] == 0)
    assert rec["kkm_error"] < 1e-9 and rec["eq12_error"] < 1e-9
    out = run_cli("simulate", "--site-density", "0.02", "--sites", "2000", "--tau-s", "0", "100",
               "--maps", str(tmp_path), "-q")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "spin_separation.png").stat().st_size > 0 and (tmp_path / "drift_generation.pdf").exists()



@pytest.mark.parametrize("command", ["simulate", "onsager"])
def test_cli_non_percolating_sample_is_one_line_exit_2(run_cli, command):
    """The shared error mapping of the simulation commands (hopspin.cli.main)."""
    out = run_cli(command, "--site-density", "0.01", "--sites", "100", "--cutoff", "1.0", "--seed", "0",
                  "--tau-s", "10", "-q")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "site_density=0.01" in lines[0] and "Traceback" not in out.stderr
    assert "(warning: the sample" in lines[0]  # the size warning that explains it, folded into the one line


