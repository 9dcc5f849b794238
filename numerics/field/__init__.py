"""Spin responses in a magnetic field (issues 13, 14): Larmor precession, Hanle curves, Onsager–Casimir, and the
field's orbital flux acting at the same time.

=====================  ==========================================================================
``hanle``              :func:`hanle` — CISP, SGE, SHE tensors of one sample versus the field (public API)
``response``           the responses from shared exact solves (:func:`field_response`, replaceable inputs)
``complex_shift``      (𝓛 + z) solves for real and complex shifts, backward errors, the forward bound
``vectors``            the channel lift, ε(ε − ω×)⁻¹, KKM (numpy)
``inputs``             field grids, directions, the g-tensor, tesla → ω_L τ0
``signs``              where each conductivity changes sign versus |ω| (the arXiv:1805.04061 claim)
``orbital``            Zeeman + orbital flux at once (:func:`orbital_response`, ``hanle(orbital=True)``)
``orbital_ops``        per-flux spin-Hall transport H and M¹ tensors; the Neumann channel solve per shift
=====================  ==========================================================================

Theory: ``theory/zeeman.py``, ``theory/zeeman_triangle.py``, ``derivations/d10_zeeman.py``.
"""
from .hanle import HanleResult, current_runs, drift_note, hanle
from .response import CurrentRun, FieldResponse, field_response

__all__ = ["hanle", "HanleResult", "current_runs", "drift_note", "CurrentRun", "FieldResponse", "field_response"]
