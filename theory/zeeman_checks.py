"""Checks of the Zeeman-field theory (``hopspin verify``): items 1–9 of ``derivations/d10_zeeman.py``.

The physics lives in :mod:`theory.zeeman` (networks, steady state, responses) and
:mod:`theory.zeeman_triangle` (the equilateral triangle in a field); this module only checks it.
"""

from __future__ import annotations

import math
import random

import sympy as sp

from .check_result import CheckResult, cached_check
from .simplify import all_zero, is_zero
from .triangle import a as SIDE
from .triangle import s46_closed_form
from .zeeman import (HBAR, _rat, _split, _stack, _vec, bloch_inverse, bloch_probe_response, cisp_in_field,
                     cross_matrix, diffusion_generation, diffusion_spin_current, dipole, drift_precession_estimate,
                     equilibrium_spin, field_operator, generic_network, hanle_factor_z, kkm, large_field_terms,
                     larmor_vector, onsager_casimir_sge, polynomial_inverse, precession_source, random_network,
                     separated_spin_decomposed, separated_spin_direct, unit_vector, von_neumann_spin_rate)
from .zeeman_triangle import (EPS, F_DR, G, OMEGA, _TR_B2_BXY, triangle_closed_form, triangle_in_field,
                              triangle_in_field_numeric, triangle_ingredients, triangle_response, triangle_sge)

__all__ = ["check_larmor_sign", "check_field_decomposition", "check_spin_current_kkm", "check_growth_axis_field",
           "check_large_field", "check_onsager_casimir", "check_triangle_in_field", "check_triangle_onsager",
           "ZEEMAN_CHECKS"]

def _zero(obj) -> bool:
    """Rational-function zero test: ``cancel`` of every entry (faster than ``simplify`` here)."""
    items = obj if isinstance(obj, (list, tuple, sp.MatrixBase)) else [obj]
    return all((_zero(x) if isinstance(x, sp.MatrixBase) else sp.cancel(sp.together(x)) == 0) for x in items)


def _result(name: str, equation: str, ok: bool, detail: str) -> CheckResult:
    return CheckResult(name, equation, bool(ok), detail=detail)


def _free_field(name: str, n: int = 3) -> list:
    return [sp.Matrix(sp.symbols(f"{name}{i}_x {name}{i}_y {name}{i}_z", real=True)) for i in range(n)]


def _rational_case(seed: int):
    """Random rational 3-site network, ε, ω = |ω| b̂ with rational |ω|, zero-sum γ, ĉ, β."""
    rng = random.Random(1000 + seed)
    net = random_network(seed)
    w, bhat = sp.Rational(rng.randint(1, 9), rng.randint(1, 5)), unit_vector(_rat(rng), _rat(rng))
    g0, g1 = _rat(rng), _rat(rng)
    return dict(net=net, eps=sp.Rational(rng.randint(1, 9), rng.randint(1, 9)), w=w, bhat=bhat, omega=w * bhat,
                gamma=[g0, g1, -g0 - g1], c=sp.Matrix([_rat(rng) for _ in range(3)]),
                beta=sp.Matrix(3, 2, [_rat(rng) for _ in range(6)]))


