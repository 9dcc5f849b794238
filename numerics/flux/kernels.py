"""Triad sums of the flux extension: Hall injections, cos Φ-weighted spin generation, M^(1) terms.

Every per-triad number comes from the generated kernels (``numerics._generated``):
``triad_hall`` (K/Q·w and M/Q·w of the ordered triad (i, k, j), exact in the loop phase) and
``triad_spin_generation`` (the zero-field Γ, Λ kernels, which the field multiplies by cos Φ_ikj
exactly; ``theory/flux_core.py``).  Conventions of :mod:`numerics.triads`: each triangle {u, v, w}
of the bond graph gives the three triads (i; j, k) with the generating site i and the current
``I_kj`` (flow from j into k) of the opposite bond; for the bond (a, b), a < b, an array ``flow``
holds the flow from b into a.  The loop phase of the ordered triad (i, k, j) is, for electrons,

    Φ_ikj = b A_ikj,   A_ikj = [(x_j − x_i)(y_k − y_i) − (x_k − x_i)(y_j − y_i)]/2,

with the dimensionless flux density ``b = e B_z a_b²/ħ`` (lengths in a_b).  The charge Hall source
(the analogue of (S27) for charge, ``theory/flux_network.py``) is ``P_i = η Σ'_{jk} hall_ikj I_kj``,
η = ħ/(J0 τ0) explicit; it is kept at β⁰ (the spin-independent Holstein term, −6 sin Φ per Q:
the β⁴ correction ∝ (A|c|)² is beyond the orders kept).  The spin–spin Hall transport of the
separated spin is the same operator at β⁰ (M^{(0)} = −6 sin Φ δ_μν = K^{(0)}), its β¹ part
M^{(1)} = −12 sin Φ [d_ij]_× a field-odd precession; M^{(1)} is obtained from the generated
kernel exactly as its odd part in β, ``(M(β) − M(−β))/2``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._generated import triad_hall
from ..sge import bond_emf_table
from ..triads import flow_into, oriented_area, rotation, triad_sums

__all__ = ["hall_injection", "flux_triad_sums", "m1_rate", "m1_uniform_source", "hall_emfs", "sge_emfs_flux",
           "triangle_geometry", "SPIN_HALL_ZZ"]

#: index of spin_hall_zz among the outputs of triad_hall (hall, spin_hall_xx … spin_hall_zz)
SPIN_HALL_ZZ = 9
HALL = 0


@njit(cache=True, inline="always")
def _flow_into(bonds, flow, f, e, k):
    """Flow along bond e into its end k (I_kj for the other end j), row f of ``flow``."""
    return flow_into(bonds, flow[f], e, k)


@njit(cache=True)
def _hall_injection(pos, bonds, tri, edges, flow, flux, which, out):
    """out[f, i] += hall_ikj(Φ = flux[f] A_ikj) · I_kj[f] at β = 0 (``which``: output of triad_hall)."""
    nf = flux.shape[0]
    for t in range(tri.shape[0]):
        for rot in range(3):
            i, j, k, e = rotation(tri, edges, t, rot)
            area = oriented_area(pos, i, k, j)
            for f in range(nf):
                cur = _flow_into(bonds, flow, f, e, k)
                if cur == 0.0 or flux[f] == 0.0:
                    continue
                o = triad_hall(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1],
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, flux[f] * area)
                out[f, i] += o[which] * cur


def hall_injection(pos, bonds, tri, edges, flow, flux, eta, spin=False) -> np.ndarray:
    """Node injections ``η Σ'_{jk} hall_ikj flow_kj`` for each flux (rows of ``flow``, (F, B)).

    ``spin=False``: the charge Hall source P_i (``hall``); ``spin=True``: the Hall transport of the
    separated spin, with ``flow`` the bond differences D = g(S_j − S_i) (``spin_hall_zz`` at β⁰,
    identical to ``hall`` there).  Returns (F, M); every row sums to zero (each triangle's three
    injections do)."""
    flow = np.ascontiguousarray(np.atleast_2d(flow), dtype=np.float64)
    flux = np.ascontiguousarray(np.atleast_1d(flux), dtype=np.float64)
    out = np.zeros((flux.size, pos.shape[0]))
    _hall_injection(pos, bonds, tri, edges, flow, flux, SPIN_HALL_ZZ if spin else HALL, out)
    return eta * out


def flux_triad_sums(pos, bonds, flow, beta, tri, edges, flux):
    """(drift_total (F, 3), source_site (F, M, 3), sge_total (F, 3)): the sums of
    :func:`numerics.triads.triad_sums` with every triad weighted by cos Φ_ikj and the currents
    ``flow[f]`` of flux ``flux[f]`` (same normalisation: per unit of the currents' scale)."""
    flux = np.ascontiguousarray(np.atleast_1d(flux), dtype=np.float64)
    flow = np.ascontiguousarray(np.atleast_2d(flow), dtype=np.float64)
    sums = triad_sums(pos, bonds, flow, beta, flux=flux, triangles=(tri, edges))
    return sums.drift_total, sums.source_site, sums.sge_total


@njit(cache=True, inline="always")
def _m1(pos, i, j, k, beta, phi, m1):
    """M^{(1)}/Q·w of the ordered triad (i, k, j) (3×3, rows spin μ, columns ν) as the odd part in β."""
    b = beta
    p = triad_hall(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1],
                   b[0], b[1], b[2], b[3], b[4], b[5], phi)
    q = triad_hall(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1],
                   -b[0], -b[1], -b[2], -b[3], -b[4], -b[5], phi)
    for a in range(9):
        m1[a] = 0.5 * (p[1 + a] - q[1 + a])


