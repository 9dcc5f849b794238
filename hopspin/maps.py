"""Maps of the per-site fields of one simulation: drift spin generation and spin separation S̃^z."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._io import output_dir, save_figure

__all__ = ["write_maps"]


def _scatter(ax, pos, values, title, label, plt):
    from matplotlib.colors import SymLogNorm

    scale = np.max(np.abs(values)) if values.size else 1.0
    linthresh = max(scale * 1e-4, 1e-300)
    order = np.argsort(np.abs(values))  # strongest on top
    sc = ax.scatter(pos[order, 0], pos[order, 1], c=values[order], s=2, cmap="RdBu_r", rasterized=True,
                    norm=SymLogNorm(linthresh=linthresh, vmin=-scale, vmax=scale))
    ax.set_aspect("equal")
    ax.set_xlabel(r"$x$ ($a_b$), current along $+x$")
    ax.set_ylabel(r"$y$ ($a_b$)")
    ax.set_title(title, fontsize=10)
    plt.colorbar(sc, ax=ax, label=label, shrink=0.85)


def write_maps(result, directory: Path | str, tau_index: int | None = None) -> list[Path]:
    """Write PNG+PDF maps of a :class:`numerics.simulate.SimulationResult` with fields kept.

    ``tau_index`` selects the τ_s of the S̃^z map (default: the middle non-zero τ_s).
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory = output_dir(directory, "--maps")
    pos = result.positions
    nonzero = [k for k, t in enumerate(result.tau_s) if t > 0]
    if tau_index is None:
        tau_index = nonzero[len(nonzero) // 2] if nonzero else 0
    written = []
    panels = [("drift_generation", result.drift_generation,
               "drift spin generation (s_y per site, units of f)", r"$\Sigma'_{jk}$ drift weight")]
    if result.spin_z is not None and len(result.tau_s):
        tau = result.tau_s[tau_index]
        panels.append(("spin_separation", result.spin_z[tau_index] / result.border_current,
                       rf"spin separation $\tilde S^z$ at $\tau_s = {tau:.3g}\,\tau_0$",
                       r"$\tilde S^z / I_{total}$ ($\tau_0$, per unit border current)"))
    for stem, values, title, label in panels:
        fig, ax = plt.subplots(figsize=(6.2, 5.4))
        _scatter(ax, pos, np.asarray(values), f"{title}\n$n_s a_b^2$ = {result.site_density}, N = {result.sites}, "
                 f"seed {result.seed}", label, plt)
        png = directory / f"{stem}.png"
        save_figure(fig, png, dpi=130, bbox_inches="tight")
        save_figure(fig, directory / f"{stem}.pdf", bbox_inches="tight")
        plt.close(fig)
        written.append(png)
    return written