@cached_check
def check_larmor_sign() -> CheckResult:
    """Item 1: Ṡ = Ω_L × S from the von Neumann equation; s0 = −ħΩ_L/(4k_BT) ∥ Ω_L; the dropped s0 term."""
    h, spin = sp.symbols("h_x h_y h_z", real=True), sp.symbols("S_x S_y S_z", real=True)
    kt, n = sp.Symbol("k_BT", positive=True), sp.Symbol("n", positive=True)
    ok_rate = all_zero(von_neumann_spin_rate(h, spin, n) - _vec(h).cross(_vec(spin)))
    ok_eq = all_zero(equilibrium_spin(h, kt) + _vec(h) / (4 * kt))
    om = larmor_vector(sp.symbols("B_x B_y B_z", real=True))
    ok_par = all_zero(om.cross(-HBAR * om / (4 * kt)))
    # Σ_i Σ_j S_j × Ω_ij with S_j = n_j s0 and arbitrary rates 1/τ_ij equals −2(β Σ_pairs R_ij I_ij) × s0
    net, beta, s0 = generic_network(), sp.Matrix(3, 2, sp.symbols("b0:6", real=True)), sp.Matrix(sp.symbols("s_x s_y s_z"))
    occ = sp.symbols("n0:3", positive=True)
    rate = {(i, j): sp.Symbol(f"r{i}{j}", positive=True) for i in range(3) for j in range(3) if i != j}
    total = sum(((occ[j] * s0).cross(2 * rate[i, j] * beta * net.r(i, j)) for (i, j) in rate), sp.zeros(3, 1))
    flux = sum(((occ[j] * rate[i, j] - occ[i] * rate[j, i]) * net.r(i, j) for (i, j) in rate if i < j), sp.zeros(2, 1))
    ok_sum = all_zero(total + 2 * (beta * flux).cross(s0))
    # the ratio of the dropped generation to the β³ drift generation of Eq. (13), E and ρ cancel
    m, hb, e, ab, j0, t0, rho, ns, nn, bb, f, ez, s0m = sp.symbols(
        "m hbar e a_b J0 tau0 rho n_s n beta f E s0", positive=True)
    p_printed = (m * ab / hb**2) ** 3 * hb * ns * ab / (e * nn * j0 * t0 * rho)
    ratio = (2 * m / hb**2 * bb * ez / (rho * e * nn) * s0m) / (2 * bb**2 * bb * p_printed * f * ez)
    compact = s0m * (j0 * t0 / hb) / ((m * bb * ab / hb**2) ** 2 * ns * ab**2 * f)
    ok_ratio = is_zero(sp.simplify(ratio - compact))
    # strong field: s0 + δs → −κ(Ω_L + Ω_dr,⊥), thermal equilibrium in the total field (sign check)
    w, p, q, eps, kap = sp.Symbol("w", positive=True), *sp.symbols("p q", real=True), *sp.symbols("epsilon kappa", positive=True)
    b, odr = unit_vector(p, q), sp.Matrix(sp.symbols("o_x o_y o_z", real=True))
    d_s = bloch_inverse(eps, w * b) * odr.cross(-kap * w * b)
    lim = d_s.applyfunc(lambda x: sp.limit(sp.cancel(x), w, sp.oo))
    ok_total = all_zero(lim + kap * (odr - b * b.dot(odr)))
    est = [drift_precession_estimate(bf) for bf in (2.58e-4, 1e-2)]
    ok = ok_rate and ok_eq and ok_par and ok_sum and ok_ratio and ok_total
    return _result("zeeman_larmor_sign", "(5b) + Larmor", ok, detail=(
        f"dS/dt = Omega_L x S: {ok_rate}; s0 = -h/(4k_BT): {ok_eq}; s0 || Omega_L: {ok_par}; dropped term "
        f"2(beta sum R I) x s0: {ok_sum}; ratio formula: {ok_ratio}; strong-field equilibrium in Omega_L + Omega_dr: "
        f"{ok_total}; dropped/beta^3 generation = {est[0]['generation_ratio']:.1f} (0.258 mT), "
        f"{est[1]['generation_ratio']:.0f} (10 mT)"))


