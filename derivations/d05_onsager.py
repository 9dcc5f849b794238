"""(S31)–(S39): the Onsager relation between the SGE and CISP susceptibilities.

Fields oscillate as ``e^{−iωt}`` (``E = iωA/c``).  With the Onsager-symmetric susceptibility
``σ̂_a`` of (S32a), (S32b), CISP is ``σ_CISP = σ̂_a/(−iωn)`` (S33); the spin response to a
Zeeman field relaxing with τ_s (S34)–(S36) turns (S32b) into the SGE susceptibility (S38);
dividing gives (S39) ``σ_SGE = σ_CISP · 4 k_B T n/τ_s`` — consistent with Eqs. (13), (14).
The steps are those of :func:`theory.onsager.onsager_chain`.
"""

from __future__ import annotations

import sympy as sp

from theory import onsager as ons

from ._report import Report, is_zero, run_as_script

NAME = "onsager"
TITLE = "Onsager relation between spin-galvanic effect and current-induced spin polarization"
EQUATIONS = "(S31)–(S39)"

_TEX = {
    "(S33)": r"\sigma_{\mathrm{CISP}}",
    "(S36)": r"\delta s",
    "(S38)": r"\sigma_{\mathrm{SGE}}",
    "(S39)": r"\lim_{\omega\to0}\sigma_{\mathrm{SGE}}/\sigma_{\mathrm{CISP}}",
}


def derive() -> Report:
    """Derive (S39) step by step from (S31)–(S38) and compare with Eqs. (13), (14).

    Returns
    -------
    Report
    """
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "H_S = n s·gμ_B B and H_em = −j·A/c (S31). Onsager: the susceptibility of n s to −A/c equals that "
        "of j to gμ_B B (S32): n s = −σ̂_a A/c, j = σ̂_a gμ_B B. Fields ∝ e^{−iωt}, so E = iωA/c."))
    chain = ons.onsager_chain()
    steps = dict(chain.steps)
    w, ts, kt, n = ons.omega, ons.tau_s, ons.k_bt, ons.n
    sa, zb = ons.sigma_a, ons.zeeman

    label = next(k for k in steps if k.startswith("(S33)"))
    rep.verify("(S32a) with A = cE/(iω): n s = −σ̂_a E/(iω), hence (S33) σ_CISP = s/E = σ̂_a/(−iωn).",
               is_zero(steps[label] - sa / (-sp.I * w * n)), "s/E − σ̂_a/(−iωn) = 0",
               ("σ_CISP", _TEX["(S33)"], steps[label]))

    label = next(k for k in steps if k.startswith("(S36)"))
    s0 = -zb / (4 * kt)
    first_order = sp.series(steps[label], w, 0, 2).removeO()
    rep.verify("(S34) equilibrium polarisation s0 = −gμ_B B/(4k_BT); (S35) ṡ = (s0 − s)/τ_s with s ∝ e^{−iωt} "
               "gives s = s0/(1 − iωτ_s), so δs = s − s0 (exact below); to first order in ω, "
               "δs ≈ −gμ_B B iωτ_s/(4k_BT) as printed in (S36).",
               is_zero(steps[label] - (s0 / (1 - sp.I * w * ts) - s0))
               and is_zero(first_order - s0 * sp.I * w * ts),
               "δs = s0/(1−iωτ_s) − s0 and its O(ω) term = −gμ_B B iωτ_s/(4k_BT)",
               ("δs", _TEX["(S36)"], steps[label]))

    label = next(k for k in steps if k.startswith("(S38)"))
    printed = 4 * kt / ts * sa / (-sp.I * w)
    rep.verify("(S32b) j = σ̂_a gμ_B B, with gμ_B B expressed through δs, is (S37) j = (4k_BT/τ_s) σ̂_a/(−iω) δs; "
               "so (S38) σ_SGE = j/δs. The exact ratio j/δs approaches the printed (S38) as ω → 0.",
               is_zero(sp.limit(sp.simplify(steps[label] / printed), w, 0) - 1),
               "lim_(ω→0) (j/δs)/[(4k_BT/τ_s) σ̂_a/(−iω)] = 1",
               ("σ_SGE", _TEX["(S38)"], steps[label]))

    label = next(k for k in steps if k.startswith("(S39)"))
    rep.verify("(S39): comparing (S33) and (S38), σ̂_a drops out and σ_SGE = σ_CISP · 4 k_B T n/τ_s.",
               is_zero(chain.ratio - chain.expected) and is_zero(steps[label] - 4 * kt * n / ts),
               "lim_(ω→0) σ_SGE/σ_CISP − 4k_BT n/τ_s = 0",
               ("σ_SGE/σ_CISP", _TEX["(S39)"], chain.ratio))

    rep.verify("Consistency with the main text: Eq. (14) σ_SGE = 4 Tr β² βᵀ P k_BT n f and Eq. (13) "
               "σ_CISP = τ_s Tr β² βᵀ P f have, element by element, the same ratio 4 k_B T n/τ_s (for a "
               "symbolic [001] β). The same f(n_s, τ_s) therefore describes both effects — as the paper notes "
               "after (S46), the triangle's f can also be obtained from the SGE.",
               is_zero(chain.ratio_from_13_14 - chain.expected),
               "σ_SGE(14)/σ_CISP(13) = 4k_BT n/τ_s for every non-zero element",
               ("(14)/(13)", r"\sigma_{\mathrm{SGE}}^{(14)}/\sigma_{\mathrm{CISP}}^{(13)}", chain.ratio_from_13_14))
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
