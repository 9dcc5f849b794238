"""Symbolic layer: every paper identity as a test, plus properties of the building blocks."""

import numpy as np
import pytest
import sympy as sp

from theory import checks, coefficients as co, models
from theory.pauli import SIGMA, graded_product, su2_hopping, su2_hopping_graded


@pytest.mark.parametrize("name,fn", checks.CHECKS, ids=[n for n, _ in checks.CHECKS])
def test_paper_identity(name, fn):
    result = checks.run_check(fn)
    assert result.passed, f"{name} {result.equation}: {result.detail}"
    assert result.name == name and result.equation


def test_every_check_is_registered_once():
    names = [n for n, _ in checks.CHECKS]
    assert len(names) == len(set(names))
    assert set(checks.PAPER_CHECKS) <= set(checks.CHECKS)


def test_su2_hopping_is_unitary_and_matches_matrix_exponential():
    rng = np.random.default_rng(1)
    for _ in range(5):
        d = rng.normal(size=3)
        u = np.array(su2_hopping([sp.Float(x) for x in d]).evalf(), dtype=complex)
        from scipy.linalg import expm
        dsig = sum(d[m] * np.array(SIGMA[m].tolist(), dtype=complex) for m in range(3))
        assert np.allclose(u, expm(-1j * dsig), atol=1e-13)
        assert np.allclose(u @ u.conj().T, np.eye(2), atol=1e-13)


def test_su2_hopping_regular_at_zero():
    t = sp.Symbol("t", real=True)
    u = su2_hopping([t, 2 * t, -t])
    near = np.array(u.subs(t, sp.Rational(1, 10**9)).evalf(30).tolist(), dtype=complex)
    assert np.allclose(near, np.eye(2), atol=1e-8)
    assert su2_hopping([0, 0, 0]) == sp.eye(2)


def test_graded_expansion_sums_to_series_of_exact():
    t = sp.Symbol("t", real=True)
    d = [t, sp.Rational(1, 2) * t, 0]
    parts = su2_hopping_graded(d, 5)
    exact = su2_hopping(d)
    for r in range(2):
        for c in range(2):
            series = sp.series(exact[r, c], t, 0, 6).removeO()
            assert sp.simplify(series - sum(p[r, c] for p in parts.values())) == 0


def test_graded_product_truncates():
    t = sp.Symbol("t")
    a = {0: sp.eye(2), 1: t * sp.eye(2)}
    prod = graded_product(a, a, 1)
    assert set(prod) == {0, 1} and prod[1] == 2 * t * sp.eye(2)


def test_coefficients_numeric_beta_against_numpy_traces():
    """Third-order coefficients for a numeric β agree with float 2×2 traces at small β."""
    beta = np.array([[0.3, 0.7], [-0.4, 0.2], [0.5, -0.6]])
    model = models.general(sp.Matrix(beta).applyfunc(sp.nsimplify).tolist())
    kc = co.triad_coefficients(model, 3)
    pos = {"i": (0.3, -0.2), "k": (1.1, 0.4), "j": (-0.5, 0.9)}
    subs = {s: v for site, p in pos.items() for s, v in zip(co.site_coordinates(site), p)}
    from scipy.linalg import expm
    sig = [np.array(s.tolist(), dtype=complex) for s in SIGMA]

    def u(a, b, eps):
        d = eps * beta @ (np.array(pos[a]) - np.array(pos[b]))
        return expm(-1j * sum(d[m] * sig[m] for m in range(3)))

    def gamma(eps):
        loop = u("i", "j", eps) @ u("j", "k", eps) @ u("k", "i", eps)
        return np.array([(1.5j * np.trace(s @ loop)).real for s in sig])

    eps = 1e-2
    odd = (gamma(eps) - gamma(-eps)) / (2 * eps**3)     # third-order part
    even = (gamma(eps) + gamma(-eps)) / (2 * eps**2)    # second-order part
    parts = co.triad_coefficients_by_order(model, 3)
    sym3 = np.array([float(parts[3].Gamma[m].subs(subs)) for m in range(3)])
    sym2 = np.array([float(parts[2].Gamma[m].subs(subs)) for m in range(3)])
    assert np.allclose(odd, sym3, rtol=1e-3, atol=1e-6)
    assert np.allclose(even, sym2, rtol=1e-3, atol=1e-6)
    total = np.array([float(kc.Gamma[m].subs(subs)) for m in range(3)])
    assert np.allclose(total, sym2 + sym3)


def test_order_below_one_rejected():
    with pytest.raises(ValueError, match="order"):
        co.triad_coefficients(models.rashba(1), 0)


@pytest.mark.parametrize("text,shape", [("[[0, bxy], [byx, 0]]", (3, 2)), ("[[1, 2], [3, 4], [5, 6]]", (3, 2))])
def test_parse_beta_shapes(text, shape):
    assert models.parse_beta(text).beta.shape == shape


@pytest.mark.parametrize("text,fragment", [
    ("[[1, 2, 3], [4, 5, 6]]", "2x2 or 3x2"),
    ("[[1, 2], [3]]", "2x2 or 3x2"),
    ("[[1, 2], [3, 4]", "malformed"),
    ("[[1, __import__('os')], [3, 4]]", "unsupported"),
    ("7", "nested list"),
])
def test_parse_beta_errors(text, fragment):
    with pytest.raises(models.BetaParseError, match=fragment):
        models.parse_beta(text)


def test_named_models():
    a, b = sp.symbols("a b", real=True)
    rd = models.rashba_dresselhaus(a, b)
    assert rd.beta[0, 1] == b + a and rd.beta[1, 0] == b - a
    assert sp.expand(rd.trace_beta_squared() - 2 * (b + a) * (b - a)) == 0
    assert models.grown_110(a).column_cross() == sp.Matrix([0, 0, 0])