@cached_check
def check_field_decomposition() -> CheckResult:
    """Items 2–3: the closed (ε − ω×)⁻¹, the polynomial 9×9 inverse, the complex-shift decomposition, Σ S̃ = 0."""
    eps, w, a = sp.symbols("epsilon w a", positive=True)
    omv = sp.Matrix(sp.symbols("omega_x omega_y omega_z", real=True))
    ok_bloch = _zero((eps * sp.eye(3) - cross_matrix(omv)) * bloch_inverse(eps, omv) - sp.eye(3))
    b = unit_vector(*sp.symbols("p q", real=True))
    bb = b * b.T
    spectral = (bb / a + (sp.eye(3) - bb) * a / (a**2 + w**2) + cross_matrix(b) * w / (a**2 + w**2))
    complex_form = ((1 / (a - sp.I * w) + 1 / (a + sp.I * w)) / 2, (1 / (a - sp.I * w) - 1 / (a + sp.I * w)) / (2 * sp.I))
    ok_spec = _zero(spectral * (a * sp.eye(3) - w * cross_matrix(b)) - sp.eye(3)) and \
        _zero(complex_form[0] - a / (a**2 + w**2)) and _zero(complex_form[1] - w / (a**2 + w**2))
    net = generic_network()
    lap = net.laplacian()
    y, nmat = polynomial_inverse(lap, eps, omv)
    ok_poly = all_zero(field_operator(lap, eps, omv) * y - sp.kronecker_product(nmat, sp.eye(3)))
    free = _free_field("S")
    sums = _split(field_operator(lap, eps, omv) * _stack(free))
    ok_sum = all_zero(sum(sums, sp.zeros(3, 1)) - (eps * sp.eye(3) - cross_matrix(omv)) * sum(free, sp.zeros(3, 1)))
    ok_det = is_zero((eps * sp.eye(3) - cross_matrix(omv)).det() - eps * (eps**2 + omv.dot(omv)))
    ok_num = True
    for seed in (1, 2):
        cs = _rational_case(seed)
        lapn = cs["net"].laplacian()
        direct = separated_spin_direct(lapn, cs["eps"], cs["omega"], cs["gamma"], cs["c"])
        split = separated_spin_decomposed(lapn, cs["eps"], cs["omega"], cs["gamma"], cs["c"], cs["w"])
        ok_num &= _zero([sp.expand(direct[i] - split[i]) for i in range(3)]) and _zero(sum(direct, sp.zeros(3, 1)))
    ok = ok_bloch and ok_spec and ok_poly and ok_sum and ok_det and ok_num
    return _result("zeeman_field_decomposition", "items 2-3", ok, detail=(
        f"(eps - w x)^-1 closed form: {ok_bloch}; decomposition as spectral identity (any symmetric L): {ok_spec}; "
        f"M Y = N (x) 1 on the symbolic 3-site network: {ok_poly}; sum_i of the equations = (eps - w x) sum S: {ok_sum}, "
        f"det = eps(eps^2 + w^2): {ok_det}; complex-shift decomposition = direct 9x9 solve, sum S = 0 (exact, 2 rational "
        f"networks): {ok_num}"))


