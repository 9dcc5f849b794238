"""Energy disorder (theory/energies.py): the checks, negative controls, and an independent numpy network.

The numpy reference below implements the network formulas with site energies from scratch — Miller–
Abrahams times, (S21) evaluated numerically, the generated-kernel expressions of theory.codegen for
Γ/Q and Λ/Q, a dense Kirchhoff solve, (𝓛_g + εW)σ = γ, the SGE short circuit — and is compared with
the symbolic triangle and with the exact network identities (Onsager, Eq. (12), KKM) on a 5-site net.
"""

import math
from functools import lru_cache
from itertools import combinations, permutations

import numpy as np
import pytest
import sympy as sp

from theory import coefficients as co
from theory import energies as en
from theory import energies_checks as ec
from theory.codegen import render_energy_kernel
from theory.kernel_specs import U, V, energy_kernel_spec, kernel_specs
from theory.simplify import exp_rational_zero
from theory.triangle import s46_closed_form


# ----------------------------------------------------------------------------- negative controls
def test_a_wrong_triad_weight_is_rejected():
    """Dropping the activation of the third (S21) term, or using m's without it, fails in some ordering."""
    wrong = [e for e in en.orderings()
             if not exp_rational_zero(en.triad_weight_s21(en.ma_times(e), en._dist)
                                         - (en.ma_factor(e["i"], e["k"]) + en.ma_factor(e["i"], e["j"]) + 1) / 3)]
    assert wrong, "h without its third energy factor must differ from (S21) somewhere"
    right = [e for e in en.orderings() if exp_rational_zero(
        en.triad_weight_s21(en.ma_times(e), en._dist) - en.triad_energy_weight(e["i"], e["j"], e["k"]))]
    assert len(right) == 6


def test_detailed_balance_is_needed_for_the_triad_balance():
    """Energy-independent times with Boltzmann occupations break Q_ikj n_j = Q_ijk n_k."""
    e = en.orderings()[3]
    jay = lambda a, b: sp.exp(-en._dist(a, b))  # noqa: E731
    flat = lambda a, b: sp.exp(2 * en._dist(a, b))  # noqa: E731
    n = {s: en.occupation(e[s]) for s in e}
    bad = co.phonon_factor_s21("i", "k", "j", J=jay, tau=flat) * n["j"] - \
        co.phonon_factor_s21("i", "j", "k", J=jay, tau=flat) * n["k"]
    assert not exp_rational_zero(bad)


def test_s9_times_keep_the_triad_balance():
    """(S9) = MA × a symmetric bond factor B_ab: detailed balance, hence Q_ikj n_j = Q_ijk n_k, still holds."""
    jay = lambda a, b: sp.exp(-en._dist(a, b))  # noqa: E731
    b = {frozenset(p): sp.Symbol("B_" + "".join(sorted(p)), positive=True) for p in ("ij", "jk", "ik")}
    for e in en.orderings():
        tau = lambda p, q: en.hop_time(en._dist(p, q), e[p], e[q]) / b[frozenset((p, q))]  # noqa: E731
        n = {s: en.occupation(e[s]) for s in e}
        diff = co.phonon_factor_s21("i", "k", "j", J=jay, tau=tau) * n["j"] - \
            co.phonon_factor_s21("i", "j", "k", J=jay, tau=tau) * n["k"]
        assert exp_rational_zero(diff)


def test_weight_properties_numerically():
    rng = np.random.default_rng(3)
    h = sp.lambdify((en.E_I, en.E_J, en.E_K), en.triad_energy_weight(en.E_I, en.E_J, en.E_K), "math")
    for _ in range(200):
        ei, ej, ek = rng.normal(scale=5, size=3)
        assert 0 < h(ei, ej, ek) <= 1 + 1e-15
        assert h(ei, ej, ek) == pytest.approx(h(ei, ek, ej), rel=1e-14)          # j ↔ k
        assert h(ei + 7, ej + 7, ek + 7) == pytest.approx(h(ei, ej, ek), rel=1e-13)   # reference free
    assert h(2.0, 2.0, 2.0) == 1.0
    assert math.isfinite(h(-900.0, 900.0, 0.0)) and math.isfinite(h(900.0, -900.0, 0.0))


# ----------------------------------------------------------------------------- numpy reference
@lru_cache(maxsize=1)
def _kernels():
    spec = kernel_specs()[0]
    r_syms = sp.symbols("R_ij R_ik R_kj", positive=True)
    return {name: sp.lambdify((*U, *V, *r_syms), expr, "numpy") for name, expr in spec.outputs.items()}


