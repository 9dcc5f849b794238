"""``hopspin hall``: the hopping Hall effect (Holstein's three-site term) of random samples.

For each seed: the Hall current with equipotential (short-circuited) transverse borders, the
longitudinal current in the field, Hall angle, voltage, mobility and coefficient, per flux
b = e B_z a_b²/ħ (:mod:`numerics.flux.hall`); with ``--spin`` also the CISP in the field and its
field-odd part at the given τ_s (:mod:`numerics.flux.spin`).  ``--json`` prints one strict-JSON
record per seed (a list for several seeds): ``{"flux": [...], "hall_current": [...], "current": [...],
...}``.  Exit status 0 only if Onsager–Casimir σ_yx(b) = σ_xy(−b) holds to 1e-6 and, where ±b pairs are
given, the Hall current is odd in b to 1e-12.
"""

from __future__ import annotations

import math
import sys

from ._common import _Once, add_config_options, config_from_args, finite_float, print_json, progress_printer

__all__ = ["register", "run", "ONSAGER_TOLERANCE", "ANTISYMMETRY_TOLERANCE"]

ONSAGER_TOLERANCE = 1e-6
ANTISYMMETRY_TOLERANCE = 1e-12
UNITS = ("flux b = e B_z a_b^2/hbar (0.152 per tesla for a_b = 10 nm); current and hall_current are particle "
         "currents per unit potential difference in the units of simulate's border_current (Kirchhoff conductances "
         "exp(-2R/a_b), i.e. multiply by e^2 nu/(k_B T tau_0) for a conductance in S); hall_current > 0 means a "
         "Hall particle current along +y for b > 0 (the free-electron sign); hall_mobility in e a_b^2/hbar "
         "(0.152 m^2/(V s) for a_b = 10 nm); eta = hbar/(J0 tau_0)")


def register(sub) -> None:
    """Add the ``hall`` sub-command to an argparse sub-parsers object."""
    from numerics.flux.hall import ETA_TYPICAL

    p = sub.add_parser("hall", help="hopping Hall effect: Hall current, angle, mobility per flux b (and --spin: "
                                    "the field-odd CISP)")
    add_config_options(p, density_default=0.01, sites_default=20000, tau_default=(1000.0,))
    p.add_argument("--flux", type=finite_float, nargs="+", required=True, metavar="B", action=_Once,
                   help="flux densities b = e B_z a_b^2/hbar (dimensionless; 0.152 per tesla for a_b = 10 nm)")
    p.add_argument("--eta", type=finite_float, default=ETA_TYPICAL, action=_Once,
                   help=f"hbar/(J0 tau0): three-site rates against hops (default {ETA_TYPICAL:.3g}: J0 = 10 meV, "
                        "tau0 = 10 ps)")
    p.add_argument("--spin", action="store_true", help="also the CISP in the field at the given --tau-s (unit "
                                                       "[001] beta) and its field-odd part")
    p.add_argument("--json", action="store_true", help="print one JSON record per seed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=run)


def run(args) -> int:
    """Execute ``hopspin hall`` for parsed ``args``; returns the exit status."""
    from numerics.flux.hall import check_flux, hall
    from numerics.flux.spin import flux_cisp

    flux = check_flux(args.flux)
    base = config_from_args(args).check()
    say = progress_printer(not args.quiet)
    records, ok = [], True
    for seed in args.seed:
        say(f"seed {seed}: n_s a_b^2 = {base.site_density}, N = {base.sites}, flux {list(flux)}, eta = {args.eta:g}")
        res = hall(base, seed=seed, flux=flux, eta=args.eta, progress=say)
        rec = res.to_record()
        rec["units_note"] = UNITS
        anti = res.antisymmetry_error
        good = res.onsager_error <= ONSAGER_TOLERANCE and (math.isnan(anti) or anti <= ANTISYMMETRY_TOLERANCE)
        ok = ok and good
        spin = None
        if args.spin:
            say(f"seed {seed}: CISP in the field, tau_s = {list(base.tau_s)}")
            spin = flux_cisp(base, seed=seed, flux=flux, eta=args.eta, progress=say)
            rec["spin"] = spin.to_record()
        records.append(rec)
        say(f"seed {seed}: Onsager error {res.onsager_error:.1e}, antisymmetry {anti:.1e} in "
            f"{sum(res.timings.values()):.1f} s")
        if not args.json:
            _print_text(res, spin)
    if args.json:
        print_json(records[0] if len(records) == 1 else records)
    elif not ok:
        print("hopspin: Onsager-Casimir or the antisymmetry in b NOT reproduced to tolerance", file=sys.stderr)
    return 0 if ok else 1


def _print_text(res, spin) -> None:
    print(f"n_s a_b^2 = {res.site_density}  N = {res.sites}  seed = {res.seed}  eta = {res.eta:.4g}  cluster = "
          f"{res.cluster_sites} sites, {res.bonds} bonds, {res.triangles} triangles")
    print(f"I_x(0) = {res.current_zero:.6e}   I_y(0) = {res.current_y:.6e}   mu_H(b -> 0) = "
          f"{res.hall_mobility_linear:.6e} e a_b^2/hbar   (critical triad: {res.critical_triad_flux:.3g} rad per unit b)")
    print(f"Onsager-Casimir |sigma_yx(b) - sigma_xy(-b)|/max = {res.onsager_error:.1e}   odd in b: "
          f"{res.antisymmetry_error:.1e}   Neumann: {res.neumann_terms} terms, bound {res.neumann_bound:.2f}")
    print(f"{'b':>10} {'hall_current':>14} {'current':>14} {'hall_angle':>12} {'mobility':>12} {'magnetores.':>12}")
    for k, b in enumerate(res.flux):
        print(f"{b:10.4g} {res.hall_current[k]:14.6e} {res.current[k]:14.6e} {res.hall_angle[k]:12.4e} "
              f"{res.hall_mobility[k]:12.4e} {res.magnetoresistance[k]:12.3e}")
    if spin is not None:
        print(f"CISP in the field (KKM {spin.kkm_error:.1e}, Eq. (12) {spin.eq12_error:.1e}, b = 0 vs zero-field "
              f"{spin.zero_field_error:.1e})")
        print(f"{'b':>10} {'tau_s':>10} {'f_y':>14} {'f_x':>14} {'f_x odd':>14}")
        for k, b in enumerate(spin.flux):
            for j, t in enumerate(spin.tau_s):
                print(f"{b:10.4g} {t:10.4g} {spin.f_y[k, j]:14.6e} {spin.f_x[k, j]:14.6e} {spin.f_x_odd[k, j]:14.6e}")