@cached_check
def check_spin_current_kkm() -> CheckResult:
    """Item 4: J = εD − ω×D, s_diff(B) = KKM(J^diff), the zero-field code forms, and s_dr = KKM(J^dr) per triad."""
    from . import coefficients as co
    eps = sp.Symbol("epsilon", positive=True)
    omv = sp.Matrix(sp.symbols("omega_x omega_y omega_z", real=True))
    net, free = generic_network(), _free_field("S")
    gam, cv = sp.symbols("gamma0:3", real=True), sp.Matrix(sp.symbols("c_x c_y c_z", real=True))
    beta = sp.Matrix(3, 2, sp.symbols("b0:6", real=True))
    resid = _split(field_operator(net.laplacian(), eps, omv) * _stack(free) - _stack([gam[i] * cv for i in range(3)]))
    big_d = dipole(net, free)
    j_tot = dipole(net, [gam[i] * cv for i in range(3)]) + diffusion_spin_current(net, free)
    ok_12 = all_zero(j_tot - (eps * big_d - cross_matrix(omv) * big_d) + dipole(net, resid))
    g_sym = {**net.g, **{(b, a): g for (a, b), g in net.g.items()}}
    double_sum = sum((2 * g * (beta * net.r(i, j)).cross(free[j]) for (i, j), g in g_sym.items()), sp.zeros(3, 1))
    ok_kkm = all_zero(diffusion_generation(net, beta, free) - kkm(beta, diffusion_spin_current(net, free))) and \
        all_zero(diffusion_generation(net, beta, free) - double_sum)
    lc = sp.LeviCivita
    jm = sp.Matrix(3, 2, sp.symbols("J0:6"))
    index_form = sp.Matrix([2 * sum(lc(lam, al, mu) * beta[al, nu] * jm[mu, nu] for al in range(3) for mu in range(3)
                                    for nu in range(2)) for lam in range(3)])
    ok_index = all_zero(index_form - kkm(beta, jm))
    sc = sp.symbols("T0:3", real=True)                       # S̃ = S̃_c ĉ: the zero-field code forms
    code_form = sum((2 * (beta * net.r(a, b)).cross(cv) * g * (sc[b] - sc[a]) for (a, b), g in net.g.items()), sp.zeros(3, 1))
    jv = sp.Matrix(sp.symbols("j_x j_y", real=True))
    ok_code = all_zero(diffusion_generation(net, beta, [sc[i] * cv for i in range(3)]) - code_form) and \
        all_zero(kkm(beta, cv * jv.T) - (beta * (2 * jv)).cross(cv))
    # drift: per triangle with βR_0 = 0, βR_1 = p, βR_2 = q, weights I_kj τ_kj Q = (V_j − V_k) Q (exponential model)
    p, q = sp.Matrix(sp.symbols("p_x p_y p_z", real=True)), sp.Matrix(sp.symbols("q_x q_y q_z", real=True))
    br, volt = [sp.zeros(3, 1), p, q], sp.symbols("V0:3", real=True)
    drift, src, kk = sp.zeros(3, 1), sp.zeros(3, 1), sp.zeros(3, 1)
    for i, k, j in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):          # generating site i, the pair (k, j) once
        parts = co.loop_coefficients_by_order(tuple(br[i] - br[j]), tuple(br[j] - br[k]), tuple(br[k] - br[i]), 3)
        wgt = volt[j] - volt[k]
        drift += wgt * sp.Matrix(parts[3].Gamma)
        src += wgt * sp.Matrix(parts[2].Gamma)
        kk += 2 * br[i].cross(wgt * sp.Matrix(parts[2].Gamma))
    ok_drift = all_zero(src) and all_zero(drift - kk)
    ok_num = True
    for seed in (3,):
        cs = _rational_case(seed)
        s_t = separated_spin_direct(cs["net"].laplacian(), cs["eps"], cs["omega"], cs["gamma"], cs["c"])
        jj = dipole(cs["net"], [g * cs["c"] for g in cs["gamma"]]) + diffusion_spin_current(cs["net"], s_t)
        dd = dipole(cs["net"], s_t)
        ok_num &= all_zero(jj - cs["eps"] * dd + cross_matrix(cs["omega"]) * dd)
    ok = ok_12 and ok_kkm and ok_index and ok_code and ok_drift and ok_num
    return _result("zeeman_spin_current_kkm", "(10)-(12) in a field", ok, detail=(
        f"J^dr + J^diff = eps D - w x D + sum_i R_i (x) residual_i (any S): {ok_12}; s_diff = sum_ij Omega_ij x S_j = KKM(J^diff) "
        f"= 2 sum_nu (beta e_nu) x (J e_nu) (generic beta): {ok_kkm}; index form 2 eps_lam,al,mu beta_al,nu J_mu,nu: "
        f"{ok_index}; zero-field code forms: {ok_code}; per triad sum source = 0 and s_dr = KKM(J^dr): {ok_drift}; "
        f"exact network: {ok_num}"))


