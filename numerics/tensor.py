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
from dataclasses import dataclass

import numpy as np

from .kirchhoff import solve_kirchhoff
from .network import build_network
from .response import SpinResponse, spin_response
from .sample import Sample, random_sample
from .simulate import validate_parameters

__all__ = ["TensorResult", "cisp_tensor", "rotate_sample", "predicted_tensor", "ROTATION"]

ROTATION = np.array([[0.0, 1.0], [-1.0, 0.0]])  # R' = M R


def rotate_sample(sample: Sample) -> Sample:
    """The sample rotated by −90° and shifted back into the square: ``(x, y) → (y, L − x)``."""
    pos = sample.positions
    rotated = np.column_stack([pos[:, 1], sample.side - pos[:, 0]])
    return Sample(positions=rotated, side=sample.side, site_density=sample.site_density, seed=sample.seed)


def predicted_tensor(beta, f: float) -> np.ndarray:
    """``−2 [c]_× β R₉₀ f``: the isotropic-sample CISP tensor (3×2) in the normalisation of f."""
    beta = np.asarray(beta, dtype=float).reshape(3, 2)
    c = np.cross(beta[:, 0], beta[:, 1])
    r90 = np.array([[0.0, -1.0], [1.0, 0.0]])
    cols = beta @ r90
    return -2 * f * np.column_stack([np.cross(c, cols[:, 0]), np.cross(c, cols[:, 1])])


@dataclass
class TensorResult:
    """CISP tensor (3 spin × 2 field components) and spin currents for each τ_s.

    ``cisp[k]`` is 3×2 in the normalisation of f (Eq. 13: for [001], ``Tr β² βᵀ f``);
    ``sge[k]`` (optional) is 2×3, the spin-galvanic current (field direction × spin direction)
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

    @property
    def onsager_error(self) -> float:
        """max |σ_SGE[ν, μ] − σ_CISP[μ, ν]| / max |σ_CISP| (both in the normalisation of f; Eq. S39)."""
        if self.sge is None:
            return float("nan")
        scale = max(float(np.max(np.abs(self.cisp))), 1e-300)
        return float(np.max(np.abs(self.sge - np.swapaxes(self.cisp, 1, 2))) / scale)

    def to_record(self) -> dict:
        extra = {} if self.sge is None else {"sge_tensor": self.sge.tolist(), "onsager_error": self.onsager_error}
        return {**extra, "beta": self.beta.tolist(), "tau_s": self.tau_s.tolist(), "cisp_tensor": self.cisp.tolist(),
                "cisp_tensor_drift": self.cisp_drift.tolist(), "spin_current": self.spin_current.tolist(),
                "separation_axis": self.axis.tolist(), "max_conservation_error": self.max_conservation_error,
                "kkm_error": self.kkm_error, "eq12_error": self.eq12_error, "seconds": round(self.seconds, 3)}


def _max_or_none(*values):
    """Largest of the values that are not None (None if all are)."""
    present = [v for v in values if v is not None]
    return max(present) if present else None


def cisp_tensor(site_density: float, sites: int, seed: int | None, tau_s, beta, hop_cutoff: float = 1.5,
                sample: Sample | None = None, with_sge: bool = False, solver: str = "multifrontal") -> TensorResult:
    """CISP tensor, drift part and spin-Hall spin currents for a general β on one sample.

    Parameters
    ----------
    site_density, sites, seed, tau_s, hop_cutoff : as :func:`numerics.simulate.simulate`
    beta : (3, 2) array-like in ħ²/(m a_b)
    sample : optional pre-built sample (then site_density/sites/seed only label the result)
    with_sge : also compute the SGE tensor by its own route (6 short-circuit solves)
    solver : engine of the (S43) solves (see :func:`numerics.response.spin_response`)
    """
    t0 = time.perf_counter()
    _, n_sites, taus, cutoff = validate_parameters(site_density, sites, tau_s, hop_cutoff)
    beta = np.asarray(beta, dtype=float).reshape(3, 2)
    sample = sample or random_sample(site_density, n_sites, seed)
    runs, conservation = [], 0.0
    sge = np.zeros((taus.size, 2, 3)) if with_sge else None
    for nu, (smp, b) in enumerate(((sample, beta), (rotate_sample(sample), beta @ ROTATION.T))):
        net = build_network(smp, hop_cutoff=cutoff)
        kir = solve_kirchhoff(net)
        conservation = max(conservation, kir.max_conservation_error)
        runs.append(spin_response(net, kir, b, taus, solver=solver))
        if with_sge:
            from .sge import short_circuit_response
            for mu in range(3):
                direct, prec = short_circuit_response(net, taus, b, np.eye(3)[mu], kir.total_current)
                sge[:, nu, mu] = direct + prec
    rx, ry = runs
    cisp = np.stack([rx.s, ry.s], axis=-1)                        # (K, 3, 2)
    drift = np.stack([rx.s_dr, ry.s_dr], axis=-1)                 # (3, 2)
    # spin current of the rotated run back in original axes: u = Mᵀ u'
    spin_current = np.stack([rx.u, ry.u @ ROTATION], axis=-1)     # (K, 2, 2)
    return TensorResult(beta=beta, tau_s=taus, cisp=cisp, cisp_drift=drift, spin_current=spin_current,
                        axis=rx.axis, responses=(rx, ry), max_conservation_error=conservation,
                        kkm_error=max(rx.kkm_error, ry.kkm_error), eq12_error=_max_or_none(rx.eq12_error, ry.eq12_error),
                        seconds=time.perf_counter() - t0, sge=sge)
