"""What the generated kernels compute: SymPy expressions per triad (rendered by :mod:`theory.codegen`).

Every spec is a :class:`KernelSpec` (name, docstring, output name → expression).  The triad kernels are
functions of ``u = β(R_j − R_i)``, ``v = β(R_k − R_i)`` and the bond lengths R_ij, R_ik, R_kj (in a_b);
extensions add their own variables (the energies e_i, e_j, e_k in k_BT; the loop phase Φ_ikj).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import coefficients as co
from . import energies as en

__all__ = ["KernelSpec", "kernel_specs", "energy_kernel_spec", "BETA_NAMES", "U", "V"]

BETA_NAMES = ("b_xx", "b_xy", "b_yx", "b_yy", "b_zx", "b_zy")
U = sp.symbols("u_x u_y u_z", real=True)  # β (R_j − R_i) = −d_ij
V = sp.symbols("v_x v_y v_z", real=True)  # β (R_k − R_i) = d_ki


@dataclass(frozen=True)
class KernelSpec:
    name: str
    doc: str
    outputs: dict[str, sp.Expr]


def kernel_specs() -> list[KernelSpec]:
    """The per-triad quantities as SymPy expressions of ``u = β(R_j − R_i)``, ``v = β(R_k − R_i)``.

    For the triad K_ikj the loop vectors are ``d_ij = −u``, ``d_jk = u − v``, ``d_ki = v``
    (Eq. 4 with m = ħ = 1); the coefficients are derived from the traces by
    :func:`theory.coefficients.loop_coefficients_by_order` and checked against the
    coordinate form in ``tests/test_codegen.py``.
    """
    u, v = sp.Matrix(U), sp.Matrix(V)
    parts = co.loop_coefficients_by_order(tuple(-u), tuple(u - v), tuple(v), 3)
    r_ij, r_ik = sp.Symbol("R_ij", positive=True), sp.Symbol("R_ik", positive=True)
    r_kj = sp.Symbol("R_kj", positive=True)
    weight = sp.exp(r_kj - r_ik - r_ij) / 8
    outputs = {}
    for name, order, key in (("drift", 3, "Gamma"), ("source", 2, "Gamma"), ("sge", 3, "Lambda"),
                             ("sge_sep", 2, "Lambda")):
        for axis, expr in zip("xyz", parts[order].as_dict()[key]):
            outputs[f"{name}_{axis}"] = sp.factor_terms(sp.expand(expr)) * weight
    return [KernelSpec(
        "triad_spin_generation",
        "Spin generation per unit current I_kj of the triad (i; j, k): drift (S42), source (S44), SGE (S15) at orders 3 and 2.",
        outputs)]


def energy_kernel_spec() -> KernelSpec:
    """Kernel ``triad_energy_weight(e_i, e_j, e_k) -> (h, h_emf)`` of the triad (i; k, j), energies in k_BT.

    ``h = h_ikj`` multiplies the drift and source outputs of ``triad_spin_generation`` (per unit current
    I_kj, (S27) with energies); ``h_emf = h_kij`` the SGE EMF per bond (i, j) (derivations/d12).
    """
    return KernelSpec("triad_energy_weight",
                      "Energy factors of the triad (i; k, j): h multiplies the drift/source weights per unit "
                      "current I_kj (S27); h_emf the SGE EMF (Lambda_ikj n_j / I0_ij). Energies in k_BT.",
                      {"h": en.triad_energy_weight(en.E_I, en.E_J, en.E_K),
                       "h_emf": en.triad_emf_weight(en.E_I, en.E_J, en.E_K)})