BETA = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])    # unit [001]: Tr β² = 2, β_xy = 1


def _phonon_q(i, k, j, jay, tau):
    """(S21), m = ħ = 1, numerically."""
    return (jay[i, j] / (jay[k, j] * jay[k, i] * tau[i, k] * tau[k, j])
            + jay[j, k] / (jay[i, j] * jay[k, i] * tau[k, i] * tau[i, j])
            + jay[i, k] / (jay[i, j] * jay[k, j] * tau[i, j] * tau[k, j])) / 24


def _solve(lap, rhs, fixed):
    free = [s for s in range(lap.shape[0]) if s not in fixed]
    out = np.zeros(lap.shape[0])
    for s, v in fixed.items():
        out[s] = v
    rhs = rhs - lap[:, list(fixed)] @ np.array(list(fixed.values()))
    out[free] = np.linalg.solve(lap[np.ix_(free, free)], rhs[free])
    return out


def reference(pos, energies, source, drain, tau_s, length, n_sites):
    """Every site bonded to every other; CISP f_dr, f_diff, SGE parts, Eq. (12) and KKM residuals."""
    pos, eps = np.asarray(pos, float), np.asarray(energies, float)
    m = len(pos)
    dist = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    np.fill_diagonal(dist, 1.0)
    rate = np.exp(-np.maximum(0.0, eps[:, None] - eps[None]))            # m_ab, hop b → a
    tau, jay, w = np.exp(2 * dist) / rate, np.exp(-dist), np.exp(-eps)
    g = w[None] / tau                                                    # I⁰_ab = n_b/τ_ab
    np.fill_diagonal(g, 0.0)
    assert np.allclose(g, g.T, rtol=1e-13)
    lap = np.diag(g.sum(1)) - g
    volts = _solve(lap, np.zeros(m), {source: 1.0, drain: 0.0})
    cur = g * (volts[None] - volts[:, None])                             # I_ab = g_ab (V_b − V_a)
    total = cur[drain].sum()
    kern = _kernels()

    def coef(name, i, k, j):
        u, v = BETA @ (pos[j] - pos[i]), BETA @ (pos[k] - pos[i])
        r = (dist[i, j], dist[i, k], dist[k, j])
        weight = math.exp(r[2] - r[1] - r[0]) / 8
        return np.array([kern[f"{name}_{a}"](*u, *v, *r) for a in "xyz"]) / weight     # Γ/Q or Λ/Q

    drift, gam = np.zeros(3), np.zeros(m)
    for i in range(m):
        for j, k in combinations([s for s in range(m) if s != i], 2):
            ups = cur[k, j] * tau[k, j] * _phonon_q(i, k, j, jay, tau)   # (S27): I_kj τ_kj Q_ikj
            drift += ups * coef("drift", i, k, j)
            gam[i] += ups * coef("source", i, k, j)[2]
    shift = 0.0 if math.isinf(tau_s) else 1.0 / tau_s
    op = lap + shift * np.diag(w)
    spin = np.linalg.solve(op, gam) if shift > 0 else np.linalg.lstsq(op, gam, rcond=None)[0]
    dx = lambda i, j: (BETA @ (pos[i] - pos[j]))[0]  # noqa: E731
    prec = -2 * sum(g[i, j] * spin[j] * dx(i, j) for i in range(m) for j in range(m) if i != j)
    norm = length / n_sites / (2.0 * 1.0 * total)
    sig = np.array([2 * sum(g[i, j] * dx(i, j) for j in range(m) if j != i) for i in range(m)])
    t_spin = np.linalg.solve(op, sig) if shift > 0 else np.linalg.lstsq(op, sig, rcond=None)[0]
    inj_d, inj_p = np.zeros(m), np.zeros(m)
    for i, k, j in permutations(range(m), 3):
        q_n = _phonon_q(i, k, j, jay, tau) * w[j]                        # n_j Q_ikj
        for inj, val in ((inj_d, coef("sge", i, k, j)[1]), (inj_p, coef("sge_sep", i, k, j)[2] * t_spin[j])):
            inj[i] += q_n * val
            inj[j] -= q_n * val
    short = lambda inj: inj[drain] + g[drain] @ _solve(lap, inj, {source: 0.0, drain: 0.0})  # noqa: E731
    j_dr = pos.T @ gam
    j_diff = sum(pos[i] * g[i, j] * (spin[j] - spin[i]) for i in range(m) for j in range(m) if i != j)
    return dict(f_dr=drift[1] * norm, f_diff=prec * norm, f_sge_direct=short(inj_d) * norm / 4,
                f_sge_precession=short(inj_p) * norm / 4, total_current=total, source_sum=gam.sum(),
                eq12=j_dr + j_diff - shift * pos.T @ (w * spin), kkm=drift[1] + prec + 2 * (j_dr + j_diff)[1],
                scale=abs(drift[1]))