@njit(cache=True, inline="always")
def _reference_vertex(lengths, edges, t):
    """0, 1, 2 for u, v, w: the vertex where the two shortest bonds of the triangle meet."""
    l_uv, l_uw, l_vw = lengths[edges[t, 0]], lengths[edges[t, 1]], lengths[edges[t, 2]]
    if l_vw >= l_uv and l_vw >= l_uw:
        return 0
    if l_uw >= l_uv:
        return 1
    return 2


@njit(cache=True)
def _m1_rate(pos, bonds, lengths, g, tri, edges, beta, flux, diff, axis, out):
    """out[l] = Σ_triangles Σ_i η-free M^{(1)} rate of lane l on S = S̃ ĉ, in bond differences.

    Per triad pair (i; j, k): g_kj [M1(i,k,j) ĉ (S_j − S_c) + M1(i,j,k) ĉ (S_k − S_c)] with S_c the
    spin of the triangle's reference vertex (the uniform part drops out exactly: the three
    generating sites' M^{(1)} coefficients sum to zero), S_a − S_c = ±D_ac/g_ac."""
    m1 = np.empty(9)
    nl = flux.shape[0]
    ds = np.empty(3)
    for t in range(tri.shape[0]):
        ref = _reference_vertex(lengths, edges, t)
        verts = (tri[t, 0], tri[t, 1], tri[t, 2])
        c = verts[ref]
        for rot in range(3):
            i, j, k, e = rotation(tri, edges, t, rot)
            area = oriented_area(pos, i, k, j)
            gk = g[e]
            for lane in range(nl):
                # S_x − S_c for x = j, k from the bond differences (zero for x = c)
                for s_idx in range(2):
                    x = j if s_idx == 0 else k
                    if x == c:
                        ds[s_idx] = 0.0
                        continue
                    # the bond (x, c): the triangle edge joining them
                    if (verts[0] == x and verts[1] == c) or (verts[0] == c and verts[1] == x):
                        eb = edges[t, 0]
                    elif (verts[0] == x and verts[2] == c) or (verts[0] == c and verts[2] == x):
                        eb = edges[t, 1]
                    else:
                        eb = edges[t, 2]
                    dval = diff[lane, eb] / g[eb]          # S_b − S_a for bond (a, b)
                    ds[s_idx] = dval if bonds[eb, 0] == c else -dval
                if ds[0] == 0.0 and ds[1] == 0.0:
                    continue
                if ds[0] != 0.0:
                    _m1(pos, i, j, k, beta, flux[lane] * area, m1)
                    for mu in range(3):
                        out[lane, mu] += gk * ds[0] * (m1[3 * mu] * axis[0] + m1[3 * mu + 1] * axis[1]
                                                       + m1[3 * mu + 2] * axis[2])
                if ds[1] != 0.0:
                    _m1(pos, i, k, j, beta, -flux[lane] * area, m1)
                    for mu in range(3):
                        out[lane, mu] += gk * ds[1] * (m1[3 * mu] * axis[0] + m1[3 * mu + 1] * axis[1]
                                                       + m1[3 * mu + 2] * axis[2])


def m1_rate(network, tri, edges, beta, flux, diff, axis, eta) -> np.ndarray:
    """Total field-odd precession rate ``η Σ_ikj M^{(1)}_ikj ĉ S̃_j g_kj`` (the β¹ spin–spin term acting on
    the separated spin) for each lane: ``flux`` (L,), ``diff`` (L, B) the bond differences
    D = g(S̃_j − S̃_i) of lane l.  Returns (L, 3), in the units of the rates (scaled conductances)."""
    diff = np.ascontiguousarray(np.atleast_2d(diff), dtype=np.float64)
    flux = np.ascontiguousarray(np.atleast_1d(flux), dtype=np.float64)
    beta = np.ascontiguousarray(np.asarray(beta, dtype=np.float64).reshape(3, 2)).ravel()
    out = np.zeros((flux.size, 3))
    _m1_rate(network.positions, network.bonds, network.lengths, network.conductances, tri, edges, beta, flux, diff,
             np.asarray(axis, dtype=np.float64), out)
    return eta * out