@cached_check
def check_growth_axis_field() -> CheckResult:
    """Item 5: ω ∥ z and ĉ ∥ z: S̃ unchanged, R in-plane, s_x + i s_y multiplied by ε(ε + iω_z)/(ε² + ω_z²)."""
    eps, wz = sp.Symbol("epsilon", positive=True), sp.Symbol("omega_z", real=True)
    omv, zhat = sp.Matrix([0, 0, wz]), sp.Matrix([0, 0, 1])
    net = generic_network()
    lap, t = net.laplacian(), sp.Matrix(sp.symbols("T0:3", real=True))
    lhs = field_operator(lap, eps, omv) * _stack([t[i] * zhat for i in range(3)])
    ok_same = all_zero(lhs - _stack([((lap + eps * sp.eye(3)) * t)[i] * zhat for i in range(3)]))
    bxy, byx = sp.symbols("beta_xy beta_yx", real=True)
    beta = sp.Matrix([[0, bxy], [byx, 0], [0, 0]])
    ok_plane = is_zero(kkm(beta, zhat * sp.Matrix([sp.symbols("j_x j_y")]))[2])
    rx, ry = sp.symbols("R_x R_y", real=True)
    s = cisp_in_field(eps, omv, (rx, ry, 0))
    ok_hanle = is_zero(sp.simplify(s[0] + sp.I * s[1] - hanle_factor_z(eps, wz) * (rx + sp.I * ry))) and is_zero(s[2])
    ok = ok_same and ok_plane and ok_hanle
    return _result("zeeman_growth_axis", "item 5", ok, detail=(
        f"(L + eps - w x)(T z) = ((L + eps)T) z for w || z: {ok_same}; KKM of z-spin current in-plane for [001]: "
        f"{ok_plane}; s_x + i s_y = eps(eps + i w_z)/(eps^2 + w_z^2) (R_x + i R_y), s_z = 0: {ok_hanle}"))


def _lim0(expr, t):
    return sp.cancel(sp.together(expr)).subs(t, 0)


def _solve_over(symbol, lap, eps, omega, gamma, c) -> list:
    """Direct 3N×3N solve over the rational functions ℚ(symbol) (DomainMatrix: fast and exact)."""
    from sympy.polys.matrices import DomainMatrix
    dom = sp.QQ.frac_field(symbol)
    rhs = _stack([gamma[i] * _vec(c) for i in range(lap.shape[0])])
    mat = DomainMatrix.from_Matrix(field_operator(lap, eps, omega)).convert_to(dom)
    return _split(mat.lu_solve(DomainMatrix.from_Matrix(rhs).convert_to(dom)).to_Matrix())


@cached_check
def check_large_field() -> CheckResult:
    """Item 6: |ω| → ∞ (s → b̂(b̂·s_dr) + s_1/|ω|) and ε → 0 at fixed ω (s → b̂(b̂·R(B, 0)), R finite)."""
    cs = _rational_case(5)
    net, b, cv, gam, beta, eps = cs["net"], cs["bhat"], cs["c"], cs["gamma"], cs["beta"], cs["eps"]
    lap, t = net.laplacian(), sp.Symbol("t", positive=True)          # t = 1/|ω|
    s_dr = kkm(beta, dipole(net, [g * cv for g in gam]))               # consistent with the triads (item 4)
    s_t = _solve_over(t, lap, eps, b / t, gam, cv)
    par = [cv.dot(b) * b * x for x in (lap + eps * sp.eye(3)).LUsolve(sp.Matrix(gam))]
    ok_perp = all(_zero(_lim0(s_t[i] - par[i], t)) and _zero(_lim0((s_t[i] - par[i]) / t, t) - b.cross(cv) * gam[i])
                  for i in range(3))
    s = cisp_in_field(eps, b / t, s_dr + diffusion_generation(net, beta, s_t))
    s_inf, s_1 = large_field_terms(net, beta, eps, b, gam, cv, s_dr)
    s_diff_inf = diffusion_generation(net, beta, par)
    ok_inf = _zero(_lim0(s, t) - s_inf) and _zero(_lim0((s - s_inf) / t, t) - s_1) and _zero(b.dot(s_diff_inf))
    e = sp.Symbol("e", positive=True)                                    # ε → 0 at fixed ω
    r_e = s_dr + diffusion_generation(net, beta, _solve_over(e, lap, e, cs["omega"], gam, cv))
    r0 = r_e.applyfunc(lambda x: _lim0(x, e))
    s_lim = cisp_in_field(e, cs["omega"], r_e).applyfunc(lambda x: _lim0(x, e))
    r_zero_field = s_dr + diffusion_generation(net, beta, _solve_over(e, lap, e, sp.zeros(3, 1), gam, cv))
    ok_eps = _zero(s_lim - b * b.dot(r0)) and not _zero(r0) and _zero(r_zero_field.applyfunc(lambda x: _lim0(x, e)))
    ok = ok_perp and ok_inf and ok_eps
    return _result("zeeman_large_field", "item 6", ok, detail=(
        f"S_perp = (b x c) gamma/|w| + O(|w|^-2): {ok_perp}; s -> b(b.s_dr) + s_1/|w|, b.s_diff(inf) = 0: {ok_inf}; "
        f"eps -> 0: s -> b(b.R(B,0)) with R(B,0) finite and non-zero while R(0, eps->0) = 0: {ok_eps} (exact network)"))


