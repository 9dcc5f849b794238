"""Command line of the theory layer: exact output forms that later tooling relies on."""

import json
import subprocess
import sys

import pytest
import sympy as sp

from theory import coefficients as co


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "hopspin", *args], capture_output=True, text=True)


def _coefficients_json(beta, order=None):
    args = ["coefficients", "--beta", beta, "--format", "json"] + (["--order", str(order)] if order else [])
    out = _cli(*args)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"G", "W", "Lambda", "Gamma"}
    syms = {s.name: s for s in [*co.site_coordinates("i"), *co.site_coordinates("j"), *co.site_coordinates("k")]}
    return {k: [sp.sympify(e, locals=syms) for e in v] for k, v in data.items()}, syms


def test_coefficients_001_gives_eq_9a():
    data, syms = _coefficients_json("[[0, bxy], [byx, 0]]")
    bxy, byx = sp.symbols("bxy byx")
    x, y = {s: syms[f"x_{s}"] for s in "ijk"}, {s: syms[f"y_{s}"] for s in "ijk"}
    area = ((x["k"] - x["i"]) * (y["i"] - y["j"]) - (y["k"] - y["i"]) * (x["i"] - x["j"])) / 2  # (R_ki × R_ij)_z / 2
    beta_r = (bxy * (y["i"] - y["j"]), byx * (x["i"] - x["j"]))
    tr_b2 = 2 * bxy * byx
    expected = (-3 * area * beta_r[1] * tr_b2, 3 * area * beta_r[0] * tr_b2, 0)   # 3 (A ẑ × βR_ij) Tr β²
    for got, want in zip(data["G"], expected):
        assert sp.expand(got - want) == 0
    for m in range(3):  # Γ = W + G and Λ = 4(W − G) in the printed output too
        assert sp.expand(data["Gamma"][m] - data["W"][m] - data["G"][m]) == 0
        assert sp.expand(data["Lambda"][m] - 4 * (data["W"][m] - data["G"][m])) == 0


def test_coefficients_general_3x2_numeric_and_order():
    data, _ = _coefficients_json("[[0, 1], [-1, 0], [2, 0]]", order=2)
    assert any(e != 0 for e in data["W"])          # second order: only the spin-separation W survives
    assert all(e == 0 for e in data["G"])


@pytest.mark.parametrize("args,word", [
    (("coefficients", "--beta", "[[1, 2, 3], [4, 5, 6]]"), "2x2 or 3x2"),
    (("coefficients", "--beta", "[[1, 2], [3, 4]"), "malformed"),
    (("coefficients", "--beta", "[[0, 1], [1, 0]]", "--order", "0"), "order"),
    (("coefficients",), "--beta"),
    (("nonsense",), "invalid choice"),
])
def test_bad_input_is_one_line_exit_2(args, word):
    out = _cli(*args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and word in lines[0] and "Traceback" not in out.stderr


def test_codegen_command_writes_identical_files(tmp_path):
    from theory.codegen import GENERATED_DIR
    out = _cli("codegen", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    for name in ("triad_kernels.py", "__init__.py"):
        assert (tmp_path / name).read_text() == (GENERATED_DIR / name).read_text()
