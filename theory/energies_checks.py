"""Checks of the energy-disorder theory (``hopspin verify``): the steps of ``derivations/d12_energy_disorder.py``.

The physics lives in :mod:`theory.energies`; this module only checks it.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from . import coefficients as co
from .check_result import CheckResult, cached_check
from .codegen import render_energy_kernel
from .energies import (G_SYMBOLS, STRENGTH, W_SYMBOLS, _GAPS, _OFFSET, _dist, conductance, hop_time, ma_factor,
                       ma_times, occupation, orderings, s9_rate, triad_emf_weight, triad_energy_weight,
                       triad_strength, triad_weight_s21, triangle_network_form, triangle_s21_form,
                       triangle_with_energies, weight_exponents)
from .pauli import IDENTITY, SIGMA, trace
from .simplify import all_zero, exp_rational_zero, is_zero
from .triangle import s46_closed_form

__all__ = ["check_detailed_balance", "check_s27_energies", "check_triad_weight", "check_triangle_energies",
           "check_onsager_energies", "ENERGY_CHECKS"]


@cached_check
def check_detailed_balance() -> CheckResult:
    """(S22), (S23) for the MA times (both signs, ties, any reference energy); (S9) = MA × symmetric factor."""
    p, r, c = sp.Symbol("p", positive=True), sp.Symbol("R", positive=True), _OFFSET
    ok = True
    for e_a, e_b in ((c, c + p), (c + p, c), (c, c)):
        t_ab, t_ba, n_a, n_b = hop_time(r, e_a, e_b), hop_time(r, e_b, e_a), occupation(e_a), occupation(e_b)
        conds = [t_ab / t_ba - sp.exp(e_a - e_b),                                        # (S22)
                 t_ab * sp.exp(-(e_a - e_b) / 2) - t_ba * sp.exp((e_a - e_b) / 2),      # t_ab symmetric
                 n_b / t_ab - n_a / t_ba,                                               # (S23)
                 n_b / t_ab - conductance(r, e_a, e_b)]                                 # I⁰ = ν̄ e^{−ξ}
        if e_a != e_b:                                                                  # (S9) is singular at ε_ab = 0
            conds += [s9_rate(e_b, e_a) / s9_rate(e_a, e_b) - sp.exp(e_a - e_b),
                      s9_rate(e_a, e_b) / ma_factor(e_a, e_b) - 1 / (1 - sp.exp(-p))]
        ok &= all(sp.simplify(x) == 0 for x in conds)
    ok &= sp.limit(1 / (1 - sp.exp(-p)), p, sp.oo) == 1
    return CheckResult("energy_detailed_balance", "(S9), (S22), (S23)", ok, detail=(
        "MA: tau_ab/tau_ba = e^{eps_ab}, tau e^{-eps_ab/2} symmetric, I_ab = 0, I0_ab = e^{-2R - max(eps_a, eps_b)}; "
        "(S9) = MA x 1/(1 - e^{-|eps_ab|}) -> MA"))


@cached_check
def check_s27_energies() -> CheckResult:
    """(S24) and (S27) with (S21) and the MA times in every energy ordering: Υ_ikj = I_kj τ_kj Γ_ikj exactly."""
    dn = {s: sp.Symbol(f"delta_n_{s}", real=True) for s in "ijk"}
    u_ij, u_jk, u_ki = (q[0] * IDENTITY - sp.I * (q[1] * SIGMA[0] + q[2] * SIGMA[1] + q[3] * SIGMA[2])
                        for q in (sp.symbols(f"{x}0:4", real=True) for x in "pqr"))   # any Û = q0 − i q·σ
    g_kj = [sp.expand(sp.I * trace(s * u_ij * u_jk * u_ki)) for s in SIGMA]  # (Γ/Q)_ikj ∝ i Tr(σ Û_ij Û_jk Û_ki)
    g_jk = [sp.expand(sp.I * trace(s * u_ki.H * u_jk.H * u_ij.H)) for s in SIGMA]
    antisym = all_zero(g_kj[m] + g_jk[m] for m in range(3))                   # (Γ/Q)_ijk = −(Γ/Q)_ikj
    jay = lambda a, b: sp.exp(-_dist(a, b))  # noqa: E731
    ok_eq = ok_27 = True
    for e in orderings():
        tau, n = ma_times(e), {s: occupation(e[s]) for s in e}
        q_kj = co.phonon_factor_s21("i", "k", "j", J=jay, tau=tau)
        q_jk = co.phonon_factor_s21("i", "j", "k", J=jay, tau=tau)
        ok_eq &= exp_rational_zero(q_kj * n["j"] - q_jk * n["k"])
        upsilon = q_kj * (n["j"] + dn["j"]) - q_jk * (n["k"] + dn["k"])      # Υ_ikj / (Γ/Q)_ikj
        current = (n["j"] + dn["j"]) / tau("k", "j") - (n["k"] + dn["k"]) / tau("j", "k")
        ok_27 &= exp_rational_zero(upsilon - current * tau("k", "j") * q_kj)
    return CheckResult("energy_s27", "(S24), (S27) with energies", antisym and ok_eq and ok_27, detail=(
        f"(Gamma/Q)_ijk = -(Gamma/Q)_ikj: {antisym}; Q_ikj n_j = Q_ijk n_k (all 6 orderings, ties, any reference): "
        f"{ok_eq}; Upsilon = I_kj tau_kj Gamma_ikj for any delta n: {ok_27}"))


@cached_check
def check_triad_weight() -> CheckResult:
    """h from (S21): general form, MA closed forms in all orderings, bounds, symmetry, and the kernel numerically."""
    rho = lambda a, b: sp.exp(2 * _dist(a, b)) / co.hopping_time(a, b)  # noqa: E731
    general = is_zero(triad_weight_s21(co.hopping_time, _dist)
                      - (rho("i", "k") + rho("i", "j") + rho("k", "i") * rho("i", "j") / rho("k", "j")) / 3)
    closed = bounded = True
    for e in orderings():
        h = triad_energy_weight(e["i"], e["j"], e["k"])
        closed &= (exp_rational_zero(triad_weight_s21(ma_times(e), _dist) - h)
                   and exp_rational_zero(triad_weight_s21(ma_times(e), _dist, emf=True)
                                         - triad_emf_weight(e["i"], e["j"], e["k"]))
                   and exp_rational_zero(h - triad_energy_weight(e["i"], e["k"], e["j"]))                   # j ↔ k
                   and exp_rational_zero(h - triad_strength(e["i"], e["j"], e["k"]) * sp.exp(sp.Max(e["k"], e["j"]))))
        for x in weight_exponents(e["i"], e["j"], e["k"]):          # linear in p, q ≥ 0, no offset: ≤ 0
            poly = sp.Poly(x, *_GAPS)
            bounded &= poly.coeff_monomial(1) == 0 and all(v <= 0 for v in poly.as_dict().values())
    unit = triad_energy_weight(_OFFSET, _OFFSET, _OFFSET) == 1
    namespace = {"exp": math.exp, "njit": lambda **options: (lambda fn: fn)}   # the source, run as plain Python
    exec(render_energy_kernel(), namespace)  # noqa: S102 - our own generated source
    rng, worst = random.Random(15), 0.0
    for e in ({s: sp.Rational(rng.randint(-1000, 1000), 1000) * scale for s in "ijk"}
              for scale in (1, 10, 300) for _ in range(8)):          # e^{±600}: a naive float form overflows
        exact = [sp.N(triad_weight_s21(ma_times(e, lambda a, b: 1), lambda a, b: 1, emf=f), 40) for f in (False, True)]
        got = namespace["triad_energy_weight"](float(e["i"]), float(e["j"]), float(e["k"]))
        spread = 1 + max(abs(float(x)) for x in e.values())           # exp's relative error ~ |argument| × 1e-16
        worst = max(worst, *(abs(x - float(y)) / float(y) / spread for x, y in zip(got, exact)))
        bounded &= all(0 < x <= 1 for x in got)
    ok = general and closed and bounded and unit and worst < 1e-15
    return CheckResult("energy_triad_weight", "(S21), (S27): h_ikj", ok, detail=(
        f"h = [rho_ik + rho_ij + rho_ki rho_ij/rho_kj]/3 for any tau: {general}; MA closed forms h, h_emf = h_kij, "
        f"j<->k symmetry, h = H_T/G_kj (6 orderings): {closed}; exponents <= 0 and 0 < h <= 1: {bounded}; h = 1 at "
        f"equal energies: {unit}; kernel vs (S21), |eps| <= 300: worst relative error {worst:.1e} x (1 + max|eps|)"))


@cached_check
def check_triangle_energies() -> CheckResult:
    """The triangle with energies: network form = (S21) for any detailed-balance τ; (S46) at equal energies."""
    res, t, z, big_e = triangle_s21_form()
    vals = {G_SYMBOLS[frozenset((p, q))]: 1 / (t[frozenset((p, q))] * z[p] * z[q]) for p, q in ((1, 2), (1, 3), (2, 3))}
    vals.update({W_SYMBOLS[s]: z[s] ** -2 for s in z})
    vals[STRENGTH] = sum(vals[G_SYMBOLS[frozenset((c, x))]] * vals[G_SYMBOLS[frozenset((c, y))]] / vals[W_SYMBOLS[c]]
                         for c, x, y in ((1, 2, 3), (2, 1, 3), (3, 1, 2))) / (24 * big_e)
    net = triangle_network_form()
    same = all(exp_rational_zero(net[k].xreplace(vals) - res[k]) for k in ("f_dr", "f_diff"))
    tri = triangle_with_energies(energies=(_OFFSET,) * 3)
    f_dr, f_diff = s46_closed_form()
    s46 = all(exp_rational_zero(x - y) for x, y in ((tri.f_dr, f_dr), (tri.f_diff, f_diff),
                                                    (tri.f_sge_direct, f_dr), (tri.f_sge_precession, f_diff)))
    return CheckResult("energy_triangle_s46", "(S42)-(S46) with energies", same and s46, detail=(
        f"closed forms in g, w, Q_T = (S21) with tau_ab = t_ab z_a/z_b: {same}; all energies equal (any common "
        f"value): f_dr, f_diff and both SGE parts = (S46): {s46}"))


@cached_check
def check_onsager_energies() -> CheckResult:
    """σ_SGE = (4k_BT n/τ_s) σ_CISP on the triangle from (S21) with any detailed-balance τ (three energies)."""
    res = triangle_s21_form()[0]
    direct = exp_rational_zero(res["f_sge_direct"] - res["f_dr"])
    precession = exp_rational_zero(res["f_sge_precession"] - res["f_diff"])
    return CheckResult("energy_onsager", "(S39) with energies", direct and precession, detail=(
        f"f_SGE direct (Lambda^(3) n_j Q) = f_dr: {direct}; precession route (Lambda^(2) on (L_g + eps W)^-1 of the "
        f"Omega source) = f_diff: {precession}; any t_ab, z_a, tau_s"))


ENERGY_CHECKS = (
    ("energy_detailed_balance", check_detailed_balance),
    ("energy_s27", check_s27_energies),
    ("energy_triad_weight", check_triad_weight),
    ("energy_triangle_s46", check_triangle_energies),
    ("energy_onsager", check_onsager_energies),
)