@cached_check
def check_onsager_casimir() -> CheckResult:
    """Item 7: the Bloch/Onsager–Casimir chain, ((𝓛+ε−ω×)⁻¹)ᵀ = (𝓛+ε+ω×)⁻¹ and K_Ωᵀ = P_Ω."""
    residual, d_s, d_om, sym = bloch_probe_response()
    d_sp = sp.Matrix(sp.symbols("dsp_x dsp_y dsp_z"))
    d_seq = -sym["kappa"] * d_om
    claim = ((1 / sym["tau_s"] - sp.I * sym["nu"]) * sp.eye(3) - cross_matrix(sym["omega0"])) * d_sp - sp.I * sym["nu"] * d_seq
    ok_bloch = all_zero(residual.subs(dict(zip(d_s, d_seq + d_sp))) - claim)
    derived, expected, s2 = onsager_casimir_sge()
    static = 4 * s2["k_bt"] * s2["n"] * s2["cisp_rev"].T * (sp.eye(3) / s2["tau_s"] - cross_matrix(s2["omega0"]))
    zero_b = {o: 0 for o in s2["omega0"]}
    ok_chain = all_zero(derived - expected) and all_zero(expected.subs(s2["nu"], 0) - static) and \
        all_zero(static.subs(zero_b) - 4 * s2["k_bt"] * s2["n"] / s2["tau_s"] * s2["cisp_rev"].T)
    eps = sp.Symbol("epsilon", positive=True)
    omv = sp.Matrix(sp.symbols("omega_x omega_y omega_z", real=True))
    net = generic_network()
    lap = net.laplacian()
    y_p, n_p = polynomial_inverse(lap, eps, omv)
    y_m, _ = polynomial_inverse(lap, eps, -omv)
    a_mat = lap + eps * sp.eye(3)          # N and the blocks of Y are polynomials in A: [N ⊗ 1, Y] = 0
    ok_t = all_zero(y_p.T - y_m) and all_zero(n_p - n_p.T) and all_zero(n_p * a_mat - a_mat * n_p)
    beta, free = sp.Matrix(3, 2, sp.symbols("b0:6", real=True)), _free_field("S")
    s_u = sp.Matrix(sp.symbols("s_x s_y s_z", real=True))
    sig = precession_source(net, beta, s_u)
    ok_adj = is_zero(s_u.dot(diffusion_generation(net, beta, free)) - sum(free[i].dot(sig[i]) for i in range(3)))
    cs = _rational_case(7)
    lapn = cs["net"].laplacian()
    ok_num = all_zero(field_operator(lapn, cs["eps"], cs["omega"]).inv().T - field_operator(lapn, cs["eps"], -cs["omega"]).inv())
    ok = ok_bloch and ok_chain and ok_t and ok_adj and ok_num
    return _result("zeeman_onsager_casimir", "(S31)-(S39) in a field", ok, detail=(
        f"(1/tau_s - Omega0 x - i nu) ds' = i nu ds_eq from the linearised Bloch equation: {ok_bloch}; with "
        f"sigma_b(B) = sigma_a(-B)^T: sigma_SGE(B) = 4k_BT n sigma_CISP(-B)^T (1/tau_s - Omega_L x) (-> (S39) at B = 0): "
        f"{ok_chain}; Y(w)^T = Y(-w), N symmetric, [N, A] = 0, so with M_B Y = N (x) 1 (any w): (M_B^-1)^T = M_-B^-1: "
        f"{ok_t}; precession adjoint "
        f"s.K_Omega(S) = <S, P_Omega s>: {ok_adj}; exact inverse transpose on a rational network: {ok_num}"))