@njit(cache=True)
def _m1_uniform_source(pos, g, tri, edges, beta, flux, spin, axis, out):
    """out[f, i] += ĉ·[M1(i,k,j) + M1(i,j,k)] s g_kj: the S̃ source of a uniform spin s (SGE route)."""
    m1 = np.empty(9)
    for t in range(tri.shape[0]):
        for rot in range(3):
            i, j, k, e = rotation(tri, edges, t, rot)
            area = oriented_area(pos, i, k, j)
            for f in range(flux.shape[0]):
                if flux[f] == 0.0:
                    continue
                acc = 0.0
                for sgn in range(2):
                    if sgn == 0:
                        _m1(pos, i, j, k, beta, flux[f] * area, m1)
                    else:
                        _m1(pos, i, k, j, beta, -flux[f] * area, m1)
                    for mu in range(3):
                        acc += axis[mu] * (m1[3 * mu] * spin[0] + m1[3 * mu + 1] * spin[1] + m1[3 * mu + 2] * spin[2])
                out[f, i] += g[e] * acc


def m1_uniform_source(network, tri, edges, beta, flux, spin, axis, eta) -> np.ndarray:
    """(F, M) node source of S̃ (along ĉ) from the field-odd precession M^{(1)} of a uniform spin ``spin``
    (ν = 1): the partner of :func:`m1_rate` on the spin-galvanic route."""
    flux = np.ascontiguousarray(np.atleast_1d(flux), dtype=np.float64)
    beta = np.ascontiguousarray(np.asarray(beta, dtype=np.float64).reshape(3, 2)).ravel()
    out = np.zeros((flux.size, network.positions.shape[0]))
    _m1_uniform_source(network.positions, network.conductances, tri, edges, beta, flux,
                       np.asarray(spin, dtype=np.float64), np.asarray(axis, dtype=np.float64), out)
    return eta * out


@njit(cache=True)
def _hall_emfs(pos, bonds, lengths, g, tri, edges, flow, flux, out):
    """Hall injections of each triangle as current sources on the two bonds at its reference vertex c
    (the two strongest bonds): J(c → a) = P_a, J(c → b) = P_b, stored as EMFs J/g from j into i."""
    p = np.empty(3)
    for t in range(tri.shape[0]):
        verts = (tri[t, 0], tri[t, 1], tri[t, 2])
        ref = _reference_vertex(lengths, edges, t)
        for f in range(flux.shape[0]):
            if flux[f] == 0.0:
                continue
            for rot in range(3):
                i, j, k, e = rotation(tri, edges, t, rot)
                cur = _flow_into(bonds, flow, f, e, k)
                p[rot] = 0.0
                if cur != 0.0:
                    o = triad_hall(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1],
                                   0.0, 0.0, 0.0, 0.0, 0.0, 0.0, flux[f] * oriented_area(pos, i, k, j))
                    p[rot] = o[0] * cur
            # rotation r has generating site verts[r]; the bond (verts[r], c) carries P_r
            c = verts[ref]
            for r in range(3):
                if r == ref:
                    continue
                a = verts[r]
                if (r == 0 and ref == 1) or (r == 1 and ref == 0):
                    eb = edges[t, 0]
                elif (r == 0 and ref == 2) or (r == 2 and ref == 0):
                    eb = edges[t, 1]
                else:
                    eb = edges[t, 2]
                # a source from c into a; the bond's positive orientation is from bonds[eb, 1] into bonds[eb, 0]
                val = p[r] / g[eb]
                out[f, eb] += val if bonds[eb, 0] == a else -val


def hall_emfs(network, tri, edges, flow, flux, eta) -> np.ndarray:
    """(F, B) bond EMFs (from j into i for bond (i, j), e = J/g) carrying the charge Hall sources
    ``P = η Σ hall I`` of the currents ``flow[f]`` (the form :func:`numerics.solvers.short_circuit_current`
    takes).  Each triangle's sources sit on its two strongest bonds, where |e| ≤ (3/4) η |ΔV|."""
    flow = np.ascontiguousarray(np.atleast_2d(flow), dtype=np.float64)
    flux = np.ascontiguousarray(np.atleast_1d(flux), dtype=np.float64)
    out = np.zeros((flux.size, network.bonds.shape[0]))
    _hall_emfs(network.positions, network.bonds, network.lengths, network.conductances, tri, edges, flow, flux, out)
    return eta * out


def sge_emfs_flux(network, tri, edges, beta, spin, axis, flux):
    """(direct, coef_b, coef_a), each (F, B): :func:`numerics.sge.bond_emfs` in the field (Λ × cos Φ)."""
    direct, coef_b, coef_a, _ = bond_emf_table(network, beta, [spin], axis, flux=flux, triangles=(tri, edges))
    return direct[:, :, 0], coef_b, coef_a


def triangle_geometry(network, tri, edges) -> dict:
    """Per-triangle |area| (a_b²), perimeter (a_b) and ``e^{R_2 − R_1 − R_3}`` (R_1 ≤ R_2 ≤ R_3 its sides):
    the last bounds |h_t|/g_2 / ((3/4) η |sin Φ_t|), the ingredient of the Neumann bound
    (:func:`numerics.flux.solve.neumann_bound`)."""
    pos = network.positions
    a, b, c = (pos[tri[:, n]] for n in range(3))
    area = 0.5 * np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1]))
    sides = np.sort(network.lengths[edges], axis=1)
    return {"area": area, "perimeter": sides.sum(axis=1), "ratio": np.exp(sides[:, 1] - sides[:, 0] - sides[:, 2])}
