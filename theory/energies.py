"""Site energies and temperature in the kinetic coefficients (non-degenerate statistics, n ≪ n_s).

Energies ε_i = E_b + U_i in k_BT, lengths in a_b, times in τ0, J0 = m = ħ = 1; n_i = ν̄ w_i, w_i = e^{−ε_i},
ν̄ = (n/n_s)/⟨w⟩.  Miller–Abrahams hop b → a: ``τ_ab = τ0 e^{2R_ab}/m_ab``, ``m_ab = e^{−(ε_a − ε_b)⁺}`` (S22).

* Kirchhoff: ``I_ab = ν̄ g_ab (u_b − u_a)``, u = δn/n, ``g_ab = e^{−ξ_ab}``, ``ξ_ab = 2R_ab + max(ε_a, ε_b)``.
* (S27): ``τ_kj Q_ikj = e^{R_kj−R_ik−R_ij} h_ikj/8``, ``h_ikj = [m_ik + m_ij + m_ki m_ij/m_kj]/3 ≤ 1``; SGE:
  ``n_j Q_ikj/I⁰_ij = e^{R_ij−R_jk−R_ki} h_kij/8``; ``Q_ikj n_j = ν̄ e^{−P} H_T/8`` for all six orientations.
* Spin per carrier: ``(𝓛_g + ε W) σ̃ = γ``, ε = τ0/τ_s, W = diag(w).  Derivation: ``derivations/d12_energy_disorder.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

import sympy as sp

from . import coefficients as co
from .triangle import a as SIDE
from .triangle import tau_s as TAU_S


__all__ = ["ma_factor", "hop_time", "s9_rate", "conductance", "bond_parameter", "occupation",
           "triad_weight_s21", "weight_exponents", "triad_energy_weight", "triad_emf_weight", "triad_strength",
           "orderings", "EnergyTriangle",
           "triangle_with_energies", "triangle_s21_form", "triangle_network_form", "evaluate_triangle",
           "ma_substitutions", "ma_times", "E_I", "E_J", "E_K",
           "ENERGIES", "SHIFT", "STRENGTH", "G_SYMBOLS", "W_SYMBOLS"]

E_I, E_J, E_K = sp.symbols("e_i e_j e_k", real=True)          #: kernel arguments (energies / k_BT)
ENERGIES = sp.symbols("epsilon_1:4", real=True)                #: triangle site energies / k_BT
SHIFT = sp.Symbol("epsilon", nonnegative=True)                 #: ε = τ0/τ_s (spin-relaxation shift)
BXY, BYX = sp.symbols("beta_xy beta_yx", positive=True)
_GAPS = sp.symbols("p q", nonnegative=True)
_OFFSET = sp.Symbol("c", real=True)


_pos = lambda x: sp.Max(0, x)  # noqa: E731  (x⁺)
_R = {frozenset(p): sp.Symbol(f"R_{''.join(sorted(p))}", positive=True) for p in ("ij", "jk", "ik")}
_dist = lambda a, b: _R[frozenset((a, b))]  # noqa: E731


# ----------------------------------------------------------------------------- the model
def ma_factor(e_to, e_from):
    """``m = min(1, e^{−(ε_to − ε_from)}) = e^{−(ε_to − ε_from)⁺}`` of the hop from → to (S22)."""
    return sp.exp(-_pos(e_to - e_from))


def hop_time(distance, e_to, e_from):
    """Miller–Abrahams hop time τ_{to,from} = τ0 e^{2R/a_b}/m (τ0 = a_b = 1)."""
    return sp.exp(2 * distance) / ma_factor(e_to, e_from)


def ma_times(energies, dist=None):
    """``tau(a, b)`` = MA hop time b → a for site energies ``{name: ε}``, distances ``dist(a, b)`` (default R_ab)."""
    dist = dist or _dist
    return lambda a, b: hop_time(dist(a, b), energies[a], energies[b])


def s9_rate(e_to, e_from):
    """Energy factor of (S9) for the hop from → to, per 2π J² γ² D/ħ: ``N_|x| + Θ(ε_from − ε_to)``."""
    x = e_to - e_from
    return 1 / (sp.exp(sp.Abs(x)) - 1) + sp.Heaviside(-x)


def conductance(distance, e_a, e_b):
    """Kirchhoff conductance ``g_ab = I⁰_ab/ν̄ = e^{−2R_ab − max(ε_a, ε_b)}`` (τ0 = 1)."""
    return sp.exp(-bond_parameter(distance, e_a, e_b))


def bond_parameter(distance, e_a, e_b):
    """Percolation bond parameter ``ξ_ab = 2R_ab/a_b + max(ε_a, ε_b)/k_BT`` (common reference energy)."""
    return 2 * distance + sp.Max(e_a, e_b)


def occupation(e):
    """``w = n/ν̄ = e^{−ε}`` (Boltzmann, n ≪ n_s)."""
    return sp.exp(-e)


def triad_weight_s21(tau, dist, sites=co.SITES, emf=False):
    """From (S21) with J_ab = e^{−R_ab}: ``h_ikj = 8 e^{R_ik+R_ij−R_kj} τ_kj Q_ikj`` (per unit I_kj), or
    with ``emf`` ``8 e^{R_jk+R_ki−R_ij} τ_ij Q_ikj`` (= n_j Q_ikj per I⁰_ij).  ``tau(a, b)``: hop b → a."""
    i, k, j = sites
    q = co.phonon_factor_s21(i, k, j, J=lambda a, b: sp.exp(-dist(a, b)), tau=tau)
    if emf:
        return 8 * sp.exp(dist(j, k) + dist(k, i) - dist(i, j)) * tau(i, j) * q
    return 8 * sp.exp(dist(i, k) + dist(i, j) - dist(k, j)) * tau(k, j) * q


def weight_exponents(e_i, e_j, e_k):
    """The three exponents of h_ikj (each ≤ 0): ln m_ik, ln m_ij, ln(m_ki m_ij/m_kj)."""
    return -_pos(e_i - e_k), -_pos(e_i - e_j), _pos(e_k - e_j) - _pos(e_k - e_i) - _pos(e_i - e_j)


def triad_energy_weight(e_i, e_j, e_k):
    """``h_ikj = [m_ik + m_ij + m_ki m_ij/m_kj]/3`` for the triad (i; k, j), current I_kj.

    Written with exponents ≤ 0 only (no overflow): ``m_ki m_ij/m_kj = e^{(ε_k−ε_j)⁺ − (ε_k−ε_i)⁺ − (ε_i−ε_j)⁺}``.
    Symmetric in j ↔ k; 1 at equal energies; 0 < h ≤ 1 (h ≈ e^{−(ε_i − max(ε_j, ε_k))} for a high ε_i).
    """
    return sum(sp.exp(x) for x in weight_exponents(e_i, e_j, e_k)) / 3


def triad_emf_weight(e_i, e_j, e_k):
    """SGE weight of the triad (i; k, j) per bond (i, j): ``h_kij``; Λ_ikj n_j/I⁰_ij = e^{R_ij−R_jk−R_ki} h_kij Λ/(8Q)."""
    return triad_energy_weight(e_k, e_j, e_i)


def triad_strength(e_a, e_b, e_c):
    """``H_T = (1/3) Σ_c G_ca G_cb/w_c`` (symmetric): ``Q_ikj n_j = ν̄ e^{−P} H_T/8``, h_ikj = H_T/G_kj."""
    e = (e_a, e_b, e_c)
    return sum(sp.exp(e[c] - sp.Max(e[c], e[a]) - sp.Max(e[c], e[b]))
               for c, a, b in ((0, 1, 2), (1, 0, 2), (2, 0, 1))) / 3


def orderings(names=("i", "j", "k"), offset=_OFFSET):
    """The 6 orderings of three energies (ties included): ``{name: c, c + p, c + p + q}``, p, q ≥ 0."""
    levels = (offset, offset + _GAPS[0], offset + _GAPS[0] + _GAPS[1])
    return [dict(zip(perm, levels)) for perm in permutations(names)]


# ----------------------------------------------------------------------------- the triangle
@lru_cache(maxsize=4)
def _triangle_coefficients(side):
    """Γ/Q, Λ/Q (orders 2, 3) of the six ordered triads of the equilateral triangle, [001] β."""
    beta = sp.Matrix([[0, BXY], [BYX, 0], [0, 0]])
    pos = {1: (sp.S(0), sp.S(0)), 2: (side, sp.S(0)), 3: (side / 2, sp.sqrt(3) * side / 2)}
    d = {(p, r): tuple(beta * sp.Matrix([pos[p][0] - pos[r][0], pos[p][1] - pos[r][1]]))
         for p in pos for r in pos if p != r}
    out = {}
    for i, k, j in permutations((1, 2, 3)):
        parts = co.loop_coefficients_by_order(d[i, j], d[j, k], d[k, i], 3)
        out[i, k, j] = {f"{key[0]}{n}": [sp.factor(x) for x in getattr(parts[n], key)]
                        for key in ("Gamma", "Lambda") for n in (2, 3)}
    return pos, d, out


def _solve_triangle(side, g, w, cisp_weight, sge_weight):
    """CISP (S42)–(S45) and SGE of the triangle (1 source, 2 drain, 3 apex) from ``g(p, q) = I⁰_pq/ν̄``, ``w[p] =
    n_p/ν̄``, ``cisp_weight(i, k, j) = τ_kj Q_ikj``, ``sge_weight(i, k, j) = n_j Q_ikj/ν̄``; ε = :data:`SHIFT`."""
    pos, d, coef = _triangle_coefficients(side)
    sites = (1, 2, 3)
    volts = {1: sp.S(1), 2: sp.S(0), 3: g(3, 1) / (g(3, 1) + g(3, 2))}
    cur = {(p, q): g(p, q) * (volts[q] - volts[p]) for p in sites for q in sites if p != q}
    total = cur[2, 1] + cur[2, 3]
    norm = (sp.sqrt(3) * side / 2) / 3 / (2 * BXY * BYX * BXY * total)      # (L/N)/(Tr β² β_xy I_total)
    drift, gam = sp.S(0), []
    for i in sites:
        j, k = [s for s in sites if s != i]                                   # each unordered pair once
        upsilon = cur[k, j] * cisp_weight(i, k, j)                            # (S27)
        drift += upsilon * coef[i, k, j]["G3"][1]
        gam.append(upsilon * coef[i, k, j]["G2"][2])
    lap = sp.Matrix(3, 3, lambda r, c: -g(r + 1, c + 1) if r != c else
                    sum(g(r + 1, s) for s in sites if s != r + 1) + SHIFT * w[r + 1])
    spin = lap.LUsolve(sp.Matrix(gam))                                        # (L_g + ε W) σ = γ
    prec = -2 * sum(g(i, j) * spin[j - 1] * d[i, j][0] for i in sites for j in sites if i != j)
    sig = sp.Matrix([2 * sum(g(i, j) * d[i, j][0] for j in sites if j != i) for i in sites])
    t_spin = lap.LUsolve(sig)                                                 # SGE precession, S_j = n_j ŷ
    direct, precession = {s: sp.S(0) for s in sites}, {s: sp.S(0) for s in sites}
    for i, k, j in permutations(sites):                                       # source from j into i
        for inj, val in ((direct, coef[i, k, j]["L3"][1]), (precession, coef[i, k, j]["L2"][2] * t_spin[j - 1])):
            inj[i] += sge_weight(i, k, j) * val
            inj[j] -= sge_weight(i, k, j) * val
    short_circuit = lambda inj: inj[2] + g(2, 3) * inj[3] / (g(3, 1) + g(3, 2))  # noqa: E731  V1 = V2 = 0
    r = {s: sp.Matrix(pos[s]) for s in sites}
    j_dr = sum((r[s] * gam[s - 1] for s in sites), sp.zeros(2, 1))
    j_diff = sum((r[i] * g(i, j) * (spin[j - 1] - spin[i - 1]) for i in sites for j in sites if i != j),
                 sp.zeros(2, 1))
    return dict(potentials=tuple(volts[s] for s in sites), currents=cur, total_current=total,
                sources=tuple(gam), spins=tuple(spin), f_dr=drift * norm, f_diff=prec * norm,
                f_sge_direct=short_circuit(direct) * norm / 4, f_sge_precession=short_circuit(precession) * norm / 4,
                drift_total=drift, precession_total=prec, spin_current_dr=j_dr, spin_current_diff=j_diff,
                eq12=SHIFT * sum((r[s] * w[s] * spin[s - 1] for s in sites), sp.zeros(2, 1)))


G_SYMBOLS = {frozenset(p): sp.Symbol(f"g_{p[0]}{p[1]}", positive=True) for p in ((1, 2), (1, 3), (2, 3))}
W_SYMBOLS = {s: sp.Symbol(f"w_{s}", positive=True) for s in (1, 2, 3)}
STRENGTH = sp.Symbol("Q_T", positive=True)    #: Q_ikj n_j/ν̄ of the triangle (all orientations)


@lru_cache(maxsize=8)
def triangle_network_form(side=SIDE, regular=False):
    """The triangle in symbols g_ab, w_a, Q_T = Q_ikj n_j/ν̄; ``regular``: quotients cancelled (ε = 0 allowed)."""
    if regular:
        net = dict(triangle_network_form(side))
        net.update({k: sp.cancel(sp.together(net[k])) for k in ("f_diff", "f_sge_precession")})
        net["spins"] = tuple(sp.cancel(sp.together(x)) for x in net["spins"])
        return net
    g = lambda p, q: G_SYMBOLS[frozenset((p, q))]  # noqa: E731
    return _solve_triangle(side, g, W_SYMBOLS, lambda i, k, j: STRENGTH / g(k, j), lambda i, k, j: STRENGTH)


@lru_cache(maxsize=2)
def triangle_s21_form(side=SIDE):
    """The triangle from (S21) for any detailed-balance τ_ab = t_ab z_a/z_b (z = e^{ε/2}, n = z^{−2}, J = e^{−a} = E):
    every ingredient computed from τ and n.  Returns (result dict, t, z, E)."""
    t = {frozenset(p): sp.Symbol(f"t_{p[0]}{p[1]}", positive=True) for p in ((1, 2), (1, 3), (2, 3))}
    z = {s: sp.Symbol(f"z_{s}", positive=True) for s in (1, 2, 3)}
    big_e = sp.Symbol("E", positive=True)
    tau = lambda p, q: t[frozenset((p, q))] * z[p] / z[q]  # noqa: E731
    n = {s: z[s] ** -2 for s in z}
    q_fac = {o: sp.cancel(co.phonon_factor_s21(*o, J=lambda p, r: big_e, tau=tau)) for o in permutations((1, 2, 3))}
    res = _solve_triangle(side, lambda p, q: sp.cancel(n[q] / tau(p, q)), n,
                          lambda i, k, j: sp.cancel(tau(k, j) * q_fac[i, k, j]),
                          lambda i, k, j: sp.cancel(n[j] * q_fac[i, k, j]))
    return res, t, z, big_e


def ma_substitutions(side, energies):
    """``{g_ab, w_a, Q_T: MA values}`` for the triangle of side ``side`` with site energies (ε_1, ε_2, ε_3)."""
    e = dict(zip((1, 2, 3), energies))
    vals = {G_SYMBOLS[frozenset((p, q))]: conductance(side, e[p], e[q]) for p, q in ((1, 2), (1, 3), (2, 3))}
    vals.update({W_SYMBOLS[s]: occupation(e[s]) for s in e})
    vals[STRENGTH] = sp.exp(-3 * side) * triad_strength(*energies) / 8
    return vals


@dataclass(frozen=True)
class EnergyTriangle:
    """The triangle with energies (MA), ν̄ = τ0 = J0 = 1, [001] β divided out: f_dr, f_diff (S42), (S45); the SGE
    parts (f_SGE = (L/N) I_SC/(4 Tr β² β_xy I_total)); currents[(a, b)] from b into a; sources = Tr β² γ_i (S44),
    spins = Tr β² σ̃_i (per carrier); network_form: the same in g, w, Q_T."""

    f_dr: sp.Expr
    f_diff: sp.Expr
    f_sge_direct: sp.Expr
    f_sge_precession: sp.Expr
    total_current: sp.Expr
    currents: dict
    sources: tuple
    spins: tuple
    substitutions: dict
    network_form: dict


def triangle_with_energies(side=SIDE, tau_s=TAU_S, energies=ENERGIES) -> EnergyTriangle:
    """Equilateral triangle (side in a_b, τ_s in τ0, energies in k_BT), MA times: exact expressions (floats:
    :func:`evaluate_triangle`)."""
    net = triangle_network_form(side, tau_s == sp.oo)
    vals = ma_substitutions(side, tuple(sp.sympify(e) for e in energies))
    vals[SHIFT] = 0 if tau_s == sp.oo else 1 / sp.sympify(tau_s)
    sub = lambda x: x.xreplace(vals)  # noqa: E731
    return EnergyTriangle(f_dr=sub(net["f_dr"]), f_diff=sub(net["f_diff"]), f_sge_direct=sub(net["f_sge_direct"]),
                          f_sge_precession=sub(net["f_sge_precession"]), total_current=sub(net["total_current"]),
                          currents={k: sub(v) for k, v in net["currents"].items()},
                          sources=tuple(sub(x) for x in net["sources"]), spins=tuple(sub(x) for x in net["spins"]),
                          substitutions=vals, network_form=net)


def evaluate_triangle(side: float, tau_s: float, energies, digits: int = 30) -> dict[str, float]:
    """Floats of f_dr, f_diff, f, f_sge_direct, f_sge_precession, I_total; side in a_b, τ_s in τ0 (inf allowed),
    energies (ε_1, ε_2, ε_3) in k_BT of the source (0, 0), the drain (side, 0) and the apex."""
    net = triangle_network_form(SIDE, math.isinf(tau_s))
    side_v = sp.Float(side, digits)
    vals = {k: sp.N(v, digits) for k, v in ma_substitutions(side_v, tuple(sp.Float(e, digits) for e in energies)).items()}
    vals[SIDE] = side_v
    vals[SHIFT] = sp.S(0) if math.isinf(tau_s) else 1 / sp.Float(tau_s, digits)
    exprs = {k: net[k] for k in ("f_dr", "f_diff", "f_sge_direct", "f_sge_precession", "total_current")}
    exprs["f"] = net["f_dr"] + net["f_diff"]          # summed at working precision (a cancellation at large τ_s)
    return {k: float(sp.N(x.xreplace(vals), digits)) for k, x in exprs.items()}
