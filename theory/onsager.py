"""The Onsager chain (S31)–(S39) relating the SGE and CISP susceptibilities.

Fields oscillate as ``e^{−iωt}``; ``E = −(1/c) ∂A/∂t = iωA/c``.  The steps are kept as
separate SymPy equalities so that ``derivations/d05_onsager.py`` can print each one.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["OnsagerChain", "onsager_chain"]

omega = sp.Symbol("omega", positive=True)
tau_s = sp.Symbol("tau_s", positive=True)
k_bt = sp.Symbol("k_B*T", positive=True)
n = sp.Symbol("n", positive=True)
c = sp.Symbol("c", positive=True)
sigma_a = sp.Symbol("sigma_a")
zeeman = sp.Symbol("g*mu_B*B")           # g μ_B B
vector_potential = sp.Symbol("A")
electric_field = sp.Symbol("E")


@dataclass(frozen=True)
class OnsagerChain:
    sigma_cisp: sp.Expr          # (S33)
    sigma_sge: sp.Expr           # (S38), at finite ω
    ratio: sp.Expr               # σ_SGE/σ_CISP at ω → 0
    expected: sp.Expr            # 4 k_B T n / τ_s  (S39)
    ratio_from_13_14: sp.Expr    # the same ratio from Eqs. (13) and (14)
    steps: tuple[tuple[str, sp.Expr], ...]


def onsager_chain() -> OnsagerChain:
    """Derive ``σ_SGE = σ_CISP · 4 k_B T n / τ_s`` (S39) step by step from (S31)–(S38)."""
    steps = []
    # (S32a): n s = −(1/c) σ_a A with E = iωA/c  ⇒  s = σ_a E/(−iω n)   (S33)
    a_of_e = c * electric_field / (sp.I * omega)
    spin = -sigma_a * a_of_e / c / n
    sigma_cisp = sp.simplify(spin / electric_field)
    steps.append(("(S33) sigma_CISP = s/E", sigma_cisp))
    # (S34)–(S36): s0 = −gμ_B B/(4k_BT), ṡ = (s0 − s)/τ_s ⇒ s = s0/(1 − iωτ_s)
    s0 = -zeeman / (4 * k_bt)
    s = s0 / (1 - sp.I * omega * tau_s)
    delta_s = sp.simplify(s - s0)
    steps.append(("(S36) delta s = s - s0", delta_s))
    # (S32b): j = σ_a gμ_B B, rewritten through δs  ⇒ (S37), (S38)
    current = sigma_a * zeeman
    sigma_sge = sp.simplify(current / delta_s)
    steps.append(("(S38) sigma_SGE = j/delta s", sigma_sge))
    ratio = sp.simplify(sp.limit(sp.simplify(sigma_sge / sigma_cisp), omega, 0))
    steps.append(("(S39) lim_{omega->0} sigma_SGE/sigma_CISP", ratio))
    # Eqs. (13) and (14) element by element, for a symbolic [001] β.
    bxy, byx, p_factor, f = sp.symbols("beta_xy beta_yx P f", positive=True)
    beta = sp.Matrix([[0, bxy], [byx, 0]])
    tr_b2 = (beta * beta).trace()
    cisp_13 = tau_s * tr_b2 * beta.T * p_factor * f
    sge_14 = 4 * tr_b2 * beta.T * p_factor * k_bt * n * f
    ratios = {sp.simplify(sge_14[m] / cisp_13[m]) for m in range(4) if cisp_13[m] != 0}
    ratio_13_14 = ratios.pop() if len(ratios) == 1 else sp.nan
    return OnsagerChain(sigma_cisp=sigma_cisp, sigma_sge=sigma_sge, ratio=ratio,
                        expected=4 * k_bt * n / tau_s, ratio_from_13_14=ratio_13_14, steps=tuple(steps))