@cached_check
def check_triangle_in_field() -> CheckResult:
    """Item 8: construction = closed form, (S46) at ω = 0, items 5–6 on the triangle, Eq. (12)/(10), numerics."""
    res = triangle_response()
    ing = triangle_ingredients()
    lhs = field_operator(ing["net"].laplacian(), EPS, OMEGA) * sp.Matrix.vstack(*res["spins"])
    ok_solve = _zero(lhs - sp.Matrix.vstack(*ing["source"]))
    big_f, f_diff = s46_closed_form(SIDE, 1 / EPS)
    gen_c, f_c = triangle_closed_form(EPS, OMEGA, g=G, f_dr=big_f)
    ok_form = _zero(res["R"] / _TR_B2_BXY - gen_c)          # f = ε(ε − ω×)⁻¹R on both sides (cisp_in_field)
    zero_b = {w: 0 for w in OMEGA}
    ok_s46 = _zero((f_c.subs(zero_b) - sp.Matrix([0, big_f + f_diff, 0])).subs(G, sp.exp(-2 * SIDE)))
    wz = OMEGA[2]
    f_z = f_c.subs({OMEGA[0]: 0, OMEGA[1]: 0})
    ok_z = _zero(f_z[0] + sp.I * f_z[1] - EPS * (EPS + sp.I * wz) / (EPS**2 + wz**2) * sp.I * f_c.subs(zero_b)[1])
    lam, w = 3 * G + EPS, sp.Symbol("w", positive=True)
    f_x = f_c.subs({OMEGA[0]: w, OMEGA[1]: 0, OMEGA[2]: 0})
    f_y = f_c.subs({OMEGA[0]: 0, OMEGA[1]: w, OMEGA[2]: 0})
    ok_axes = _zero(f_x - EPS * big_f * sp.Matrix([0, lam, w]) / (lam**2 + w**2)) and \
        _zero(f_y - big_f * sp.Matrix([0, (lam * EPS + w**2) / (lam**2 + w**2), 0]))
    bdir, tt = sp.Matrix([1, 2, 2]) / 3, sp.Symbol("t", positive=True)
    f_sym = triangle_closed_form(EPS, bdir / tt, g=G, f_dr=F_DR)[1]
    ok_big = _zero(f_sym.applyfunc(lambda x: sp.cancel(x).subs(tt, 0)) - bdir * bdir.dot(sp.Matrix([0, F_DR, 0])))
    beta = ing["beta"]
    jj, dd = res["J"], res["D"]
    ok_kkm = _zero(res["R"] - kkm(beta, jj) / 2) and _zero(jj - EPS * dd + cross_matrix(OMEGA) * dd)
    she = -big_f * (EPS * sp.eye(3) - cross_matrix(OMEGA)) * bloch_inverse(lam, OMEGA) * sp.Matrix([0, 0, 1])
    ok_she = _zero(jj / _TR_B2_BXY - she * sp.Matrix([[0, 1]]))
    exact = triangle_in_field(sp.Rational(5, 2), sp.Rational(40), (sp.Rational(1, 30), -sp.Rational(1, 50), sp.Rational(1, 20)))
    num = triangle_in_field_numeric(2.5, 40.0, (1 / 30, -1 / 50, 1 / 20))
    inf_exact = triangle_in_field(sp.Rational(5, 2), sp.oo, (sp.Rational(1, 30), -sp.Rational(1, 50), sp.Rational(1, 20)))
    inf_num = triangle_in_field_numeric(2.5, math.inf, (1 / 30, -1 / 50, 1 / 20))
    ok_num = all(abs(float(exact[m]) - num[m]) < 1e-12 * (1 + abs(num[m])) for m in range(3)) and \
        all(abs(float(inf_exact[m]) - inf_num[m]) < 1e-12 for m in range(3)) and \
        abs(triangle_in_field_numeric(2.0, 1000.0, (0, 0, 0))[1] - float((big_f + f_diff).subs({SIDE: 2, EPS: sp.Rational(1, 1000)}))) < 1e-12
    ok = ok_solve and ok_form and ok_s46 and ok_z and ok_axes and ok_big and ok_kkm and ok_she and ok_num
    return _result("zeeman_triangle_in_field", "(S46) in a field", ok, detail=(
        f"9x9 steady state solved: {ok_solve}; R = F[y + 3g x x (lambda - w x)^-1 z], f = eps(eps - w x)^-1 R: {ok_form}; "
        f"(S46) at w = 0: {ok_s46}; w || z Hanle: {ok_z}; w || x: f = eps F (0, lambda, w)/(lambda^2 + w^2), w || y: "
        f"f_y = F(lambda eps + w^2)/(lambda^2 + w^2): {ok_axes}; |w| -> inf: f -> b(b.s_dr): {ok_big}; KKM and "
        f"J = eps D - w x D: {ok_kkm}; spin current -F(eps - w x)(lambda - w x)^-1 z (x) y: {ok_she}; numeric evaluator: {ok_num}"))


