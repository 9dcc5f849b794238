"""Flux coefficients in equilibrium, in linear response and on a network: the charge Hall sources.

Conventions (as in :mod:`theory.triangle` and ``numerics``): ``I_ij`` is the particle flow **from j
into i**; electrochemical potentials ``u_j = δμ_j/k_BT`` with ``δn_j = n_j u_j``; in the equal-energy
exponential model (``n_j = ν``, all Q of a triangle equal) with ν = 1 the Kirchhoff potential is V = u,
``I_ij = g_ij (V_j − V_i)``, ``g = e^{−2R} = τ0/τ_ij``.

Results derived here (checked in :mod:`theory.flux`), for the triad {i, j, k}:

* equilibrium (S21) + (S22): ``K_ikj n_j = −K_ijk n_k = −K_jki n_i`` (and cyclic), so the node
  injection ``P_i = K_ikj n_j + K_ijk n_k`` vanishes, while the bond flow ``F_ij = K_ikj n_j − K_jki n_i
  = 2K_ikj n_j`` (j → i, the Hall correction to the hop j → i minus that to i → j) is the same on the
  three bonds: a circulation i → k → j → i, divergence-free;
* linear response: ``P_i = K_ikj n_j (u_j − u_k) = (K/Q)_ikj τ_kj Q_ikj I_kj`` — the analogue of (S27),
  I_kj the Kirchhoff current of the opposite bond; ``F_ij = K_ikj n_j (u_i + u_j)``;
* the Hall operator ``(H u)_i = Σ_jk K_ikj n_j u_j`` is antisymmetric and odd in B, so the full
  conductance matrix of any network obeys ``G(B)ᵀ = G(−B)`` and its Hall part is antisymmetric.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations, permutations

import sympy as sp

from . import coefficients as co
from .flux_core import dagger, flux_coefficients_from_hopping, real_quaternion

__all__ = ["TRIAD_ORDERS", "triad_family", "equilibrium_model", "HallNetwork", "hall_operator", "hall_pair",
           "schur_conductance", "reciprocity_hall_matrix"]

TRIAD_ORDERS = tuple(permutations(co.SITES))  # (first, auxiliary, last) for the six triads of {i, k, j}
PAIRS = (("i", "j"), ("j", "k"), ("k", "i"))


@lru_cache(maxsize=2)
def triad_family(phases: bool = True) -> dict:
    """The six ordered triads of one triangle, from three arbitrary hops Û_ij, Û_jk, Û_ki (real
    quaternions, Û_ba = Û_ab†) and three Peierls phases φ_ij, φ_jk, φ_ki (φ_ba = −φ_ab).

    Returns ``{(a, c, b): FluxCoefficients}`` for the coefficient with first index a, auxiliary c,
    last b (product Ĵ_ab Ĵ_bc Ĵ_ca, loop phase Φ_acb = φ_ab + φ_bc + φ_ca), via the flux rule.
    """
    hop, phi = {}, {}
    for (p, q), name in zip(PAIRS, "pqr"):
        hop[p, q] = real_quaternion(name)
        hop[q, p] = dagger(hop[p, q])
        phi[p, q] = sp.Symbol(f"phi_{p}{q}", real=True) if phases else sp.S(0)
        phi[q, p] = -phi[p, q]
    out = {}
    for a, c, b in TRIAD_ORDERS:
        loop = phi[a, b] + phi[b, c] + phi[c, a]
        out[a, c, b] = flux_coefficients_from_hopping(hop[a, b], hop[b, c], hop[c, a], phi=loop, sites=(a, c, b))
    return out


@lru_cache(maxsize=1)
def equilibrium_model():
    """Detailed balance (S22) in rational form: ``z_p = e^{ε_p/2k_BT}``, ``n_p = z_p^{−2}``,
    ``τ_pq = t_pq z_p/z_q`` (t symmetric), J_pq symmetric; returns ``(n, tau, Q)`` where
    ``Q[(a, c, b)]`` is (S21) for the triad (a, c, b)."""
    z = {s: sp.Symbol(f"z_{s}", positive=True) for s in co.SITES}
    n = {s: z[s] ** -2 for s in co.SITES}

    def tau(p, q):
        return co._pair_symbol("t", p, q, symmetric=True) * z[p] / z[q]

    q = {abc: co.phonon_factor_s21(*abc, tau=tau) for abc in TRIAD_ORDERS}
    return n, tau, q


# ----------------------------------------------------------------------------- networks

def hall_operator(sites, triangles, strength):
    """``H[i][j]`` = coefficient of u_j in ``P_i = Σ_jk K_ikj n_j u_j``.

    ``strength[t]`` is ``K_acb n_b`` in equilibrium for the triangle ``t = (a, b, c)`` (sorted) and the
    loop a → c → b; the three cyclic triads share it, the three others have −strength (shown in
    :func:`theory.flux.check_flux_equilibrium`).
    """
    h = {(p, q): sp.S(0) for p in sites for q in sites}
    for t in triangles:
        a, b, c = t
        for i, k, j in permutations(t):
            sign = 1 if (i, k, j) in ((a, c, b), (c, b, a), (b, a, c)) else -1
            h[i, j] += sign * strength[t]
    return h


class HallNetwork:
    """A symbolic network: complete graph on ``sites``, electrodes ``electrodes`` (the rest interior),
    conductances ``g_ab`` and one Hall strength ``h_abc`` per triangle (symbols)."""

    def __init__(self, electrodes=("L", "R", "B", "T"), interior=("c", "d")):
        self.electrodes, self.interior = tuple(electrodes), tuple(interior)
        self.sites = self.electrodes + self.interior
        self.bonds = list(combinations(self.sites, 2))
        self.triangles = list(combinations(self.sites, 3))
        self.g = {b: sp.Symbol(f"g_{b[0]}{b[1]}", positive=True) for b in self.bonds}
        self.h = {t: sp.Symbol(f"h_{''.join(t)}", real=True) for t in self.triangles}

    def conductance(self, p, q):
        return self.g[(p, q) if (p, q) in self.g else (q, p)]

    def operator(self, sign: int = 1) -> sp.Matrix:
        """``M = L + sign·H``: ``(M u)_i = Σ_j g_ij (u_j − u_i) + sign·P_i`` (linearised (5a) with flux)."""
        hall = hall_operator(self.sites, self.triangles, {t: sign * v for t, v in self.h.items()})
        m = sp.zeros(len(self.sites))
        for r, p in enumerate(self.sites):
            for s, q in enumerate(self.sites):
                if p != q:
                    m[r, s] = self.conductance(p, q) + hall[p, q]
                    m[r, r] -= self.conductance(p, q)
        return m

    def harmonic(self, potentials: dict) -> dict:
        """Zero-field Kirchhoff potentials with the electrode ``potentials`` (symbols allowed)."""
        unknown = {s: sp.Symbol(f"V_{s}") for s in self.interior}
        volts = {**{e: sp.sympify(potentials[e]) for e in self.electrodes}, **unknown}
        eqs = [sum(self.conductance(p, q) * (volts[q] - volts[p]) for q in self.sites if q != p) for p in self.interior]
        sol = sp.solve(eqs, list(unknown.values()), dict=True)[0]
        return {s: sp.together(v.subs(sol)) if s in self.interior else v for s, v in volts.items()}

    def bond_emfs(self, volts: dict) -> dict:
        """Circulating-form sources ``e_ij = F_ij/g_ij``, ``F_ij = Σ_k K_ikj n_j (V_i + V_j)`` (flow j → i)."""
        out = {}
        for i, j in self.bonds:
            strength = sum(hall_pair(i, j, k, self) for k in self.sites if k not in (i, j))
            out[i, j] = strength * (volts[i] + volts[j]) / self.conductance(i, j)
        return out

    def hall_response(self, drive: dict, probe: dict) -> sp.Expr:
        """``Σ_b e_b[drive] I_b[probe]`` with ``I_ij = g_ij (V_j − V_i)`` of the probe problem (the brief's σ)."""
        emf = self.bond_emfs(drive)
        return sp.together(sum(emf[i, j] * self.conductance(i, j) * (probe[j] - probe[i]) for i, j in self.bonds))


def hall_pair(i, j, k, net) -> sp.Expr:
    """``K_ikj n_j`` of the single triangle {i, j, k} (its contribution to H[i][j])."""
    t = tuple(sorted((i, j, k), key=net.sites.index))
    a, b, c = t
    sign = 1 if (i, k, j) in ((a, c, b), (c, b, a), (b, a, c)) else -1
    return sign * net.h[t]


def schur_conductance(net: HallNetwork, sign: int = 1):
    """Exact electrode response ``I_α = Σ_β S_αβ U_β`` (I_α: flow from the network into electrode α),
    ``S = M_EE − M_EI M_II⁻¹ M_IE``, returned as ``(det M_II · S, det M_II)`` (both polynomials)."""
    m = net.operator(sign)
    ne = len(net.electrodes)
    m_ee, m_ei, m_ie, m_ii = m[:ne, :ne], m[:ne, ne:], m[ne:, :ne], m[ne:, ne:]
    det = sp.expand(m_ii.det())
    return sp.expand(m_ee * det - m_ei * m_ii.adjugate() * m_ie), det


def reciprocity_hall_matrix(net: HallNetwork) -> sp.Matrix:
    """First order in the Hall strengths by reciprocity: ``S¹_αβ = Σ_i χ^α_i P_i[χ^β]`` with χ^β the
    zero-field potentials for electrode β at 1, the others at 0."""
    hall = hall_operator(net.sites, net.triangles, net.h)
    chi = [net.harmonic({e: int(e == f) for e in net.electrodes}) for f in net.electrodes]
    out = sp.zeros(len(net.electrodes))
    for a, ca in enumerate(chi):
        for b, cb in enumerate(chi):
            out[a, b] = sp.together(sum(ca[i] * hall[i, j] * cb[j] for i in net.sites for j in net.sites))
    return out
