"""Energy disorder and temperature: the kinetic coefficients, CISP, SGE and f with site energies.

The paper's numerics put every site at the same energy; its kinetic equations do not need that.
In non-degenerate statistics (n ≪ n_s, n_i ∝ e^{−ε_i/k_BT}) with Miller–Abrahams hop times this
derivation gives, step by step and verified, everything the network code needs: the Kirchhoff
conductances and the percolation parameter, the triad weights of (S27) with energies (and the
kernel that evaluates them without overflow), the spin-diffusion problem as a shifted Laplacian
with a site-dependent ground conductance, (S42)–(S45), Eq. (12) and the KKM relation (10) with
energies, the Onsager relation (S39) microscopically, the triangle with three energies, and the
scaling g → g/g_c.  The symbolic machinery is :mod:`theory.energies`.
"""

from __future__ import annotations

from itertools import permutations

import sympy as sp

from theory import coefficients as co
from theory import energies as en
from theory import energies_checks as ec
from theory.codegen import render_energy_kernel
from theory.simplify import exp_rational_zero
from theory.checks import MODEL_001
from theory.pauli import IDENTITY, SIGMA, trace
from theory.triangle import a as SIDE

from ._report import Report, Shown, all_zero, is_zero, run_as_script

NAME = "energy_disorder"
TITLE = "Energy disorder and temperature in the kinetic coefficients: CISP, SGE and f with site energies"
EQUATIONS = "(5a), (5b), (6), (10), (12), (S9), (S14), (S21)–(S27), (S39), (S42)–(S46)"

zero = exp_rational_zero


def _general_model(names=("i", "j", "k")):
    """Any detailed-balance times τ_ab = t_ab z_a/z_b (t symmetric, z = e^{ε/2}), n = z^{−2}, J = e^{−R}."""
    pairs = [frozenset(p) for p in permutations(names, 2)]
    t = {p: sp.Symbol("t_" + "".join(sorted(p)), positive=True) for p in pairs}
    r = {p: sp.Symbol("R_" + "".join(sorted(p)), positive=True) for p in pairs}
    z = {s: sp.Symbol(f"z_{s}", positive=True) for s in names}
    tau = lambda a, b: t[frozenset((a, b))] * z[a] / z[b]  # noqa: E731
    jay = lambda a, b: sp.exp(-r[frozenset((a, b))])  # noqa: E731
    return tau, {s: z[s] ** -2 for s in names}, jay, (lambda a, b: r[frozenset((a, b))])


def _check(rep, text, fn, claim):
    result = fn()
    return rep.verify(text + " " + result.detail + ".", result.passed, claim)