def _triangle(side):
    return [(0, 0), (side, 0), (side / 2, math.sqrt(3) * side / 2)]


@pytest.mark.parametrize("energies", [(0.0, 0.0, 0.0), (0.3, -1.2, 2.5), (-4.0, 1.0, 0.5), (6.0, 6.0, -3.0)])
@pytest.mark.parametrize("tau_s", [0.7, 1e3, math.inf])
def test_triangle_evaluator_matches_numpy_network(energies, tau_s):
    side = 2.0
    got = en.evaluate_triangle(side, tau_s, energies)
    ref = reference(_triangle(side), energies, 0, 1, tau_s, math.sqrt(3) * side / 2, 3)
    for key in ("f_dr", "f_diff", "f_sge_direct", "f_sge_precession", "total_current"):
        assert got[key] == pytest.approx(ref[key], rel=1e-10, abs=1e-13 * abs(ref["f_dr"])), key


def test_equal_energies_reproduce_s46_numerically():
    side, tau_s = 2.0, 1000.0
    ref = reference(_triangle(side), (1.5, 1.5, 1.5), 0, 1, tau_s, math.sqrt(3) * side / 2, 3)
    f_dr, f_diff = (float(x.subs({sp.Symbol("a", positive=True): side, sp.Symbol("tau_s", positive=True): tau_s}))
                    for x in s46_closed_form())
    assert ref["f_dr"] == pytest.approx(f_dr, rel=1e-12) and ref["f_diff"] == pytest.approx(f_diff, rel=1e-12)
    assert f_dr == pytest.approx(0.1172038, abs=5e-8) and f_diff == pytest.approx(-0.1151089, abs=5e-8)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("tau_s", [3.0, 1e4])
def test_network_identities_with_energies(seed, tau_s):
    """5 sites, random positions and energies: Onsager route by route, Eq. (12), KKM, Σγ = 0, reference shift."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 3, size=(5, 2))
    eps = rng.normal(scale=2.0, size=5)
    ref = reference(pos, eps, 0, 1, tau_s, 3.0, 5)
    scale = ref["scale"]
    assert ref["f_sge_direct"] == pytest.approx(ref["f_dr"], rel=1e-9)
    assert ref["f_sge_precession"] == pytest.approx(ref["f_diff"], rel=1e-9)
    assert abs(ref["source_sum"]) < 1e-12 * np.abs(ref["eq12"]).max(initial=1) + 1e-14
    assert np.abs(ref["eq12"]).max() < 1e-10 * max(scale, 1e-300) and abs(ref["kkm"]) < 1e-10 * scale
    shifted = reference(pos, eps + 4.0, 0, 1, tau_s, 3.0, 5)
    for key in ("f_dr", "f_diff"):
        assert shifted[key] == pytest.approx(ref[key], rel=1e-9)


def test_triangle_closed_form_pieces():
    tri = en.triangle_with_energies(side=sp.Integer(2), tau_s=sp.oo, energies=(0, 1, 2))
    assert float(tri.f_dr + tri.f_diff) == pytest.approx(0.0, abs=1e-15)     # τ_s = ∞: drift and diffusion cancel
    g = tri.substitutions
    i31 = float(tri.currents[3, 1])
    assert i31 == pytest.approx(float(tri.currents[2, 3]), rel=1e-14)
    expected = float(g[en.G_SYMBOLS[frozenset((1, 3))]] * g[en.G_SYMBOLS[frozenset((2, 3))]]
                     / (g[en.G_SYMBOLS[frozenset((1, 3))]] + g[en.G_SYMBOLS[frozenset((2, 3))]]))
    assert i31 == pytest.approx(expected, rel=1e-14)


def test_kernel_spec_and_source():
    spec = energy_kernel_spec()
    assert spec.name == "triad_energy_weight" and set(spec.outputs) == {"h", "h_emf"}
    assert spec.outputs["h"].free_symbols <= {en.E_I, en.E_J, en.E_K}
    src = render_energy_kernel()
    assert "\ndef triad_energy_weight(e_i, e_j, e_k):" in src and "return (h, h_emf)" in src
