"""The spin-galvanic effect on its own: the discrete SGE equations and the Onsager relation (S39).

The SGE counterpart of (S42)–(S45).  A uniform non-equilibrium in-plane spin, ``s`` per carrier
(``S_j = n_j s`` with the equilibrium occupations n_j; the spin current ``S_j/τ_ij − S_i/τ_ji`` of
(6) then vanishes by (S23)), acts

* through Λ in (5a) — every triad (i; k, j) is a current source ``Λ_ikj·S_j`` from j into i across
  the bond (i, j) (the direct route: inverse KKM + ISHE); the outgoing terms ``Λ_jki·S_i`` cancel
  in pairs by (S14);
* through the precession ``Ω_ij = 2d_ij/τ_ij`` in (5b) — the S^z source ``σ_i = −Σ_j (S_j × Ω_ij)_z``
  relaxes by hops and τ_s and drives particles through ``Λ^z`` (second order in β).

The particle sources are solved with both electrodes at equal potential (short circuit).  The
steps verify the per-triad identities that make the result equal to 4k_BT/τ_s × (the CISP result)
**exactly** in the discrete network, and solve the elementary triangle symbolically: the SGE gives
the same f_dr and f_diff as (S46).  ``numerics/sge.py`` implements the network version.
"""

from __future__ import annotations

from itertools import permutations

import sympy as sp

from theory import coefficients as co
from theory.pauli import IDENTITY, SIGMA, trace
from theory.triangle import a as SIDE
from theory.triangle import s46_closed_form
from theory.triangle import tau_s as TAU_S

from ._report import Report, all_zero, is_zero, run_as_script

NAME = "spin_galvanic"
TITLE = "The spin-galvanic current from (5a), (5b) and the Onsager relation checked microscopically"
EQUATIONS = "(5a), (5b), (7), (S14), (S15)–(S27), (S39), (S46)"


def _quaternion(name: str) -> sp.Matrix:
    """A general real-quaternion 2×2 matrix ``q0 − i q·σ`` (any SU(2) element, normalised or not)."""
    q = sp.symbols(f"{name}0 {name}x {name}y {name}z", real=True)
    return q[0] * IDENTITY - sp.I * (q[1] * SIGMA[0] + q[2] * SIGMA[1] + q[3] * SIGMA[2])


def _dagger(m: sp.Matrix) -> sp.Matrix:
    return m.conjugate().T


def _triangle_sge():
    """Symbolic SGE of the equilateral triangle (sites 1 = (0,0) source, 2 = (a,0) drain, 3 apex).

    Returns (I_direct, I_precession, spins, sources σ) for ν = s_y = 1, J0 = τ0 = 1, symbolic
    [001] β; I = particle flow from the sample into the drain corner 2 with V1 = V2 = 0.
    """
    bxy, byx = sp.symbols("beta_xy beta_yx", positive=True)
    beta = sp.Matrix([[0, bxy], [byx, 0], [0, 0]])
    pos = {1: (sp.S(0), sp.S(0)), 2: (SIDE, sp.S(0)), 3: (SIDE / 2, sp.sqrt(3) * SIDE / 2)}
    sites = (1, 2, 3)
    g = sp.exp(-2 * SIDE)
    q = sp.exp(-3 * SIDE) / 8  # Q_ikj of the exponential model, J0 = τ0 = 1

    def d(p, r):  # d_pr = β (R_p − R_r)
        v = beta * sp.Matrix([pos[p][0] - pos[r][0], pos[p][1] - pos[r][1]])
        return tuple(v)

    lam3, lam2 = {}, {}
    for i, k, j in permutations(sites):
        parts = co.loop_coefficients_by_order(d(i, j), d(j, k), d(k, i), 3)
        lam3[i, k, j] = [sp.expand(q * e) for e in parts[3].Lambda]
        lam2[i, k, j] = [sp.expand(q * e) for e in parts[2].Lambda]
    # precession source σ_i = −Σ_j (S_j × Ω_ij)_z with S_j = ŷ, Ω_ij = 2 d_ij g
    sigma = [sp.expand(sum(2 * g * d(i, j)[0] for j in sites if j != i)) for i in sites]
    spins = sp.symbols("S1:4")
    eqs = [sum(g * (spins[sites.index(j)] - spins[i - 1]) for j in sites if j != i)
           - spins[i - 1] / TAU_S + sigma[i - 1] for i in sites]
    sol = sp.solve(eqs, spins, dict=True)[0]
    sz = {i: sp.simplify(sol[spins[i - 1]]) for i in sites}

    def short_circuit(source):  # source[(i, j)]: current from j into i across bond (i, j)
        inj = {s: sp.S(0) for s in sites}
        for (i, j), val in source.items():
            inj[i] += val
            inj[j] -= val
        v3 = inj[3] / (2 * g)  # KCL at the free corner, V1 = V2 = 0
        return sp.simplify(inj[2] + g * v3), inj

    direct = {}
    prec = {}
    for i, k, j in permutations(sites):
        direct[i, j] = direct.get((i, j), 0) + lam3[i, k, j][1]            # Λ_ikj · ŷ, S_j = ŷ
        prec[i, j] = prec.get((i, j), 0) + lam2[i, k, j][2] * sz[j]        # Λ^z_ikj S^z_j
    i_dir, inj_dir = short_circuit(direct)
    i_prec, _ = short_circuit(prec)
    return dict(i_direct=i_dir, i_prec=i_prec, spins=sz, sigma=sigma, lam3=lam3, lam2=lam2,
                beta=(bxy, byx), injections=inj_dir, g=g)


