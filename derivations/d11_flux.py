"""Aharonov–Bohm (Peierls) phases in the triads: kinetic coefficients, Hall sources, Onsager–Casimir.

A perpendicular field multiplies every hop by e^{iφ_ab}; each triad product of (S10) carries the
loop phase Φ_ikj = b A_ikj (electrons).  The steps re-derive the coefficients from the first line of
(S10) with the phase, identify which are even and odd in B, the new Holstein charge term K and the
spin–spin tensor M, check the zero-field identities, equilibrium and linear response, prove the
Hall reciprocity σ_xy = −σ_yx and the spin Onsager–Casimir relation, and solve the (S46) triangle
in the flux.  Every verified statement is computed by :mod:`theory.flux` (and its checks) while
this runs.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from theory import coefficients as co
from theory import flux as fx
from theory.flux_kernels import direct_triad_flux, flux_kernel_specs
from theory.flux_triangle import restore, triangle_flux_closed_forms
from theory.pauli import SIGMA, trace

from ._report import Report, Shown, all_zero, run_as_script

NAME = "flux"
TITLE = "Aharonov–Bohm phases in the triads: Hall effect and field-odd spin coefficients"
EQUATIONS = "(4), (5a), (5b), (7), (9), (S10)–(S27), (S39), (S46) in a perpendicular field"


def _check(rep: Report, text: str, fn, claim: str, *exprs):
    res = fn()
    rep.verify(text + f" [{res.detail}]", res.passed, claim, *exprs)
    return res


def _kernels_match() -> tuple[bool, float]:
    """Lambdified flux kernels against direct 2×2 traces with the phase at random points."""
    from theory.kernel_specs import U, V
    from theory.flux_kernels import R_IJ, R_IK, R_KJ
    args = (*U, *V, R_IJ, R_IK, R_KJ, fx.PHI)
    fns = {n: sp.lambdify(args, e, "numpy") for s in flux_kernel_specs() for n, e in s.outputs.items()}
    rng = np.random.default_rng(11)
    worst = 0.0
    for _ in range(4):
        ri, rj, rk = rng.uniform(-1.5, 1.5, (3, 2)) + 20.0
        beta, phi = rng.normal(size=(3, 2)), rng.uniform(-3, 3)
        dist = lambda a, b: float(np.linalg.norm(a - b))  # noqa: E731
        got = {n: f(*(beta @ (rj - ri)), *(beta @ (rk - ri)), dist(ri, rj), dist(ri, rk), dist(rk, rj), phi)
               for n, f in fns.items()}
        ref = direct_triad_flux(ri, rj, rk, beta, phi)
        scale = max(abs(v) for v in ref.values())
        worst = max(worst, max(abs(got[n] - ref[n]) for n in ref) / scale)
    return bool(worst < 1e-12), float(worst)


def derive() -> Report:
    """Derive and verify the flux extension.

    Returns
    -------
    Report
    """
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "Units m = ħ = a_b = τ0 = J0 = 1 (so η = ħ/(J0τ0) = 1 unless kept explicit); coefficients per Q_ikj "
        "of (S19) as in theory/coefficients.py. Ĵ_ab = J_ab e^{iφ_ab} Û_ab is the hop from b to a, "
        "φ_ab = (q/ħ)∫_b^a A·dl on the straight path; I_ab is the flow from b into a."))

    _check(rep, "Peierls phases. In the symmetric gauge A = (B/2)(−y, x), the line integrals give "
           "Φ_ikj = φ_ij + φ_jk + φ_ki = (q/ħ)∮_{i→k→j} A·dl = −(qB/ħ) A_ikj, with A_ikj = (R_ki × R_ij)/2 of Eq. (9) "
           "the oriented area of the loop i → j → k. For electrons Φ_ikj = +b A_ikj, b = eB_z a_b²/ħ (0.152 per "
           "tesla for a_b = 10 nm). The Landau gauge gives the same Φ; the phases differ by q(χ_a − χ_b).",
           fx.check_flux_peierls, "Φ_ikj = b A_ikj (electrons) in two gauges; φ_ba = −φ_ab",
           ("Phi_ikj", r"\Phi_{ikj}", fx.loop_phase()))

    u = [fx.real_quaternion(n) for n in "pqr"]
    rep.say("The first line of (S10) with the phases: ρ̇_i/Q = −6 Im(e^{iΦ} Û_ij ρ_j Û_jk Û_ki), Im A = (A − A†)/2i "
            "(S11), ρ_j = n_j/2 + σ·S_j, ṅ_i = Tr ρ̇_i, Ṡ_i = Tr(σρ̇_i)/2. The scalar phase commutes with every "
            "matrix, so each coefficient is −p Im(e^{iΦ} T) = Re[i e^{iΦ} p T] with the zero-field trace T. For Û in "
            "SU(2), T is purely imaginary for the spin vectors (Tr(σ·X), Tr(Û σ ÛÛ)) and real for Tr(X) and "
            "Tr(σ_μ Û σ_ν ÛÛ) (products of real quaternions). Hence Γ, Λ, G, W = cos Φ × (zero field) and two "
            "new coefficients K (charge from n_j) and M (spin from S_j) ∝ sin Φ:",
            Shown("K_ikj/Q = −3 sin Φ_ikj Tr(Û_ij Û_jk Û_ki)",
                  r"K_{ikj}/Q_{ikj} = -3\sin\Phi_{ikj}\,\mathrm{Tr}(\hat U_{ij}\hat U_{jk}\hat U_{ki})"),
            Shown("M^{μν}_ikj/Q = −3 sin Φ_ikj Tr(σ_μ Û_ij σ_ν Û_jk Û_ki)",
                  r"M^{\mu\nu}_{ikj}/Q_{ikj} = -3\sin\Phi_{ikj}\,\mathrm{Tr}(\sigma_\mu\hat U_{ij}\sigma_\nu"
                  r"\hat U_{jk}\hat U_{ki})"),
            Shown("Γ, Λ, G, W = cos Φ_ikj × (S16), (S15), (S17), (S18)",
                  r"\Gamma, \Lambda, G, W = \cos\Phi_{ikj} \times \text{(S16), (S15), (S17), (S18)}"))
    _check(rep, "The literal (S10) with e^{iΦ} equals this rule for three arbitrary SU(2) hops (real quaternions "
           "q0 − i q·σ, i.e. all orders in β for any β), and the parities follow.", fx.check_flux_rule_and_parity,
           "(S10) = rule; K, M odd and Γ, Λ, G, W even in Φ, exactly")
    _check(rep, "Zero-field limit: at Φ = 0 the −Im form equals the i·Tr form of (S15)–(S18) (\"i Tr(…)\" = −Im Tr(…) "
           "because the traces are imaginary), for a generic 3×2 β to all orders, and K = M = 0: there is no "
           "spin–spin or charge term of the first line at B = 0.", fx.check_flux_zero_field,
           "(S10) at Φ = 0 reproduces (S15)–(S18); K = M = 0")
    _check(rep, "Gauge invariance: with independent phases φ_ij, φ_jk, φ_ki every coefficient depends only on their "
           "sum, and φ_ab → φ_ab + χ_a − χ_b (site-diagonal ρ unchanged) changes nothing.", fx.check_flux_gauge,
           "only Φ enters; gauge invariant")
    rep.say("Answer to the expected 'field-odd parts of G, W, Λ': there are none. G, W, Λ, Γ are exactly cos Φ "
            "times their zero-field values (even in B, first correction −Φ²/2 at β² and β³). The field-odd physics "
            "of the first line lives in K (Holstein's three-site Hall term) and M (Hall transport and field-odd "
            "precession of spin).")

    _check(rep, "Lowest orders (generic β; c = (βê_x) × (βê_y), A = A_ikj, d_ij = βR_ij): K/Q = −6 sin Φ at β⁰, "
           "no β¹–β³ (and no β⁵) term, +12 A²|c|² sin Φ at β⁴ (Tr X = 2cos|θ|, θ = 2Ac); M/Q = −6 sin Φ δ_μν at β⁰ "
           "(spin carried by the Hall process, same as K/Q), −12 sin Φ [d_ij]_× at β¹ (antisymmetric: the Hall-"
           "transferred spin precesses about d_ij as in the hop j → i), −12 sin Φ ([d_ij]_ײ − A[c]_×) at β²; exactly "
           "M/Q = −6 sin Φ (x0 − [x]_×) R(Û_ij) with the loop X = x0 − i x·σ.", fx.check_flux_orders,
           "K and M by order and the exact closed form of M")
    loop = u[0] * u[1] * u[2]
    x = [sp.expand(sp.I * trace(s * loop) / 2) for s in SIGMA]
    zero = co.coefficients_from_hopping(*u)
    rep.verify("Orders of the effects (Φ ∝ B): Hall current β⁰Φ¹ (K); Hall spin transport β⁰Φ¹ and field-odd "
               "precession β¹Φ¹ (M); field-even corrections β²Φ², β³Φ² (cos Φ in Γ, Λ). The loop rotation x of "
               "X = Û_ij Û_jk Û_ki is Γ⁰/(3Q) exactly (used below).",
               all_zero(zero.Gamma[m] - 3 * x[m] for m in range(3)), "Γ⁰/Q = 3x for arbitrary SU(2) hops")

    _check(rep, "Identities with flux: (7) Λ = 4(W − G) survives (both sides ∝ cos Φ); (S14) survives (cos Φ_jki = "
           "cos Φ_kji, Q_jki = Q_kji); the new charge term conserves particles, K_jki + K_kji = 0; the spin–spin "
           "'outgoing' sum M_jki + M_kji vanishes at β⁰ (Hall transport conserves spin) but not at β¹ (precession).",
           fx.check_flux_identities, "(7), (S14), K_jki + K_kji = 0; M outgoing ≠ 0 beyond β⁰")
    _check(rep, "Equilibrium with (S21) and detailed balance (S22): all six Q_acb n_b of a triangle are equal, so "
           "P_i = K_ikj n_j + K_ijk n_k = 0 (no charge injection) and Υ_ikj = 0 ((S24) survives). The bond flow of "
           "the natural assignment (the Hall correction to the hop j → i minus that to i → j), F_ij = K_ikj n_j − "
           "K_jki n_i = 2K_ikj n_j, is the same on the three bonds: a persistent current circulating i → k → j, "
           "divergence-free. The rate equations fix only node injections, so this circulation depends on the "
           "assignment (pairing K_ikj with K_kij across (i, k) gives −K n); it never reaches an electrode.",
           fx.check_flux_equilibrium, "P = Υ = 0 and F_ij = F_jk = F_ki = 2K_ikj n_j ≠ 0")
    _check(rep, "Linear response (δn_j = n_j u_j, u = δμ/k_BT): the charge source of the triad at i is "
           "P_i = K_ikj n_j (u_j − u_k) = (K/Q)_ikj τ_kj Q_ikj I_kj — the analogue of (S27), driven by the Kirchhoff "
           "current I_kj of the opposite bond; across (i, j) the assignment above gives F_ij = K_ikj n_j (u_i + u_j) "
           "(a uniform u gives a pure circulation, P = 0); Υ_ikj = cos Φ (Γ⁰/Q) τ_kj Q I_kj.",
           fx.check_flux_linear_response, "P_i, F_ij and Υ_ikj in linear response")
    rep.say("Equal-energy exponential model (n_j = ν, Q = η e^{−(R_ij+R_jk+R_ki)}/8, ν = 1, u = V, I_kj = "
            "g_kj(V_j − V_k)): P_i = −3η Tr(X) sin Φ_ikj e^{R_kj−R_ik−R_ij}/8 · I_kj (≈ −(3/4)η sin Φ_ikj e^{…} I_kj), "
            "summed like (S42) over each unordered pair {j, k} for every third site i; as a bond EMF, "
            "e_ij = F_ij/g_ij = −(3/8)η Tr(X) sin Φ_ikj e^{R_ij−R_jk−R_ki}(V_i + V_j). η = ħ/(J0τ0) multiplies every "
            "field term against g (6.6×10⁻³ for the paper's J0 = 10 meV, τ0 = 10 ps).")
    _check(rep, "Hall reciprocity on a network (4 electrodes L, R, B, T and one inner site, all 10 bonds, symbolic "
           "g and triangle strengths h): the Hall operator H_ij = Σ_k K_ikj n_j is antisymmetric and odd in B, so the "
           "exact electrode response (Schur complement of L + H) obeys S(B)ᵀ = S(−B); its first order equals the "
           "reciprocity form χ^αᵀ H χ^β and Σ_b e_b[V^x] I_b[V^y] = −Σ_b e_b[V^y] I_b[V^x] for any electrode "
           "potentials: σ_xy = −σ_yx, σ_xy(B) = σ_yx(−B).", fx.check_flux_hall_reciprocity,
           "Onsager–Casimir for the Hall conductance, exact and first order")
    _check(rep, "Spin Onsager–Casimir: per triad and to all orders (K/Q)_jki(B) = (K/Q)_ikj(−B), (Λ/Q)_jki(B) = "
           "−4(Γ/Q)_ikj(−B), (M/Q)^{νμ}_jki(B) = (M/Q)^{μν}_ikj(−B); with Q_jki n_i = Q_ikj n_j the linear operator of "
           "(5a), (5b) in the forces (δn/n, 4S/n) obeys L(B)ᵀ = εL(−B)ε, ε = diag(1, −1) — hence σ_SGE(B) = "
           "(4k_BT n/τ_s) σ_CISP(−B)ᵀ for the first line of (S10) (no Zeeman term). On the triangle the SGE computed "
           "on its own route (Λ, precession, M, Hall short circuit) equals the CISP at −Φ, odd part included.",
           fx.check_flux_onsager_casimir, "σ_SGE(B) = (4k_BT n/τ_s) σ_CISP(−B)ᵀ on the triangle, exact in Φ")

    cf = triangle_flux_closed_forms()
    _check(rep, "The (S46) triangle in the flux Φ_t = b√3a²/4 (spin response to β³, exact in Φ): Hall strength "
           "h = K_321 ν = −(3/4)η e^{−3a} sin Φ_t; V3 = 1/2 + h/(2g) (a Hall voltage at the apex); I_total = 3g/2 + "
           "h²/(2g); f_dr = cos Φ_t f_dr(0)/(1 + 3η²e^{−2a} sin²Φ_t/16); f_diff and the field-odd s_x component "
           "f_x below; Φ → 0 gives (S46), and f_dr + f_diff → 0, f_x → 0 as τ_s → ∞ for every Φ.",
           fx.check_flux_triangle, "triangle closed forms and limits",
           ("f_dr", r"f_{\mathrm{dr}}", restore(sp.factor(cf["f_dr"]))), ("f_diff", r"f_{\mathrm{diff}}", restore(cf["f_diff"])),
           ("f_x", r"f_x", restore(cf["f_x"])))
    rep.say("Field-odd CISP: Γ is even, so the odd spin polarization comes from K (the Hall source shifts the "
            "potentials that drive Υ; on the triangle V3) and from M (Hall transport of S̃^z, β⁰, and its precession "
            "M^(1) into the plane, β¹): it appears at β³Φ¹ (and β²Φ¹ in S̃^z), with η. On the triangle s_x ∝ η sin Φ_t: "
            "f_x ≈ (3/128) a⁴ η (e^{2a} + 6τ_s)/(e^{2a} + 3τ_s)² Φ_t, while s_y is even.")

    ok, worst = _kernels_match()
    rep.verify("Kernels: flux_kernel_specs() gives (K/Q) w through β⁴ ('hall'), (M/Q) w through β² ('spin_hall_μν'), "
               "w = e^{R_kj−R_ik−R_ij}/8, in u = β(R_j − R_i), v = β(R_k − R_i) and Φ, and cos Φ × the zero-field kernels. "
               f"Lambdified, they equal direct 2×2 traces of the literal (S10) with the phase (Taylor parts by a DFT in a "
               f"scale of β) at random triads: largest relative difference {worst:.1e}.", ok, "kernels = direct traces to 1e-12")

    sl = fx.second_line_traces(*u)
    ok2 = (all_zero(sl["spin_from_nj"][m] + sp.sin(fx.PHI) * x[m] / 2 for m in range(3))
           and all_zero(sl["spin_from_ni"][m] - sp.sin(fx.PHI) * x[m] / 2 for m in range(3))
           and all_zero([sl["charge_from_nj"] + sp.cos(fx.PHI) * sp.expand(trace(loop) / 2)]))
    rep.verify("Not included — the second (principal-value) line of (S10), Re[ρ_i Re(VVV) − Vρ_jVV]/(E_n − E_l). In the "
               "field its spin parts are (x/2) sin Φ (n_i − n_j) = (Γ⁰/6Q) sin Φ (n_i − n_j) per J³/(E_n − E_l): zero at "
               "B = 0 (the paper's 'spin-independent hopping') but a field-odd spin source along ĉ at β²Φ¹ (and "
               "field-odd spin-dependent outgoing rates) in a field; its charge part is ∝ cos Φ (magnetoresistance, "
               "which also affects I_total at Φ² beside h²/2g). Its phonon factor is not given by the paper, so it is "
               "left out and flagged.", ok2, "second-line spin traces = ∓(x/2) sin Φ, charge = ∓x0 cos Φ")
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
