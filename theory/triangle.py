"""The elementary equilateral triangle, (S46), derived by solving the 3-site problems.

The 3-site Kirchhoff problem and the steady state of (S43) are solved symbolically with the
general-network formulas (S42)–(S45), in units a_b = τ0 = 1:

* sites 1 = (0, 0), 2 = (a, 0), 3 = (a/2, √3 a/2); current enters at 1 and leaves at 2,
  so it flows along +x; ``L`` = the triangle's height √3 a/2 (the length for which (S42)
  reproduces the printed (S46)); N = 3;
* bond conductance ``g = e^{−2R}`` (ρ_ij ∝ τ_ij = τ0 e^{2R_ij/a_b}); potentials V1 = 1, V2 = 0;
* ``I_ab = g_ab (V_b − V_a)`` is the particle flow from b into a, as in the paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import sympy as sp

from .vectors import cross_z

__all__ = ["TriangleResult", "solve_triangle", "s46_closed_form"]

a = sp.Symbol("a", positive=True)
tau_s = sp.Symbol("tau_s", positive=True)


def s46_closed_form(side=a, spin_time=tau_s):
    """(S46): ``f_dr = √3 a⁴/(32 a_b⁴) e^{−a/a_b}``, ``f_diff = −f_dr τ_s/(τ_s + τ0 e^{2a/a_b}/3)``."""
    f_dr = sp.sqrt(3) * side**4 / 32 * sp.exp(-side)
    f_diff = -f_dr * spin_time / (spin_time + sp.exp(2 * side) / 3)
    return f_dr, f_diff


@dataclass(frozen=True)
class TriangleResult:
    f_dr: sp.Expr
    f_diff: sp.Expr
    potentials: tuple
    currents: dict          # (a, b) -> I_ab, flow from b into a
    spins: tuple            # steady-state S̃^z of (S43)
    sources: tuple          # Σ'_{jk} γ_ikj of (S44) per site
    total_current: sp.Expr


def _sub(p, q):
    return (p[0] - q[0], p[1] - q[1])


def _dist(p, q):
    return sp.sqrt(sp.expand((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2))


def solve_triangle(side=a, spin_time=tau_s) -> TriangleResult:
    """Solve the 3-site Kirchhoff problem and (S43), then evaluate (S42) and (S45).

    Returns
    -------
    TriangleResult
        ``f_dr`` (S42) and ``f_diff`` (S45) as SymPy expressions of the side ``a`` (in a_b)
        and τ_s (in τ0), plus the intermediate potentials, currents, sources and spins.
    """
    pos = {1: (sp.S(0), sp.S(0)), 2: (side, sp.S(0)), 3: (side / 2, sp.sqrt(3) * side / 2)}
    sites = (1, 2, 3)
    g = {(p, q): sp.exp(-2 * _dist(pos[p], pos[q])) for p in sites for q in sites if p != q}
    v3 = sp.Symbol("V3")
    volts = {1: sp.S(1), 2: sp.S(0), 3: v3}
    v3_value = sp.solve(sp.Eq(g[3, 1] * (volts[1] - v3) + g[3, 2] * (volts[2] - v3), 0), v3)[0]
    volts[3] = v3_value
    current = {(p, q): sp.simplify(g[p, q] * (volts[q] - volts[p])) for (p, q) in g}
    total = sp.simplify(current[2, 1] + current[2, 3])  # flow into the drain corner 2 (= out of 1)
    big_l = sp.sqrt(3) * side / 2
    n_sites = 3

    drift = sp.S(0)
    sources = []
    for i in sites:
        src = sp.S(0)
        for j, k in combinations([s for s in sites if s != i], 2):  # each unordered pair once
            r_ij, r_ik = _sub(pos[i], pos[j]), _sub(pos[i], pos[k])
            expo = sp.exp(_dist(pos[k], pos[j]) - _dist(pos[i], pos[k]) - _dist(pos[i], pos[j]))
            area2 = cross_z(r_ij, r_ik)
            drift += current[k, j] * area2 * (r_ij[1] + r_ik[1]) * expo            # (S42)
            src += -current[k, j] * sp.Rational(3, 16) * area2 * expo                # (S44)
        sources.append(sp.simplify(src))
    f_dr = sp.simplify(big_l / (8 * n_sites) * drift / total)

    spins = sp.symbols("S1:4")
    eqs = []
    for idx, i in enumerate(sites):
        hop = sum(g[i, j] * (spins[sites.index(j)] - spins[idx]) for j in sites if j != i)
        eqs.append(sp.Eq(hop - spins[idx] / spin_time + sources[idx], 0))          # (S43), steady state
    sol = sp.solve(eqs, spins, dict=True)[0]
    s_vals = tuple(sp.simplify(sol[s]) for s in spins)
    diff = sum(_sub(pos[i], pos[j])[1] * s_vals[sites.index(j)] * g[i, j]
               for i in sites for j in sites if i != j)
    f_diff = sp.simplify(-2 * big_l / n_sites * diff / total)                        # (S45)
    return TriangleResult(f_dr=f_dr, f_diff=f_diff, potentials=tuple(volts[s] for s in sites),
                          currents=current, spins=s_vals, sources=tuple(sources), total_current=total)