def derive() -> Report:
    """Derive the discrete SGE equations, the exact Onsager identities and the triangle SGE.

    Returns
    -------
    Report
    """
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "Units m = ħ = a_b = τ0 = J0 = 1. Kinetic coefficients per Q as in theory/coefficients.py: "
        "Λ_ikj/Q_ikj = 6i Tr(Û_ij σ Û_jk Û_ki), Γ_ikj/Q_ikj = (3i/2) Tr(σ Û_ij Û_jk Û_ki). "
        "V is the potential of the CISP Kirchhoff problem (source strip 1, drain strip 0), I_b its bond "
        "currents (from j into i for bond (i, j)) and I_total its border current."))

    # ------------------------------------------------------------------ identities, all orders
    u_ij, u_jk, u_ki = _quaternion("p"), _quaternion("q"), _quaternion("r")
    u_ji, u_kj, u_ik = _dagger(u_ij), _dagger(u_jk), _dagger(u_ki)

    def lam(a, b, c):  # Λ/Q of the triad whose loop is a → c → b, factors Û_ab σ Û_bc Û_ca
        return [sp.expand(6 * sp.I * trace(a * s * b * c)) for s in SIGMA]

    def gam(a, b, c):
        return [sp.expand(sp.Rational(3, 2) * sp.I * trace(s * a * b * c)) for s in SIGMA]

    lam_jki = lam(u_ji, u_ik, u_kj)    # Λ_jki: Û_ji σ Û_ik Û_kj
    lam_kji = lam(u_ki, u_ij, u_jk)    # Λ_kji: Û_ki σ Û_ij Û_jk
    gam_ikj = gam(u_ij, u_jk, u_ki)    # Γ_ikj: σ Û_ij Û_jk Û_ki
    q_jki, q_kji = co.phonon_factor_s21("j", "k", "i"), co.phonon_factor_s21("k", "j", "i")
    rep.verify("(5a) with S_j = n_j s: the particle source at i is Σ_jk (Λ_ikj·S_j − Λ_jki·S_i). The outgoing "
               "part vanishes pair by pair, Λ_jki + Λ_kji = 0: the traces are complex conjugates (Û_ab† = Û_ba) "
               "of a purely imaginary number, and Q_jki = Q_kji by (S21) — the SGE form of (S14). Checked for "
               "arbitrary hopping factors Û = q0 − i q·σ (all orders in d, any β).",
               all_zero(lam_jki[m] + lam_kji[m] for m in range(3)) and is_zero(sp.simplify(q_jki - q_kji)),
               "Λ_jki/Q + Λ_kji/Q = 0 and Q_jki = Q_kji",
               ("Λ_jki/Q (x)", r"\Lambda^x_{jki}/Q", sp.factor(lam_jki[0])))
    rep.say("So each ordered triad (i; k, j) is a current source J = Λ_ikj·S_j from j into i placed across "
            "the bond (i, j) (its loss at j is the outgoing term of the same triad): a dipole, not a net "
            "injection. With both electrodes at equal potential, Green reciprocity gives the short-circuit "
            "current into the drain as I_SC = Σ_b J_b (V_j − V_i) = Σ_b (J_b/g_b) I_b — what numerics/sge.py "
            "uses as its cross-check; its primary route eliminates the network with the sources kept on edges.")

    rep.verify("Time reversal per triad: Λ_jki/Q_jki = −4 Γ_ikj/Q_ikj, exactly (all orders, any β): "
               "Tr(Û_ji σ Û_ik Û_kj) = conj Tr(σ Û_ij Û_jk Û_ki) and Tr(σ X) is imaginary for a quaternion X. "
               "This is the microscopic origin of the factor 4 in (S39) (4π² in (S15) against π² in (S16)).",
               all_zero(lam_jki[m] + 4 * gam_ikj[m] for m in range(3)),
               "Λ_jki/Q + 4 Γ_ikj/Q = 0 for every spin component")

    kt = sp.Symbol("k_BT", positive=True)
    eps = {s: sp.Symbol(f"epsilon_{s}", real=True) for s in "ikj"}
    occ = {s: sp.exp(-eps[s] / kt) for s in "ikj"}

    def tau(p, r):  # (S22): τ_pr/τ_rp = e^{(ε_p − ε_r)/k_BT}, t symmetric
        return co._pair_symbol("t", p, r, symmetric=True) * sp.exp((eps[p] - eps[r]) / (2 * kt))

    q_ikj_eq = co.phonon_factor_s21("i", "k", "j", tau=tau)
    q_jki_eq = co.phonon_factor_s21("j", "k", "i", tau=tau)
    rep.verify("With (S21) and detailed balance (S22): Q_jki n_i = Q_ikj n_j, hence Λ_jki n_i = −4 Γ_ikj n_j "
               "for every triad, in equilibrium occupations of any energies.",
               is_zero(sp.simplify(q_jki_eq * occ["i"] - q_ikj_eq * occ["j"])), "Q_jki n_i − Q_ikj n_j = 0")

    rep.say("The Onsager relation, discretely. CISP (S25)–(S27): Ġ = Σ_ijk Γ_ikj δn_j with δn_j = n_j V_j Δμ/k_BT "
            "(the outgoing generation vanishes by (S14)); the Kirchhoff conductances are I⁽⁰⁾_ij/k_BT = n_j/(τ_ij k_BT). "
            "SGE: I_SC = Σ_ijk Λ_ikj·s n_j (V_j − V_i) = −Σ_ijk Λ_ikj·s n_j V_i (the V_j part is the outgoing sum, "
            "zero) = −Σ_ijk Λ_jki·s n_i V_j = 4 Σ_ijk Γ_ikj·s n_j V_j. Hence I_SC/s = 4 k_BT Ġ/Δμ for the same V — "
            "the drift (third order) and the spin-separation (second order, z) parts separately — provided the "
            "spin-diffusion operator is the same symmetric one in both problems (it is: I⁽⁰⁾_ij(s_j − s_i) per "
            "carrier) and the precession couplings are transposes (Ω_ij weighted by n_j/τ_ij = I⁽⁰⁾_ij in both). "
            "With j = e I_SC/L, E = Δμ/(eL), s = τ_s Ġ/(nL²): σ_SGE/σ_CISP = 4 k_BT n/τ_s, (S39), and Eq. (14) "
            "holds with f_SGE = (L/N) I_SC/(4 Tr β² β_xy I_total) in units ν = s_y = J0 = τ0 = 1.")

    # ------------------------------------------------------------------ precession route
    y = sp.symbols("y1:4", real=True)
    gs = {(1, 2): sp.Symbol("g12", positive=True), (1, 3): sp.Symbol("g13", positive=True),
          (2, 3): sp.Symbol("g23", positive=True)}
    gg = lambda a, b: gs[min(a, b), max(a, b)]  # noqa: E731
    lap = [sum(gg(i, j) * (2 * y[i - 1] - 2 * y[j - 1]) for j in (1, 2, 3) if j != i) for i in (1, 2, 3)]
    sig = [sum(2 * gg(i, j) * (y[i - 1] - y[j - 1]) for j in (1, 2, 3) if j != i) for i in (1, 2, 3)]
    rep.verify("Precession route: for S_j = ν ŷ s_y and the [001] β, σ_i = −Σ_j (S_j × Ω_ij)_z = 2ν s_y β_xy "
               "Σ_j g_ij (y_i − y_j). It is the hopping Laplacian 𝓛 of 2ν s_y β_xy y, so the steady state "
               "(𝓛 + 1/τ_s) S^z = σ is S^z = 2ν s_y β_xy (y − T) with (𝓛 + ε) T = ε y, ε = 1/τ_s: S^z is a uniform "
               "gradient at τ_s = ∞ and 0 at τ_s = 0 (checked here on an arbitrary 3-site graph).",
               all_zero(lap[m] - sig[m] for m in range(3)), "𝓛(2y) = σ/(ν s_y β_xy) site by site")
    rep.say("S^z then drives particles through the second-order Λ^z: sources Λ^z_ikj S^z_j across (i, j), "
            "solved as before. In the simulation model (uniform n, τ_ij = τ0 e^{2R_ij}) Λ_ikj = sge_ikj e^{−2R_kj} "
            "with the generated kernel output sge (and sge_sep for the second order).")

    # ------------------------------------------------------------------ triangle
    tri = _triangle_sge()
    bxy, byx = tri["beta"]
    g = tri["g"]
    total = 3 * g / 2
    big_l, n_sites = sp.sqrt(3) * SIDE / 2, 3
    norm = big_l / n_sites / (4 * (2 * bxy * byx) * bxy * total)
    f_sge_dr = sp.simplify(tri["i_direct"] * norm)
    f_sge_diff = sp.simplify(tri["i_prec"] * norm)
    f_dr, f_diff = s46_closed_form()
    inj = tri["injections"]
    rep.verify("Triangle (sites 1 = (0,0) source, 2 = (a,0) drain, 3 apex; V1 = V2 = 0; symbolic [001] β): "
               "the direct sources inject nothing in total, and the short-circuit current into corner 2, "
               "I_SC = P_2 + P_3/2, normalised as f_SGE = (L/N) I_SC/(4 Tr β² β_xy · 3g/2) with L = √3a/2, N = 3, "
               "is the printed f_dr of (S46).",
               is_zero(sum(inj.values())) and is_zero(sp.simplify(f_sge_dr - f_dr)),
               "Σ_i P_i = 0 and f_SGE,direct − √3a⁴e^{−a}/32 = 0",
               ("f_SGE direct", r"f^{\mathrm{SGE}}_{\mathrm{dir}}", f_sge_dr))
    rep.verify("Triangle, precession route: S^z from the closed 3-site (S43)-type problem with the precession "
               "source, then the Λ^z sources: the same f_diff as (S46), −f_dr τ_s/(τ_s + e^{2a}/3) — "
               "'the same expressions can be also obtained from the calculation of SGE' (S5B), now derived.",
               is_zero(sp.simplify(f_sge_diff - f_diff)), "f_SGE,precession − f_diff(S46) = 0",
               ("f_SGE precession", r"f^{\mathrm{SGE}}_{\mathrm{prec}}", sp.simplify(f_sge_diff)))
    ratio = sp.simplify((f_sge_dr + f_sge_diff) / (f_dr + f_diff))
    rep.verify("Hence σ_SGE/σ_CISP = 4 k_BT n/τ_s for the triangle at every τ_s and for any [001] β "
               "(the β dependence is Tr β² β_xy on both sides).",
               is_zero(ratio - 1), "f_SGE/f = 1 identically")
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
