"""Aharonov–Bohm (Peierls) phases in the triads — public face and checks (``FLUX_CHECKS``).

Everything of :mod:`theory.flux_core` (the coefficients with flux, see its docstring for the physics
and conventions) is re-exported here; the linear response and networks are in
:mod:`theory.flux_network`, the (S46) triangle in :mod:`theory.flux_triangle`, the kernels in
:mod:`theory.flux_kernels`.  Each check returns :class:`theory.checks.CheckResult`, runs in a few
seconds and derives both sides independently (e.g. the literal (S10) against the flux rule, an exact
Schur complement against reciprocity).
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from . import coefficients as co
from . import models
from . import flux_core
from .check_result import CheckResult, cached_check
from .flux_core import *  # noqa: F401,F403  (the public face of the flux extension)
from .flux_core import (B_FLUX, PHI, cross_matrix, first_line_rates, flux_coefficients_by_order,
                        flux_coefficients_from_hopping, loop_phase, peierls_phase, real_quaternion,
                        spin_spin_closed_form)
from .pauli import IDENTITY, sigma_dot
from .simplify import all_zero, is_zero

__all__ = list(flux_core.__all__) + ["FLUX_CHECKS"] + [f"check_flux_{n}" for n in (
    "peierls", "zero_field", "rule_and_parity", "gauge", "identities", "orders", "equilibrium",
    "linear_response", "hall_reciprocity", "onsager_casimir", "triangle")]


def _result(name, equation, ok, detail="", **expressions):
    return CheckResult(name, equation, bool(ok), detail=detail, expressions=expressions)


@lru_cache(maxsize=1)
def _quaternion_loop():
    return tuple(real_quaternion(n) for n in "pqr")


# --------------------------------------------------------------------------- geometry

@cached_check
def check_flux_peierls():
    """Φ_ikj from straight-path line integrals, two gauges: ``Φ_ikj = −q b A_ikj`` (electrons: +b A)."""
    area = co.oriented_area()
    phis = {g: loop_phase(gauge=g) for g in ("symmetric", "landau")}
    holes = loop_phase(gauge="symmetric", charge=1)
    ok_area = all(is_zero(p - B_FLUX * area) for p in phis.values()) and is_zero(holes + B_FLUX * area)
    # the two gauges differ by A_L − A_S = ∇χ, χ = −b x y/2: φ^L_ab − φ^S_ab = q (χ_a − χ_b)
    pos = {s: co.site_coordinates(s) for s in "ij"}
    chi = {s: -B_FLUX * pos[s][0] * pos[s][1] / 2 for s in "ij"}
    shift = peierls_phase("i", "j", "landau") - peierls_phase("i", "j", "symmetric")
    ok_gauge = is_zero(shift + (chi["i"] - chi["j"]))
    ok_odd = is_zero(peierls_phase("i", "j") + peierls_phase("j", "i"))
    return _result("flux_peierls", "(4) with Peierls phases, (9) area", ok_area and ok_gauge and ok_odd,
                   f"electrons: Phi_ikj = b A_ikj in both gauges: {ok_area}; phi_ba = -phi_ab: {ok_odd}; "
                   f"Landau - symmetric = q(chi_a - chi_b): {ok_gauge}", Phi_ikj=phis["symmetric"])


# --------------------------------------------------------------------------- (S10) → coefficients

def _cs_hops():
    """Exact hops for a generic β with cos|d| → C_ab, sin|d|/|d| → Sn_ab as independent real symbols."""
    g = models.generic()

    def hop(a, b):
        p, q = sorted((a, b))
        d = g.d_vector(*co.separation(a, b, "i"))
        return sp.Symbol(f"C_{p}{q}", real=True) * IDENTITY - sp.I * sp.Symbol(f"Sn_{p}{q}", real=True) * sigma_dot(d)
    return hop


@cached_check
def check_flux_zero_field():
    """At Φ = 0 the first line of (S10), −6 Im(Û ρ Û Û), gives (S15)–(S18) exactly and no K, M."""
    hop = _cs_hops()
    fwd = (hop("i", "j"), hop("j", "k"), hop("k", "i"))
    lit = first_line_rates(*fwd, phase=sp.S(1), reversed_hops=(hop("j", "i"), hop("k", "j"), hop("i", "k")))
    ref = co.coefficients_from_hopping(*fwd)
    same = all_zero([lit.Gamma[m] - ref.Gamma[m] for m in range(3)] + [lit.Lambda[m] - ref.Lambda[m] for m in range(3)])
    none = is_zero(lit.K) and all_zero(lit.M)
    return _result("flux_zero_field", "(S10) -> (S15)-(S18)", same and none,
                   f"-Im Tr = i Tr: Gamma, Lambda equal (S15), (S16) (hence G, W equal (S17), (S18)), generic beta, "
                   f"all orders (cos|d|, sin|d|/|d| as free symbols): {same}; "
                   f"K = 0 and M = 0 at zero field: {none}")


@cached_check
def check_flux_rule_and_parity():
    """With e^{iΦ}: the literal (S10) equals the rule (cos Φ × spin vectors, −3 sin Φ Tr for K, M)."""
    u = _quaternion_loop()
    lit = first_line_rates(*u)
    rule = flux_coefficients_from_hopping(*u)
    same = all_zero(a - b for a, b in zip(lit.as_list(), rule.as_list()))
    flip = {PHI: -PHI}
    odd = is_zero(lit.K + lit.K.subs(flip)) and all_zero(lit.M + lit.M.subs(flip))
    even = all_zero([g - g.subs(flip) for g in lit.Gamma + lit.Lambda])
    return _result("flux_rule_and_parity", "(S10), (S11) with flux", same and odd and even,
                   f"literal -6 Im(e^(i Phi) U rho U U) = Re[i e^(i Phi) p Tr] for arbitrary SU(2) hops: {same}; "
                   f"K, M odd in Phi: {odd}; Gamma, Lambda (hence G, W) even: {even}", K=rule.K)


@cached_check
def check_flux_gauge():
    """Only Φ = φ_ij + φ_jk + φ_ki enters; φ_ab → φ_ab + χ_a − χ_b changes nothing."""
    u = _quaternion_loop()
    ph = {p: sp.Symbol(f"phi_{p}", real=True) for p in ("ij", "jk", "ki")}
    phase = sp.exp(sp.I * ph["ij"]) * sp.exp(sp.I * ph["jk"]) * sp.exp(sp.I * ph["ki"])
    lit = first_line_rates(*u, phase=phase, trig=False)
    tidy = lambda e: sp.expand(e.replace(sp.exp, lambda arg: sp.exp(sp.expand(arg))))  # noqa: E731
    only_sum = [tidy(e.subs(ph["ki"], PHI - ph["ij"] - ph["jk"])) for e in lit.as_list()]
    ok_sum = not set().union(*(e.free_symbols for e in only_sum)) & {ph["ij"], ph["jk"]}
    chi = {s: sp.Symbol(f"chi_{s}", real=True) for s in "ijk"}
    gauge = {ph["ij"]: ph["ij"] + chi["i"] - chi["j"], ph["jk"]: ph["jk"] + chi["j"] - chi["k"],
             ph["ki"]: ph["ki"] + chi["k"] - chi["i"]}
    ok_gauge = all_zero(tidy(e.subs(gauge) - e) for e in lit.as_list())
    return _result("flux_gauge", "gauge invariance", ok_sum and ok_gauge,
                   f"coefficients depend on the phases only through their sum: {ok_sum}; "
                   f"invariant under phi_ab -> phi_ab + chi_a - chi_b: {ok_gauge}")


# --------------------------------------------------------------------------- identities

@cached_check
def check_flux_identities():
    """(7) and (S14) with flux; K_jki + K_kji = 0 (charge conserved); M_jki + M_kji = 0 only at β⁰."""
    from .flux_network import triad_family
    u = _quaternion_loop()
    lit = first_line_rates(*u)
    zero = co.coefficients_from_hopping(*u)
    g_rule = [sp.cos(PHI) * x for x in zero.G]
    w_rule = [sp.cos(PHI) * x for x in zero.W]
    ok7 = all_zero(lit.Lambda[m] - 4 * (w_rule[m] - g_rule[m]) for m in range(3))
    fam = triad_family()
    q_sym = is_zero(sp.simplify(co.phonon_factor_s21("j", "k", "i") - co.phonon_factor_s21("k", "j", "i")))
    a, b = fam["j", "k", "i"], fam["k", "j", "i"]
    ok14 = q_sym and all_zero([(a.W[m] - a.G[m]) + (b.W[m] - b.G[m]) for m in range(3)])
    ok_charge = is_zero(a.K + b.K)
    d = {p: sp.Matrix(sp.symbols(f"d_{p}_x d_{p}_y d_{p}_z", real=True)) for p in ("ij", "jk")}
    d["ki"] = -d["ij"] - d["jk"]                                   # linear β: the loop closes
    neg = lambda v: tuple(-v)  # noqa: E731
    par_jki = flux_coefficients_by_order(neg(d["ij"]), neg(d["ki"]), neg(d["jk"]), 1, 1, -1)   # Û_ji Û_ik Û_kj
    par_kji = flux_coefficients_by_order(tuple(d["ki"]), tuple(d["ij"]), tuple(d["jk"]), 1, 1, -1)  # Û_ki Û_ij Û_jk
    # Φ_kji = −Φ_jki: the sum of the two spin–spin tensors is (M_hat_jki − M_hat_kji) sin Φ_jki
    m0 = par_jki[0].M_hat - par_kji[0].M_hat
    m1 = par_jki[1].M_hat - par_kji[1].M_hat
    ok_spin = all_zero(m0) and not all_zero(m1)
    ok = ok7 and ok14 and ok_charge and ok_spin
    return _result("flux_identities", "(7), (S14) with flux", ok,
                   f"(7) Lambda = 4(W - G): {ok7}; (S14) (W-G)_jki + (W-G)_kji = 0 (Q_jki = Q_kji): {ok14}; "
                   f"K_jki + K_kji = 0: {ok_charge}; spin-spin outgoing sum zero at beta^0, non-zero at beta^1: {ok_spin}",
                   M1_outgoing=m1)


@cached_check
def check_flux_orders():
    """Lowest orders for a generic β: K = −6 sin Φ (1 − 2A²|c|²) + O(β⁶); M = −6 sin Φ [1 + 2[d_ij]_×
    + 2[d_ij]_ײ − 2A[c]_×] + O(β³); the exact M = −6 sin Φ (x0 − [x]_×) R(Û_ij)."""
    g = models.generic()
    d = [g.d_vector(*co.separation(p, r, "i")) for p, r in (("i", "j"), ("j", "k"), ("k", "i"))]
    parts = flux_coefficients_by_order(*d, order=4, spin_order=2, even_order=-1)
    area = co.oriented_area().subs(dict(zip(co.site_coordinates("i"), (0, 0))))
    c = g.column_cross()
    dij = cross_matrix(d[0])
    ok_k = (is_zero(parts[0].K_hat + 6) and all(is_zero(parts[n].K_hat) for n in (1, 2, 3))
            and is_zero(parts[4].K_hat - 12 * area**2 * c.dot(c)))
    ok_m = (all_zero(parts[0].M_hat + 6 * sp.eye(3)) and all_zero(parts[1].M_hat + 12 * dij)
            and all_zero(parts[2].M_hat + 12 * (dij * dij - area * cross_matrix(c))))
    u = _quaternion_loop()
    rule = flux_coefficients_from_hopping(*u)
    ok_closed = all_zero(rule.M * sp.expand(u[0].det()) - sp.sin(PHI) * spin_spin_closed_form(*u))
    return _result("flux_orders", "K, M by order", ok_k and ok_m and ok_closed,
                   f"K/Q sin: -6, 0, 0, 0, 12 A^2|c|^2: {ok_k}; M/Q sin: -6, -12[d_ij]x, -12([d_ij]x^2 - A[c]x): "
                   f"{ok_m}; exact M closed form: {ok_closed}")


# --------------------------------------------------------------------------- equilibrium, response

@cached_check
def check_flux_equilibrium():
    """(S21)+(S22): all six ``Q_acb n_b`` equal, so P_i = Υ_i = 0; bond flows circulate, 2K n ≠ 0."""
    from .flux_network import TRIAD_ORDERS, equilibrium_model, triad_family
    n, _, q = equilibrium_model()
    fam = triad_family()
    rate = {t: sp.cancel(q[t] * n[t[2]]) for t in TRIAD_ORDERS}
    ok_q = all(is_zero(sp.cancel(rate[t] - rate["i", "k", "j"])) for t in TRIAD_ORDERS)
    k = {t: fam[t].K * rate[t] for t in TRIAD_ORDERS}                      # K_acb n_b
    gam = {t: [x * rate[t] for x in fam[t].Gamma] for t in TRIAD_ORDERS}
    ok_p = all(is_zero(k[i, c, b] + k[i, b, c]) for i, c, b in TRIAD_ORDERS)
    ok_spin = all(all_zero(gam[i, c, b][m] + gam[i, b, c][m] for m in range(3)) for i, c, b in TRIAD_ORDERS)
    flow = {("i", "j"): k["i", "k", "j"] - k["j", "k", "i"], ("j", "k"): k["j", "i", "k"] - k["k", "i", "j"],
            ("k", "i"): k["k", "j", "i"] - k["i", "j", "k"]}             # F_ab: from b into a, third site
    ok_circ = all(is_zero(flow[p] - 2 * k["i", "k", "j"]) for p in flow) and not is_zero(flow["i", "j"])
    # the other assignment: K_ikj n_j as a flow from k into i (it pairs with K_kij n_j = −K_ikj n_j)
    alt = {("i", "k"): k["i", "k", "j"], ("k", "j"): k["k", "j", "i"], ("j", "i"): k["j", "i", "k"]}
    ok_alt = all(is_zero(v - k["i", "k", "j"]) for v in alt.values())   # = −K_ikj n_j along i → k → j
    ok = ok_q and ok_p and ok_spin and ok_circ and ok_alt
    return _result("flux_equilibrium", "(S22)-(S24) with flux", ok,
                   f"Q_acb n_b equal for the six triads: {ok_q}; P_i = K_ikj n_j + K_ijk n_k = 0: {ok_p}; "
                   f"Upsilon = 0: {ok_spin}; F_ij = F_jk = F_ki = 2 K_ikj n_j != 0 (circulating, divergence-free): "
                   f"{ok_circ}; the pairing assignment circulates -K_ikj n_j instead: {ok_alt}")


@cached_check
def check_flux_linear_response():
    """δn = n u: ``P_i = K_ikj n_j (u_j − u_k) = (K/Q) τ_kj Q I_kj``; ``F_ij = K_ikj n_j (u_i + u_j)``;
    ``Υ_ikj = cos Φ (Γ/Q)^0 τ_kj Q I_kj`` (S27); a uniform u gives P = 0 and a pure circulation."""
    from .flux_network import equilibrium_model, triad_family
    n, tau, q = equilibrium_model()
    fam = triad_family()
    u = {s: sp.Symbol(f"u_{s}", real=True) for s in co.SITES}
    k = lambda t: fam[t].K * q[t]  # noqa: E731
    p_i = k(("i", "k", "j")) * n["j"] * u["j"] + k(("i", "j", "k")) * n["k"] * u["k"]
    i_kj = n["j"] * u["j"] / tau("k", "j") - n["k"] * u["k"] / tau("j", "k")     # linearised flow j → k
    ok_p = is_zero(sp.cancel(p_i - k(("i", "k", "j")) * n["j"] * (u["j"] - u["k"])))
    ok_s27 = is_zero(sp.cancel(p_i - fam["i", "k", "j"].K * tau("k", "j") * q["i", "k", "j"] * i_kj))
    f_ij = k(("i", "k", "j")) * n["j"] * u["j"] - k(("j", "k", "i")) * n["i"] * u["i"]
    ok_f = is_zero(sp.cancel(f_ij - k(("i", "k", "j")) * n["j"] * (u["i"] + u["j"])))
    gam = [fam["i", "k", "j"].Gamma[m] * q["i", "k", "j"] * n["j"] * u["j"]
           + fam["i", "j", "k"].Gamma[m] * q["i", "j", "k"] * n["k"] * u["k"] for m in range(3)]
    ok_g = all(is_zero(sp.cancel(gam[m] - fam["i", "k", "j"].Gamma[m] * tau("k", "j") * q["i", "k", "j"] * i_kj))
               for m in range(3))
    uniform = {u[s]: 1 for s in co.SITES}
    ok_u = is_zero(p_i.subs(uniform)) and not is_zero(f_ij.subs(uniform))
    ok = ok_p and ok_s27 and ok_f and ok_g and ok_u
    return _result("flux_linear_response", "(S25)-(S27) with flux", ok,
                   f"P_i = K_ikj n_j(u_j - u_k): {ok_p}; = (K/Q) tau_kj Q I_kj: {ok_s27}; F_ij = K_ikj n_j(u_i + u_j): "
                   f"{ok_f}; Upsilon = (Gamma/Q) tau_kj Q I_kj with cos Phi: {ok_g}; uniform u: P = 0, F != 0: {ok_u}")


@cached_check
def check_flux_hall_reciprocity():
    """Network (4 electrodes, 1 inner site, all bonds, symbolic g and Hall strengths): exact
    G(h)ᵀ = G(−h); its first order equals reciprocity χᵀHχ and is antisymmetric; σ_xy = −σ_yx."""
    from .flux_network import HallNetwork, reciprocity_hall_matrix, schur_conductance
    net = HallNetwork(interior=("c",))
    n_p, d_p = schur_conductance(net, 1)
    n_m, d_m = schur_conductance(net, -1)
    ne = len(net.electrodes)
    ok_exact = is_zero(d_p - d_m) and all(is_zero(n_p[a, b] - n_m[b, a]) for a in range(ne) for b in range(ne))
    s1 = reciprocity_hall_matrix(net)
    lam = sp.Symbol("lambda")
    scaled = {h: lam * h for h in net.h.values()}
    ok_first = True
    den = sp.Poly(sp.expand(d_p.subs(scaled)), lam)
    d0, d1 = den.coeff_monomial(1), den.coeff_monomial(lam)
    for a in range(ne):
        for b in range(ne):
            num = sp.Poly(sp.expand(n_p[a, b].subs(scaled)), lam)
            n0, n1 = num.coeff_monomial(1), num.coeff_monomial(lam)
            ok_first &= is_zero(sp.expand(sp.cancel(s1[a, b] * d0**2) - (n1 * d0 - n0 * d1)))
    ok_anti = all(is_zero(sp.cancel(s1[a, b] + s1[b, a])) for a in range(ne) for b in range(ne))
    uu = dict(zip(net.electrodes, sp.symbols("U_L U_R U_B U_T")))
    ww = dict(zip(net.electrodes, sp.symbols("W_L W_R W_B W_T")))
    vx, vy = net.harmonic(uu), net.harmonic(ww)
    sxy, syx = net.hall_response(vx, vy), net.hall_response(vy, vx)
    bilinear = sum(ww[e] * s1[a, b] * uu[f] for a, e in enumerate(net.electrodes) for b, f in enumerate(net.electrodes))
    ok_sigma = is_zero(sp.cancel(sxy + syx)) and is_zero(sp.cancel(sxy + bilinear))
    ok = ok_exact and ok_first and ok_anti and ok_sigma
    return _result("flux_hall_reciprocity", "Onsager-Casimir, Hall", ok,
                   f"exact S(h)^T = S(-h): {ok_exact}; first order = chi^T H chi: {ok_first}; antisymmetric: {ok_anti}; "
                   f"sum_b e_b[V^x] I_b[V^y] = -sum_b e_b[V^y] I_b[V^x] = -W^T S1 U: {ok_sigma}")


@cached_check
def check_flux_onsager_casimir():
    """Per triad (all orders): (K/Q)_jki(B) = (K/Q)_ikj(−B), (Λ/Q)_jki = −4(Γ/Q)_ikj(−B),
    (M/Q)^{νμ}_jki(B) = (M/Q)^{μν}_ikj(−B); with Q_jki n_i = Q_ikj n_j these are L(B)ᵀ = εL(−B)ε.
    Triangle: f_SGE(B) = f_CISP(−B) for s_y (even) and s_x (odd) at the orders kept."""
    from .flux_network import triad_family
    from .flux_triangle import SN, solve_triangle_flux
    fam = triad_family()
    ph = [s for s in set().union(*(e.free_symbols for e in fam["i", "k", "j"].as_list())) if s.name.startswith("phi_")]
    rev = {s: -s for s in ph}
    a, b = fam["j", "k", "i"], fam["i", "k", "j"]
    ok_k = is_zero(a.K - b.K.subs(rev))
    ok_l = all_zero(a.Lambda[m] + 4 * b.Gamma[m].subs(rev) for m in range(3))
    ok_m = all_zero(a.M[nu, mu] - b.M[mu, nu].subs(rev) for mu in range(3) for nu in range(3))
    tri = solve_triangle_flux()
    flip = {SN: -SN}
    ok_tri = (is_zero(sp.cancel(tri.f_sge_direct - tri.f_dr.subs(flip)))
              and is_zero(sp.cancel(tri.f_sge_prec - tri.f_diff.subs(flip)))
              and is_zero(sp.cancel(tri.f_sge_x - tri.f_x.subs(flip))) and not is_zero(tri.f_x))
    ok = ok_k and ok_l and ok_m and ok_tri
    return _result("flux_onsager_casimir", "(S39) with flux", ok,
                   f"charge block: {ok_k}; charge-spin: {ok_l}; spin-spin: {ok_m}; triangle SGE(B) = CISP(-B) for the "
                   f"drift, diffusion and odd s_x parts: {ok_tri}")


@cached_check
def check_flux_triangle():
    """The triangle in a flux: V3, I_total, P_i, f_dr, f_diff, f_x; Φ → 0 gives (S46); τ_s limits."""
    from .flux_triangle import CS, E, SN, solve_triangle_flux, triangle_flux_closed_forms
    from .triangle import a as side
    from .triangle import tau_s
    tri = solve_triangle_flux()
    cf = triangle_flux_closed_forms()
    same = lambda x, y: is_zero(sp.cancel(x - y))  # noqa: E731
    ok_charge = (same(tri.potentials[3], cf["V3"]) and same(tri.total_current, cf["I_total"])
                 and all(same(tri.hall_injection[i], cf["P"][i]) for i in (1, 2, 3)))
    ok_closed = all(same(getattr(tri, k), cf[k]) for k in ("f_dr", "f_diff", "f_x"))
    zero = {SN: 0, CS: 1}
    s46_dr = sp.sqrt(3) * side**4 / (32 * E)                      # (S46) with E = e^a
    ok_s46 = (same(tri.f_dr.subs(zero), s46_dr) and same(tri.f_diff.subs(zero), -s46_dr * tau_s / (tau_s + E**2 / 3))
              and is_zero(tri.f_x.subs(zero)))
    total = tri.f_dr + tri.f_diff
    ok_limits = (is_zero(sp.limit(total, tau_s, sp.oo)) and is_zero(sp.limit(tri.f_x, tau_s, sp.oo))
                 and is_zero(tri.f_diff.subs(tau_s, 0)))
    ok = ok_charge and ok_closed and ok_s46 and ok_limits
    return _result("flux_triangle", "(S46) in a flux", ok,
                   f"V3, I_total, P_i closed forms: {ok_charge}; f_dr, f_diff, f_x closed forms: {ok_closed}; "
                   f"Phi -> 0 gives (S46): {ok_s46}; tau_s -> oo: f_dr + f_diff -> 0 and f_x -> 0, f_diff(tau_s = 0) = 0 "
                   f"for every Phi: {ok_limits}", **{k: cf[k] for k in ("f_dr", "f_diff", "f_x")})


FLUX_CHECKS = (
    ("flux_peierls", check_flux_peierls),
    ("flux_zero_field", check_flux_zero_field),
    ("flux_rule_and_parity", check_flux_rule_and_parity),
    ("flux_gauge", check_flux_gauge),
    ("flux_identities", check_flux_identities),
    ("flux_orders", check_flux_orders),
    ("flux_equilibrium", check_flux_equilibrium),
    ("flux_linear_response", check_flux_linear_response),
    ("flux_hall_reciprocity", check_flux_hall_reciprocity),
    ("flux_onsager_casimir", check_flux_onsager_casimir),
    ("flux_triangle", check_flux_triangle),
)