def derive() -> Report:
    """Derive the energy-dependent kinetic coefficients and network formulas; verify each step."""
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "Units: lengths a_b, times τ0, J0 = m = ħ = 1, energies in k_BT (disorder X = W/k_BT). τ_ab is the hop "
        "from b to a, I_ab = n_b/τ_ab − n_a/τ_ba the flow from b into a. ε_i = E_b + U_i: in linear response the "
        "field term −eE·R_i only shifts the equilibrium occupations (the paper's S3B argument) and enters through "
        "the electrochemical potentials δμ_i = k_BT u_i, u = δn/n; its effect on τ and Γ is O(E²). "
        "Occupations n_i = ν̄ w_i, w_i = e^{−ε_i}, ν̄ = (n/n_s)/⟨w⟩ with ⟨·⟩ over all N sites."))
    tau, n, jay, dist = _general_model()

    # ------------------------------------------------------------------ 1. hop times
    rep.say("Model. (S22) requires τ_ab/τ_ba = e^{ε_ab}; its general solution is τ_ab = t_ab e^{ε_ab/2} with t_ab "
            "symmetric. We take Miller–Abrahams, 1/τ_ab = (1/τ0) e^{−2R_ab} m_ab with m_ab = min(1, e^{−(ε_a−ε_b)}) "
            "= e^{−(ε_a−ε_b)⁺}: downhill hops at the paper's rate, uphill hops activated; t_ab = e^{2R_ab + |ε_ab|/2}.",
            Shown("τ_ab = τ0 e^{2R_ab/a_b} e^{(ε_a − ε_b)⁺/k_BT}",
                  r"\tau_{ab} = \tau_0 e^{2R_{ab}/a_b} e^{(\varepsilon_a-\varepsilon_b)^+/k_BT}"))
    _check(rep, "Detailed balance, (S23) and (S9):", ec.check_detailed_balance,
           "MA satisfies (S22) exactly; I⁰_ab = e^{−2R − max(ε_a, ε_b)}; (S9) = MA × 1/(1 − e^{−|ε_ab|})")
    p = sp.Symbol("p", positive=True)
    b9 = 1 / (1 - sp.exp(-p))
    rep.verify("(S9) compared: 1/τ_ab ∝ J²γ²D(|ε_ab|)(N_{|ε_ab|} + Θ(ε_b − ε_a)) = MA × B(|ε_ab|) with the symmetric "
               "B = γ²D/(1 − e^{−|ε|}). For |ε_ab| ≫ k_BT, B → γ²D (MA up to the phonon density of states and "
               "coupling, which MA takes constant); at |ε_ab| → 0, B ≈ γ²D k_BT/|ε_ab| is finite only if γ²D ∝ |ε| "
               "(acoustic phonons), so the paper's equal-energy τ = τ0 e^{2R} is the MA idealisation. With (S9) "
               "instead, every formula below holds with m_ab → m_ab B_ab/B̄ (the derivations use only (S22)), but the "
               "third term of h is then not bounded by 1.",
               is_zero(sp.limit(b9, p, sp.oo) - 1) and is_zero(sp.limit(p * b9, p, 0) - 1),
               "B(|ε|)/γ²D → 1 for |ε| → ∞ and ~ k_BT/|ε| for |ε| → 0")

    # ------------------------------------------------------------------ 2. charge
    dn = {s: sp.Symbol(f"delta_n_{s}", real=True) for s in n}
    u = {s: dn[s] / n[s] for s in n}
    i_ij = (n["j"] + dn["j"]) / tau("i", "j") - (n["i"] + dn["i"]) / tau("j", "i")
    i0 = n["j"] / tau("i", "j")
    rep.verify("Charge, (S25)–(S26): with the hop times fixed (non-degenerate statistics), the bond flow is exactly "
               "I_ij = I⁰_ij (u_j − u_i), I⁰_ij = n_j/τ_ij = n_i/τ_ji (symmetric). With MA, I⁰_ij = ν̄ g_ij, "
               "g_ij = e^{−ξ_ij}, ξ_ij = 2R_ij/a_b + max(ε_i, ε_j)/k_BT — the percolation bond parameter, energies "
               "from a common reference (a shift by c multiplies every g and w by e^{−c}, last step). Kirchhoff "
               "conductance for δμ: I⁰/k_BT; the network solves with g and the dimensionless potential u.",
               zero(i_ij - i0 * (u["j"] - u["i"])) and zero(i0 - n["i"] / tau("j", "i")),
               "I_ij = I⁰_ij(u_j − u_i) exactly, I⁰_ij = I⁰_ji, for any detailed-balance τ",
               Shown("g_ij = exp[−2R_ij/a_b − max(ε_i, ε_j)/k_BT]",
                     r"g_{ij} = e^{-2R_{ij}/a_b - \max(\varepsilon_i,\varepsilon_j)/k_BT}"))

    # ------------------------------------------------------------------ 3. triads
    _check(rep, "(S27) with energies, re-derived from (S24)–(S26), (S21) and the MA times in every ordering of "
           "(ε_i, ε_j, ε_k):", ec.check_s27_energies, "Υ_ikj = I_kj τ_kj Γ_ikj holds with energies, exactly")
    strength = sum(sp.exp(dist(c, a) + dist(c, b) - dist(a, b)) * (n[a] / tau(c, a)) * (n[b] / tau(c, b)) / n[c]
                   for c, a, b in (("i", "j", "k"), ("j", "i", "k"), ("k", "i", "j"))) / 24
    same = all(zero(co.phonon_factor_s21(x, y, w, J=jay, tau=tau) * n[w] - strength) for x, y, w in permutations("ijk"))
    rep.verify("The triad strength Q_ikj n_j is the same for all six orientations of a triad T, "
               "Q_T = (1/24) Σ_c e^{R_ca + R_cb − R_ab} I⁰_ca I⁰_cb/n_c (c over the triad, a, b the other two), for any "
               "detailed-balance τ. Hence Υ_ikj = I⁰_kj(u_j − u_k) τ_kj Γ_ikj = Q_T (Γ/Q)_ikj (u_j − u_k): the spin "
               "generation is the triad strength times the potential difference across (k, j).",
               same and zero(n["j"] / tau("k", "j") * tau("k", "j") - n["j"]), "Q_ikj n_j = Q_T for all 6 orientations",
               ("Q_T", r"\mathcal Q_T", strength))
    _check(rep, "Per unit current, τ_kj Q_ikj = e^{R_kj−R_ik−R_ij} h_ikj/8 (J0 = τ0 = 1) with "
           "h_ikj = [m_ik + m_ij + m_ki m_ij/m_kj]/3 (one term per term of (S21)); written with exponents ≤ 0 "
           "(m_ki m_ij/m_kj = e^{(ε_k−ε_j)⁺ − (ε_k−ε_i)⁺ − (ε_i−ε_j)⁺}) it never overflows. h = H_T/G_kj with "
           "G_ab = e^{−max(ε_a,ε_b)} and H_T = (1/3)Σ_c G_ca G_cb/w_c (Q_T = ν̄ e^{−P} H_T/8, P the perimeter); "
           "the SGE weight per bond conductance is n_j Q_ikj/I⁰_ij = e^{R_ij−R_jk−R_ki} h_kij/8 = H_T/G_ij.",
           ec.check_triad_weight, "h_ikj from (S21) = the closed form; 0 < h ≤ 1; h = 1 at equal energies; kernel = (S21) to rounding")
    rep.say("Kernel for theory.codegen (energies in k_BT; h multiplies the drift and source outputs of "
            "triad_spin_generation, h_emf the SGE EMFs sge·e^{2(R_ij−R_kj)} and sge_sep·e^{2(R_ij−R_kj)}):",
            Shown(render_energy_kernel(), r"\text{see theory.energies.render\_energy\_kernel()}"),
            ("h_ikj", "h_{ikj}", en.triad_energy_weight(en.E_I, en.E_J, en.E_K)))

    # ------------------------------------------------------------------ 4. spin
    sig = {s: sp.Symbol(f"sigma_{s}", real=True) for s in n}
    diff = sum(n[j] * sig[j] / tau("i", j) - n["i"] * sig["i"] / tau(j, "i") for j in "jk")
    lap = sum(n[j] / tau("i", j) * (sig[j] - sig["i"]) for j in "jk")
    rep.verify("Spin diffusion, first terms of (6): with S_i = n_i σ_i (σ the spin per carrier, n at equilibrium), "
               "Σ_j (S_j/τ_ij − S_i/τ_ji) = Σ_j I⁰_ij (σ_j − σ_i) — the same symmetric conductances as the charge. "
               "Products δn·σ are second order in E and dropped. The relaxation term is S_i/τ_s = n_i σ_i/τ_s.",
               zero(diff - lap), "Σ_j (S_j/τ_ij − S_i/τ_ji) − Σ_j I⁰_ij(σ_j − σ_i) = 0 for any detailed-balance τ")
    tau_any = co.hopping_time
    s14 = zero(co.phonon_factor_s21("j", "k", "i", tau=tau_any) - co.phonon_factor_s21("k", "j", "i", tau=tau_any))
    parts = co.triad_coefficients_by_order(MODEL_001, 3)
    orders = all_zero(parts[2].Gamma[:2]) and all_zero(parts[3].Gamma[2:]) and not all_zero(parts[2].Gamma[2:])
    rep.verify("Sources of (5b): Σ_j (G_ij n_j + G_ji n_i) + Σ_j (W_ij n_j − W_ji n_i) = Σ_jk Γ_ikj n_j + "
               "n_i Σ_jk (G − W)_jki, and the outgoing part vanishes pair by pair by (S14) (exact, since Q_jki = Q_kji "
               "for any τ): the source is Σ'_{jk} Υ_ikj with energies too. At the paper's order the separated spin "
               "is S^z from Γ⁽²⁾_z (O(β²), W only), the in-plane total is Γ⁽³⁾ plus the precession of S^z by Ω (O(β³)); "
               "the precession of in-plane spin into z and the diffusion of the in-plane spin change only O(β⁴) or "
               "the distribution, not the total.",
               s14 and orders, "Q_jki = Q_kji for any τ; [001]: Γ⁽²⁾ along z only, Γ⁽³⁾ in plane only")
    d_v = sp.Matrix(sp.symbols("d_x d_y d_z", real=True))
    s_v = sp.Matrix(sp.symbols("s_x s_y s_z", real=True))
    omega = 2 * d_v / tau("i", "j")
    rep.verify("Precession: Ω_ij = 2d_ij/τ_ij acts on the incoming S_j = n_j σ_j, so S_j × Ω_ij = 2 I⁰_ij σ_j × d_ij: "
               "the same symmetric I⁰ weights the precession (the SGE precession source uses it transposed).",
               all_zero((n["j"] * s_v).cross(omega) - 2 * i0 * s_v.cross(d_v)), "S_j × Ω_ij − 2 I⁰_ij σ_j × d_ij = 0")
    eps_s, w_i = en.SHIFT, n["i"]
    printed = sum(n[j] * sig[j] / tau("i", j) - n["i"] * sig["i"] / tau(j, "i") for j in "jk") - eps_s * w_i * sig["i"]
    rep.verify("Hence (S43) holds as printed with the energy-dependent τ_ij for the spin density S̃_i = w_i σ̃_i, which is "
               "the symmetric shifted problem (𝓛_g + ε W) σ̃ = γ, ε = τ0/τ_s, W = diag(w_i): a site-dependent ground "
               "conductance ε w_i (units ν̄ = τ0 = 1). Equal energies: w = 1, the present solver.",
               zero(printed - (lap - eps_s * w_i * sig["i"])), "(S43) with τ(ε) for S̃ = wσ ⇔ (𝓛_g + εW)σ̃ = γ",
               Shown("Σ_j g_ij (σ̃_j − σ̃_i) − ε w_i σ̃_i + γ_i = 0",
                     r"\sum_j g_{ij}(\tilde\sigma_j-\tilde\sigma_i) - \varepsilon w_i\tilde\sigma_i + \gamma_i = 0"))
    m, hb, e_, a_b, j0, t0, ts, rho, n_c, n_s, big_n, big_l, i_k, nu, trb, bxy, sig_k = sp.symbols(
        "m hbar e a_b J0 tau0 tau_s rho n n_s N L I_K nu TrB2 beta_xy Sigma_K", positive=True)
    upsilon = nu * m**3 / (8 * hb**5 * j0 * t0) * trb * bxy * a_b**3 * sig_k     # Σ'Υ_y, currents ν̄ × network
    p_13 = (m * a_b / hb**2) ** 3 * hb * n_s * a_b / (e_ * n_c * j0 * t0 * rho)
    f_13 = (ts * (n_s / n_c) * upsilon / big_n) / (ts * trb * bxy * p_13 * rho * e_ * nu * i_k / big_l)
    rep.verify("Normalisation of f with energies: (S40) s = τ_s (n_s/n)⟨Σ'Υ⟩ is the spin per carrier, E = ρ e I_total/L "
               "with the measured ρ and the current through one border. Both are ∝ ν̄, so Eq. (13) gives "
               "f = (L/(8N)) Σ'_{ijk} I_kj h_ikj w̃_ikj e^{R_kj−R_ik−R_ij}/I_total with the network currents (g, u): "
               "ν̄, ⟨w⟩ and n drop out; N = n_s L² counts all sites. Equal energies: the present f.",
               is_zero(sp.simplify(f_13 - big_l * sig_k / (8 * big_n * a_b * i_k))) and is_zero(sp.diff(f_13, nu)),
               "f(13) = (L/(8N a_b)) Σ_K/I_K, independent of ν̄")
    rep.say("The network formulas with energies (g_ij = e^{−ξ_ij}, w_i = e^{−ε_i}, h_ikj above, I_kj the "
            "Kirchhoff flow from j into k with conductances g, I_total through one border, S̃_j = w_j σ̃_j):",
            Shown("(S42) f_dr = (L/8N) Σ'_ijk I_kj h_ikj (R_ij×R_ik)_z (R^y_ij+R^y_ik) e^{R_kj−R_ik−R_ij} / I_total\n"
                  "(S44) γ_ikj = −I_kj h_ikj (3/16)(R^x_ij R^y_ik − R^x_ik R^y_ij) e^{R_kj−R_ik−R_ij}\n"
                  "(S43) Σ_j g_ij (σ̃_j − σ̃_i) − ε w_i σ̃_i + Σ'γ_i = 0    [= printed (S43) with τ_ij(ε), S̃ = wσ̃]\n"
                  "(S45) f_diff = −(2L/N) Σ_ij R^y_ij g_ij σ̃_j / I_total = −(2L/N) Σ_ij R^y_ij S̃_j τ0/τ_ij / I_total\n"
                  "(12)  u = (2L/N) ε Σ_i R_i w_i σ̃_i / I_total    (positions weighted by n_i)\n"
                  "(10)  s = β u × ĉ unchanged;  general β: γ_i = Σ' I_kj h_ikj source·ĉ, "
                  "s_diff = (2L/N) Σ_bonds (βR_ab × ĉ) g_ab(σ̃_b − σ̃_a)/I_total",
                  r"\text{see the text rendering}"))
    net = en.triangle_network_form()
    sites = (1, 2, 3)
    pos = {1: (sp.S(0), sp.S(0)), 2: (SIDE, sp.S(0)), 3: (SIDE / 2, sp.sqrt(3) * SIDE / 2)}
    gs = lambda p_, q_: en.G_SYMBOLS[frozenset((p_, q_))]  # noqa: E731
    trb2, big_l3 = 2 * en.BXY * en.BYX, sp.sqrt(3) * SIDE / 2
    drift_coord, src_ok = sp.S(0), True
    for i in sites:
        j, k = [s for s in sites if s != i]
        rij, rik = [(pos[i][0] - pos[x][0], pos[i][1] - pos[x][1]) for x in (j, k)]
        cross = rij[0] * rik[1] - rij[1] * rik[0]
        h_i = 8 * sp.exp(SIDE) * en.STRENGTH / gs(k, j)        # h_ikj = 8 e^{R_ik+R_ij−R_kj} τ_kj Q_ikj
        drift_coord += net["currents"][k, j] * h_i * cross * (rij[1] + rik[1]) * sp.exp(-SIDE)
        src_ok &= zero(net["sources"][i - 1]
                       + trb2 * net["currents"][k, j] * h_i * sp.Rational(3, 16) * cross * sp.exp(-SIDE))
    diff_coord = -(2 * big_l3 / 3) * sum((pos[i][1] - pos[j][1]) * gs(i, j) * net["spins"][j - 1] / trb2
                                         for i in sites for j in sites if i != j) / net["total_current"]
    rep.verify("These coordinate formulas are what the trace-based solve computes: on the triangle (any g, w, Q_T, ε) "
               "(S42) and (S45) with h equal its f_dr and f_diff, and (S44) with h is its source (× Tr β²).",
               zero(big_l3 / 24 * drift_coord / net["total_current"] - net["f_dr"]) and src_ok
               and zero(diff_coord - net["f_diff"]), "(S42), (S44), (S45) with h = the kernel-based triangle")
    ok12 = all(zero(x) for x in net["spin_current_dr"] + net["spin_current_diff"] - net["eq12"])
    kkm = zero(net["drift_total"] + net["precession_total"]
               + 2 * en.BXY * (net["spin_current_dr"] + net["spin_current_diff"])[1])
    src_sum = zero(sum(net["sources"]))
    rep.verify("Eq. (12) with energies on the triangle (any g, w, Q_T, ε): summing the steady state weighted by R_i, "
               "J = J_dr + J_diff = (1/τ_s) Σ_i R_i n_i σ_i — the positions weighted by the occupations. KKM (10): "
               "the in-plane generation Σ'Υ⁽³⁾_y − Σ_ij (S_j × Ω_ij)_y = −2β_xy J_y exactly: per triangle the three "
               "triads give Σ_i Q_T A_i(u_j − u_k) = 0 (total separation Σγ = 0), which turns the drift into the "
               "spin-current dipole.", ok12 and kkm and src_sum, "J_dr + J_diff = ε Σ R_i w_i σ_i; KKM; Σ_i γ_i = 0")

    # ------------------------------------------------------------------ 5. Onsager
    uq = [q[0] * IDENTITY - sp.I * (q[1] * SIGMA[0] + q[2] * SIGMA[1] + q[3] * SIGMA[2])
          for q in (sp.symbols(f"{x}0:4", real=True) for x in "pqr")]
    lam_jki = [sp.expand(6 * sp.I * trace(uq[0].H * s * uq[2].H * uq[1].H)) for s in SIGMA]    # Û_ji σ Û_ik Û_kj
    gam_ikj = [sp.expand(sp.Rational(3, 2) * sp.I * trace(s * uq[0] * uq[1] * uq[2])) for s in SIGMA]
    balance = all(zero(co.phonon_factor_s21("j", "k", "i", J=jay, tau=en.ma_times(e)) * en.occupation(e["i"])
                       - co.phonon_factor_s21("i", "k", "j", J=jay, tau=en.ma_times(e)) * en.occupation(e["j"]))
                  for e in en.orderings())
    rep.verify("Onsager per triad: Λ_jki/Q_jki = −4 Γ_ikj/Q_ikj (all orders, any Û), and Q_jki n_i = Q_ikj n_j with the MA "
               "times in every ordering, so Λ_jki n_i = −4 Γ_ikj n_j with energies. With S_j = n_j s the spin current "
               "S_j/τ_ij − S_i/τ_ji vanishes by (S23); the direct SGE source per ordered triad is Λ_ikj·s n_j "
               "= Q_T (Λ/Q)·s across (i, j) (EMF = sge·e^{2(R_ij−R_kj)} h_kij·s); the precession source is "
               "−Σ_j (S_j × Ω_ij)_z = −2 Σ_j I⁰_ij (s × d_ij)_z = 2 s_y β_xy (𝓛_g y)_i ([001], s = s_y ŷ), hence "
               "σ^z = 2 s_y β_xy (y − T) with (𝓛_g + εW) T = εW y, and S^z_j = n_j σ^z_j drives Λ⁽²⁾_ikj n_j σ^z_j.",
               all_zero(lam_jki[k] + 4 * gam_ikj[k] for k in range(3)) and balance,
               "Λ_jki/Q + 4Γ_ikj/Q = 0 and Q_jki n_i − Q_ikj n_j = 0 (MA, 6 orderings)")
    _check(rep, "Onsager microscopically on the triangle with three energies, straight from (S21):",
           ec.check_onsager_energies, "σ_SGE = (4 k_BT n/τ_s) σ_CISP on the triangle with energies, route by route")
    rep.say("Network identity: for any network with energies, I_SC = Σ_b J_b (u_j − u_i) (Green reciprocity with the "
            "symmetric g) and the two per-triad identities give I_SC = 4 Σ_ijk Γ_ikj·s n_j u_j = 4 k_BT Ġ·s/Δμ; the "
            "diffusion parts agree because 𝓛_g + εW is symmetric and both problems couple through I⁰_ij d_ij. So "
            "f_SGE ≡ (L/N) I_SC/(4 Tr β² β_xy I_total) = f exactly, and σ_SGE/σ_CISP = 4 k_BT n/τ_s (S39), "
            "with n the mean carrier density (the energies enter neither ratio).")

    # ------------------------------------------------------------------ 6. triangle
    g = {p: en.G_SYMBOLS[frozenset(p)] for p in ((1, 2), (1, 3), (2, 3))}
    w = en.W_SYMBOLS
    d_k = g[1, 2] * g[1, 3] + g[1, 2] * g[2, 3] + g[1, 3] * g[2, 3]
    big_a = g[1, 3] + g[2, 3]
    delta = (d_k * (w[1] + w[2] + w[3]) + eps_s * (g[1, 2] * w[3] * (w[1] + w[2]) + g[1, 3] * w[2] * (w[1] + w[3])
             + g[2, 3] * w[1] * (w[2] + w[3])) + eps_s**2 * w[1] * w[2] * w[3])
    f_dr = 3 * sp.sqrt(3) * SIDE**4 / 8 * en.STRENGTH * big_a / d_k
    f_tot = f_dr * eps_s * w[3] * ((w[1] + w[2]) * d_k + eps_s * big_a * w[1] * w[2]) / (big_a * delta)
    rep.verify("Triangle with energies (1 = (0,0) source, 2 = (a,0) drain, 3 apex; g_ab, w_a, Q_T): V_3 = "
               "g_13/(g_13 + g_23), I_21 = g_12, I_31 = I_23 = g_13 g_23/(g_13 + g_23), I_total = "
               "g_12 + g_13 g_23/(g_13 + g_23), f_dr = (3√3 a⁴/8) Q_T/I_total, and f = f_dr + f_diff = f_dr ε w_3 "
               "[(w_1 + w_2) D + ε (g_13 + g_23) w_1 w_2]/((g_13 + g_23) Δ(ε)) with D = g_12g_13 + g_12g_23 + g_13g_23, "
               "Δ(ε) = det(𝓛_g + εW)/ε. MA: g_ab = e^{−2a − max(ε_a,ε_b)}, w_a = e^{−ε_a}, Q_T = e^{−3a} H_T/8 = "
               "(e^a/24) Σ_c g_ca g_cb/w_c.",
               zero(net["total_current"] - d_k / big_a) and zero(net["f_dr"] - f_dr)
               and zero(net["currents"][2, 1] - g[1, 2]) and zero(net["currents"][3, 1] - g[1, 3] * g[2, 3] / big_a)
               and zero(net["currents"][2, 3] - g[1, 3] * g[2, 3] / big_a)
               and zero(net["f_dr"] + net["f_diff"] - f_tot),
               "currents, I_total, f_dr and f of the solve equal the closed forms",
               ("f_dr", r"f_{\mathrm{dr}}", f_dr), ("f", "f", f_tot))
    vals = en.ma_substitutions(SIDE, en.ENERGIES)
    gv = lambda p_, q_: vals[g[min(p_, q_), max(p_, q_)]]  # noqa: E731
    q_general = sp.exp(SIDE) / 24 * sum(gv(c, x) * gv(c, y) / vals[w[c]] for c, x, y in ((1, 2, 3), (2, 1, 3), (3, 1, 2)))
    qt_ok = all(zero((vals[en.STRENGTH] - q_general).xreplace(dict(zip(en.ENERGIES, (o[1], o[2], o[3])))))
                for o in en.orderings((1, 2, 3)))
    limits = is_zero(f_tot.subs(eps_s, 0)) and is_zero(sp.limit(f_tot, eps_s, sp.oo) - f_dr)
    rep.verify("Checks of the closed form: the MA strength e^{−3a}H_T/8 is the general (e^a/24)Σ_c g_ca g_cb/w_c in every "
               "ordering of (ε_1, ε_2, ε_3); τ_s → ∞ (ε → 0) gives f = 0 (drift and diffusion cancel, any energies); "
               "τ_s → 0 gives f = f_dr.", qt_ok and limits, "Q_T(MA) identity; f(ε=0) = 0; f(ε→∞) = f_dr")
    _check(rep, "Reduction and (S21) consistency:", ec.check_triangle_energies,
           "the closed forms are (S21) for any detailed-balance τ and reduce to (S46) at equal energies")
    res, t_s, z_s, big_e = en.triangle_s21_form()
    side, tau_sv, energies = 2.0, 1000.0, (0.3, -1.2, 2.5)
    num = en.evaluate_triangle(side, tau_sv, energies)
    sub = {t_s[frozenset((a_, b_))]: sp.exp(2 * side + abs(energies[a_ - 1] - energies[b_ - 1]) / 2)
           for a_, b_ in ((1, 2), (1, 3), (2, 3))}
    sub.update({z_s[s]: sp.exp(energies[s - 1] / 2) for s in sites})
    sub.update({big_e: sp.exp(-side), SIDE: side, eps_s: 1 / tau_sv})
    other = {k: float(sp.N(res[k].xreplace(sub), 30)) for k in ("f_dr", "f_diff")}
    rep.verify(f"Float evaluator (theory.energies.evaluate_triangle) against the (S21) form with MA numbers, a = 2, "
               f"τ_s = 1000, ε = {energies}: f_dr = {num['f_dr']:.10g}, f_diff = {num['f_diff']:.10g}, "
               f"f = {num['f']:.10g} (equal energies: 0.1172038, −0.1151089).",
               all(abs(num[k] - other[k]) <= 1e-13 * abs(other[k]) for k in other), "agreement to 1e-13")

    # ------------------------------------------------------------------ 7. scaling
    lam = sp.Symbol("lambda", positive=True)
    scale = {**{x: lam * x for x in (*g.values(), *w.values(), en.STRENGTH)}}
    scale_t = {**{x: lam * x for x in (*g.values(), en.STRENGTH)}, eps_s: lam * eps_s}
    inv = all(zero(net[k].xreplace(sc) - net[k]) for sc in (scale, scale_t) for k in ("f_dr", "f_diff")) and \
        all(zero(x.xreplace(scale) - x) for x in net["spins"])
    c = sp.Symbol("c", real=True)
    shifted = en.ma_substitutions(SIDE, tuple(x + c for x in en.ENERGIES))
    ref = all(zero((shifted[k] - sp.exp(-c) * v).xreplace(dict(zip(en.ENERGIES, (o[1], o[2], o[3])))))
              for k, v in vals.items() for o in en.orderings((1, 2, 3)))
    rep.verify("Scaling for the network code: with g' = g/g_c (g_c = e^{−ξ_c}, the critical bond) the currents, I_total, "
               "the sources γ and the shift ε w_i all scale by 1/g_c (equivalently w' = w/g_c, or ε' = ε/g_c, i.e. τ_s "
               "in units τ0/g_c), while σ̃, h, the kernel weights and f are unchanged; the scaled ground conductance is "
               "(τ0/τ_s) e^{ξ_c − ε_i}. A common energy shift c is the special case λ = e^{−c} (g, w, Q_T all × e^{−c}).",
               inv and ref, "f_dr, f_diff, σ̃ invariant under (g, w, Q_T) → λ(…) and under (g, Q_T, ε) → λ(…); "
               "ε_i → ε_i + c multiplies g, w, Q_T by e^{−c}")
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
