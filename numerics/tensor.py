"""The full CISP tensor and spin-Hall response for any β: fields along x and along y.

The field along y is simulated on the same sample rotated by 90°: positions
``R' = (y, L − x)`` so that the current flows along +x' = +y.  Spin axes do not rotate; the
spin-orbit matrix in the rotated frame is ``β' = β Mᵀ`` with ``M = [[0, 1], [−1, 0]]``
(``d = β R = β' R'``).

Structure (derived from the third-order kinetic coefficients, ``derivations/``): per sample,
``s(E ∥ ê_ν) = −c × β w_ν(τ_s)`` with ``c = (βê_x) × (βê_y)`` and a β-independent geometric
vector ``w_ν``; for an isotropic sample ``w_x ≈ (0, 2f)``, ``w_y ≈ (−2f, 0)``, so

    σ_CISP ∝ −2 [c]_× β R₉₀ f,     R₉₀ = [[0, −1], [1, 0]],

which for the [001] form is ``Tr β² βᵀ f`` (Eq. 13) and vanishes at Rashba = Dresselhaus.
For a [110] well with Rashba α and Dresselhaus β_zx, ``c = (0, αβ_zx, α²)`` and a field along x
gives spin along y **and z**: ``(0, −2α³, 2α²β_zx)·(−f)``… (see :func:`predicted_tensor`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .config import SimulationConfig, resolve_config
from .network import build_network
from .response import SpinResponse, spin_response
from .results import Quantity, ResultSchema
from .sample import Sample
from .solvers import NetworkAnalysis, solve_kirchhoff
from .spin_orbit import cisp_structure

__all__ = ["TensorResult", "cisp_tensor", "rotate_sample", "predicted_tensor", "ROTATION"]

ROTATION = np.array([[0.0, 1.0], [-1.0, 0.0]])  # R' = M R


def rotate_sample(sample: Sample) -> Sample:
    """The sample rotated by −90° and shifted back into the square: ``(x, y) → (y, L − x)``."""
    pos = sample.positions
    rotated = np.column_stack([pos[:, 1], sample.side - pos[:, 0]])
    return Sample(positions=rotated, side=sample.side, site_density=sample.site_density, seed=sample.seed,
                  energies=sample.energies)


def predicted_tensor(beta, f: float) -> np.ndarray:
    """``−2 [c]_× β R₉₀ f``: the isotropic-sample CISP tensor (3×2) in the normalisation of f
    (:func:`numerics.spin_orbit.cisp_structure` × f)."""
    return f * cisp_structure(beta)


@dataclass
class TensorResult(ResultSchema):
    """CISP tensor (3 spin × 2 field components) and spin currents for each τ_s.

    ``cisp[k]`` is 3×2 in the normalisation of f (Eq. 13: for [001], ``Tr β² βᵀ f``);
    ``sge[k]`` (optional) is 2×3, the spin-galvanic current (current direction × spin direction)
    computed on its own (:func:`numerics.sge.short_circuit_response`), equal to ``cisp[k]ᵀ`` by (S39);
    ``spin_current[k]`` is 2×2 (current component × field direction), carrying spin along
    ``axis`` (the spin-Hall response, Eq. 15); ``responses`` are the two runs (E ∥ x, E ∥ y).
    """

    beta: np.ndarray
    tau_s: np.ndarray
    cisp: np.ndarray
    cisp_drift: np.ndarray
    spin_current: np.ndarray
    axis: np.ndarray
    responses: tuple[SpinResponse, SpinResponse]
    max_conservation_error: float
    kkm_error: float
    eq12_error: float | None
    seconds: float
    sge: np.ndarray | None = None
    config: SimulationConfig | None = field(default=None, repr=False)

    QUANTITIES = (
        Quantity("cisp_tensor", ("tau_s", "spin", "electric_field"), "1",
                 "CISP tensor in the normalisation of f (Eq. 13; [001]: Tr(beta^2) beta^T f)", attr="cisp"),
        Quantity("cisp_tensor_drift", ("spin", "electric_field"), "1", "drift part of the CISP tensor (S42)", attr="cisp_drift"),
        Quantity("spin_current", ("tau_s", "flow", "electric_field"), "1",
                 "spin current (11) carrying spin along separation_axis, normalisation of f (spin-Hall, Eq. 15)"),
        Quantity("sge_tensor", ("tau_s", "current", "spin"), "1", "spin-galvanic tensor by its own route, in units "
                 "4 k_B T n / tau_s of the CISP normalisation (= cisp^T by (S39))", attr="sge"),
        Quantity("separation_axis", ("spin",), "1", "direction c/|c| of the separated spin, c = (beta e_x) x (beta e_y)",
                 attr="axis"),
        Quantity("max_conservation_error", (), "1", "largest node-current imbalance / I_total of both Kirchhoff solves"),
        Quantity("kkm_error", (), "1", "relative violation of the KKM relation (10)"),
        Quantity("onsager_error", (), "1", "max |sge - cisp^T| / max |cisp| (S39)"),
    )
    COORDS = {"tau_s": ("tau_s", "tau_0", "spin relaxation time"),
              "spin": (None, "1", "spin component"), "electric_field": (None, "1", "direction of the electric field"),
              "flow": (None, "1", "direction of the spin flow"), "current": (None, "1", "direction of the current")}
    LABELS = {"spin": ["x", "y", "z"], "electric_field": ["x", "y"], "flow": ["x", "y"], "current": ["x", "y"]}

    @property
    def onsager_error(self) -> float:
        """max |σ_SGE[ν, μ] − σ_CISP[μ, ν]| / max |σ_CISP| (both in the normalisation of f; Eq. S39)."""
        if self.sge is None:
            return float("nan")
        scale = max(float(np.max(np.abs(self.cisp))), 1e-300)
        return float(np.max(np.abs(self.sge - np.swapaxes(self.cisp, 1, 2))) / scale)

    def parameters(self) -> dict:
        base = self.config.parameters() if self.config is not None else {}
        return {**base, "beta": self.beta.tolist(), "seconds": round(self.seconds, 3),
                "eq12_error": self.eq12_error}


def _max_or_none(*values):
    """Largest of the values that are not None (None if all are)."""
    present = [v for v in values if v is not None]
    return max(present) if present else None


def cisp_tensor(config: SimulationConfig | None = None, *, sample: Sample | None = None, with_sge: bool = False,
                **overrides) -> TensorResult:
    """CISP tensor, drift part and spin-Hall spin currents for a general β on one sample.

    Parameters
    ----------
    config : SimulationConfig, optional
        Site density, sites, seed, cut-off, β (default the unit [001] model), τ_s grid, engine.
    sample : Sample, optional
        A pre-built sample (then site_density/sites/seed of the config only label the result).
    with_sge : bool
        Also compute the SGE tensor by its own route (6 short-circuit solves).
    **overrides
        Fields of :class:`SimulationConfig`.
    """
    t0 = time.perf_counter()
    cfg = resolve_config(config, overrides).check()
    taus = cfg.tau_s_array
    beta = cfg.beta_matrix
    sample = sample or cfg.sample()
    runs, conservation = [], 0.0
    sge = np.zeros((taus.size, 2, 3)) if with_sge else None
    for nu, (smp, b) in enumerate(((sample, beta), (rotate_sample(sample), beta @ ROTATION.T))):
        net = build_network(smp, hop_cutoff=cfg.hop_cutoff)
        analysis = NetworkAnalysis(net)
        kir = solve_kirchhoff(net, analysis=analysis, engine=cfg.engine)
        conservation = max(conservation, kir.max_conservation_error)
        runs.append(spin_response(net, kir, b, taus, engine=cfg.engine, threads=cfg.threads, analysis=analysis))
        if with_sge:
            from .sge import short_circuit_response
            for mu in range(3):
                direct, prec = short_circuit_response(net, taus, b, np.eye(3)[mu], kir.total_current,
                                                      analysis=analysis, engine=cfg.engine)
                sge[:, nu, mu] = direct + prec
    rx, ry = runs
    cisp = np.stack([rx.s, ry.s], axis=-1)                        # (K, 3, 2)
    drift = np.stack([rx.s_dr, ry.s_dr], axis=-1)                 # (3, 2)
    # spin current of the rotated run back in original axes: u = Mᵀ u'
    spin_current = np.stack([rx.u, ry.u @ ROTATION], axis=-1)     # (K, 2, 2)
    return TensorResult(beta=beta, tau_s=taus, cisp=cisp, cisp_drift=drift, spin_current=spin_current,
                        axis=rx.axis, responses=(rx, ry), max_conservation_error=conservation,
                        kkm_error=max(rx.kkm_error, ry.kkm_error), eq12_error=_max_or_none(rx.eq12_error, ry.eq12_error),
                        seconds=time.perf_counter() - t0, sge=sge, config=cfg)