@cached_check
def check_triangle_onsager() -> CheckResult:
    """Item 7b on the triangle: SGE row (real Λ, precession in the field) = R(−B)ᵀ = f(−B)ᵀ(ε − ω×)/ε."""
    sge = triangle_sge()
    big_f = s46_closed_form(SIDE, 1)[0]
    rev = {w: -w for w in OMEGA}
    gen_c, f_c = triangle_closed_form(EPS, OMEGA, g=G, f_dr=big_f)
    gen_rev, f_rev = gen_c.subs(rev, simultaneous=True), f_c.subs(rev, simultaneous=True)
    ok_r = _zero(sge.T - gen_rev)
    ok_cisp = _zero(sge - f_rev.T * (EPS * sp.eye(3) - cross_matrix(OMEGA)) / EPS)
    zero_b = {w: 0 for w in OMEGA}
    ok_zero = _zero(sge.subs(zero_b) - f_c.subs(zero_b).T)
    ok_not_even = not _zero(sge.T - gen_c)
    ok = ok_r and ok_cisp and ok_zero and ok_not_even
    return _result("zeeman_triangle_onsager", "(S39) in a field, per sample", ok, detail=(
        f"SGE(B) = R(-B)^T: {ok_r}; = f(-B)^T (eps - w x)/eps: {ok_cisp}; = CISP^T at B = 0: {ok_zero}; "
        f"SGE(B) != R(B)^T (the reversal matters): {ok_not_even}"))


ZEEMAN_CHECKS = (
    ("zeeman_larmor_sign", check_larmor_sign),
    ("zeeman_field_decomposition", check_field_decomposition),
    ("zeeman_spin_current_kkm", check_spin_current_kkm),
    ("zeeman_growth_axis", check_growth_axis_field),
    ("zeeman_large_field", check_large_field),
    ("zeeman_onsager_casimir", check_onsager_casimir),
    ("zeeman_triangle_in_field", check_triangle_in_field),
    ("zeeman_triangle_onsager", check_triangle_onsager),
)
