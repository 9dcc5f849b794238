"""``hopspin estimate``: the paper's order-of-magnitude estimates in physical units, Eqs. (13)–(16), (S28)–(S30).

Quantities are given with units (parsed by pint in :mod:`numerics.estimates.units`); every default is the
paper's typical parameter set (T = 4 K is our choice).  ``--field`` is the electric field; a magnetic field is
``--magnetic-field "2 mT"`` (with ``--g-factor``): the Larmor frequency, ω_L τ0, ω_L τ_s, the Hanle half-width
ħ/(|g| μ_B τ_s) and the size of the neglected equilibrium-drift term (:mod:`numerics.estimates.zeeman`).
``--disorder-width "2 meV"`` is the spread W of the site energies: with ``--temperature`` it gives
W/k_BT (the ``--energy-disorder`` of ``simulate``), and the simulated f is computed at it.
Without ``--f`` the function f(n_s, τ_s) and
f(n_s, 0) come from a small simulation (3 seeds × 20 000 sites by default, about a second each).
"""

from __future__ import annotations

import math

from ._common import UsageError, print_json

__all__ = ["register"]

# option -> (Parameters field, dimension key of numerics.estimates.units.DIMENSIONS, default text)
_OPTIONS = {
    "--site-density": ("n_s", "site_density", "2e11/cm^2"),
    "--carrier-density": ("n", "carrier_density", "1e10/cm^2"),
    "--localization-radius": ("a_b", "localization_radius", "10 nm"),
    "--hopping-energy": ("J0", "hopping_energy", "10 meV"),
    "--beta-xy": ("beta_xy", "beta", "10 meV*angstrom"),
    "--beta-yx": ("beta_yx", "beta", "10 meV*angstrom"),
    "--mass": ("m", "mass", "0.1 m0"),
    "--field": ("E", "field", "1 kV/cm"),
    "--rho0": ("rho0", "resistance", "50 kOhm"),
    "--tau0": ("tau0", "time", "10 ps"),
    "--tau-s": ("tau_s", "time", "100 ns"),
    "--temperature": ("T", "temperature", "4 K"),
}
_MAY_BE_ZERO = {"--field"}
_ANY_SIGN = {"--beta-xy", "--beta-yx"}


def _dest(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def _parameters(args):
    """Parse the unit-carrying options into :class:`numerics.estimates.Parameters` (SI)."""
    import numpy as np

    from numerics.estimates import Parameters
    from numerics.estimates.units import parse_quantity

    values = {}
    _refuse_magnetic_field(args.field)
    for option, (fieldname, dim, _) in _OPTIONS.items():
        text = getattr(args, _dest(option))
        value = parse_quantity(text, dim, option)
        if option in _MAY_BE_ZERO and value < 0:
            raise UsageError(f"{option} must be >= 0, got {text!r}")
        if option not in _MAY_BE_ZERO and option not in _ANY_SIGN and value <= 0:
            raise UsageError(f"{option} must be positive, got {text!r}")
        values[fieldname] = value
    beta = np.array([[0.0, values.pop("beta_xy")], [values.pop("beta_yx"), 0.0], [0.0, 0.0]])
    if args.beta is not None:  # a full matrix overrides --beta-xy/--beta-yx
        from numerics.spin_orbit import parse_beta_numeric

        unit = parse_quantity(args.beta_unit, "beta", "--beta-unit")
        beta = parse_beta_numeric(args.beta) * unit
    return Parameters(beta=beta, **values)


def _refuse_magnetic_field(text) -> None:
    """--field is the electric field: a value in tesla is refused with a pointer to --magnetic-field."""
    from hopspin.errors import QuantityError
    from numerics.estimates.units import parse_quantity

    try:
        parse_quantity(text, "magnetic_field", "--field")
    except QuantityError:
        return
    raise UsageError(f"--field is the electric field (e.g. '1 kV/cm'), got the magnetic field {text!r}: give it as "
                     f"--magnetic-field {text!r} (with --g-factor)")


def _magnetic_input(args):
    """(B in tesla, g) of --magnetic-field / --g-factor, validated before any work (None without a field)."""
    if args.magnetic_field is None:
        if args.g_factor is not None:
            raise UsageError("--g-factor needs --magnetic-field (e.g. --magnetic-field '2 mT')")
        return None
    from numerics.estimates.units import parse_quantity

    field = parse_quantity(args.magnetic_field, "magnetic_field", "--magnetic-field")
    if field < 0:
        raise UsageError(f"--magnetic-field must be >= 0, got {args.magnetic_field!r}")
    g = [-0.44] if args.g_factor is None else args.g_factor
    if len(g) not in (1, 2) or not all(math.isfinite(v) and v != 0 and abs(v) <= 100 for v in g):
        raise UsageError(f"--g-factor takes one or two finite non-zero values within +-100 (g_par [g_perp]), got {g}")
    return field, (g[0] if len(g) == 1 else tuple(g))


def _disorder(args, params):
    """W/k_BT of --disorder-width at the temperature of the parameters (0 without it)."""
    if args.disorder_width is None:
        return 0.0
    from numerics.energies import ENERGY_DISORDER_MAX
    from numerics.estimates.units import parse_quantity

    width = parse_quantity(args.disorder_width, "[energy]", "--disorder-width")
    if width < 0:
        raise UsageError(f"--disorder-width must be >= 0, got {args.disorder_width!r}")
    ratio = width / (1.380649e-23 * params.T)
    if ratio > ENERGY_DISORDER_MAX:
        raise UsageError(f"--disorder-width {args.disorder_width!r} at T = {params.T:g} K is W/k_BT = {ratio:.4g}, "
                         f"above the largest {ENERGY_DISORDER_MAX:g} the simulation accepts")
    return ratio


def _compute(args):
    from hopspin.errors import HopspinError
    from numerics.estimates import estimate, simulated_f, site_density_ab2

    params = _parameters(args)
    params.validate()  # warn before a simulation that may fail (estimate() repeats; printed once)
    disorder = _disorder(args, params)
    simulation = None
    if args.f is None:
        if args.f0 is not None:
            raise UsageError("--f0 needs --f (without --f both come from the simulation)")
        density = site_density_ab2(params)
        if args.sites < 20 or not args.seeds:
            raise UsageError(f"--sites must be >= 20 and --seeds non-empty, got {args.sites}, {args.seeds}")
        try:
            simulation = simulated_f(density, params.tau_s / params.tau0, seeds=args.seeds, sites=args.sites,
                                     energy_disorder=disorder)
        except HopspinError as exc:  # ParameterError, NotPercolatingError, ConservationError, ...
            raise UsageError(f"cannot simulate f at n_s a_b^2 = {density:.3g} ({exc}); "
                             "pass --f VALUE (and --f0 VALUE) instead") from None
        f, f0 = simulation["f"], simulation["f0"]
    else:
        f, f0 = args.f, args.f if args.f0 is None else args.f0
        for name, v in (("--f", f), ("--f0", f0)):
            if not math.isfinite(v):
                raise UsageError(f"{name} must be a finite number, got {v}")
    record = estimate(params, f=f, f0=f0)
    if args.disorder_width is not None:
        record["energy_disorder"] = {"width_J": disorder * 1.380649e-23 * params.T, "temperature_K": params.T,
                                     "W_over_kT": disorder, "distribution": "uniform",
                                     "note": "simulate --energy-disorder W_over_kT runs this disorder"}
    return record, simulation, params


def _cmd_estimate(args) -> int:
    _refuse_magnetic_field(args.field)
    magnetic = _magnetic_input(args)
    record, simulation, params = _compute(args)
    if magnetic is not None:
        from numerics.estimates import zeeman_estimate
        record["zeeman"] = zeeman_estimate(params, magnetic[0], magnetic[1], f_dr=record["f0"])
    if simulation is not None:
        record["f_source"] = (f"simulated: {len(simulation['seeds'])} seeds x {simulation['sites']} sites at "
                              f"n_s a_b^2 = {record['site_density_ab2']:.4g}, tau_s/tau0 = {params.tau_s / params.tau0:.4g}")
        record["simulation"] = simulation
    if args.json:
        print_json(record)
        return 0
    _print_text(record, simulation)
    return 0


def _print_text(r: dict, simulation) -> None:
    cr = r["crossover"]
    fz = r["factors"]
    f_note = r["f_source"]
    if simulation is not None:
        f_note += f" (spread f: {simulation['f_std']:.2g}, f0: {simulation['f0_std']:.2g})"
    lines = [
        "Estimates after Smirnov & Golub, PRL 118, 116801 (2017), Eqs. (13)-(16), (S28)-(S30); SI units",
        f"  n_s a_b^2            = {r['site_density_ab2']:.4g}",
        f"  l_c                  = {r['l_c']:.4g} m  ({r['l_c_over_a_b']:.4g} a_b)",
        f"  resistivity rho      = {r['resistivity']:.4g} Ohm",
        f"  P                    = {r['P']:.4g} 1/(J^3 m^2 V s)",
        f"  Tr beta^2            = {r['trace_beta2']:.4g} J^2 m^2  (= 2 b_xy b_yx)",
        f"  f(n_s, tau_s)        = {r['f']:.4g},  f(n_s, 0) = {r['f0']:.4g}   [{f_note}]",
        f"  s (CISP, E || x)     = {r['s']:.4g}   s = {[float(f'{v:.4g}') for v in r['s_vector']]}",
        f"  sigma_CISP (m/V)     = {[[float(f'{v:.4g}') for v in row] for row in r['sigma_cisp']]}  (rows s_x,s_y,s_z)",
        f"  sigma_SGE[x,y]       = {r['sigma_sge'][0][1]:.4g} A/m  (T = {r['temperature']:g} K)",
        (f"  sigma_SHE[y,x]       = {r['sigma_she'][1][0]:.4g} 1/(V s)" if r["sigma_she"] is not None else
         "  sigma_SHE            = (Eq. 15 is for the [001] form; use `hopspin simulate --beta`)"),
        (f"  drift spin current   = {r['drift_spin_current'][1]:.4g} 1/(m s)  (y component, f(n_s, 0))"
         if r["drift_spin_current"] is not None else "  drift spin current   = (Eq. 16: [001] form only)"),
        "  factors of s: " + ", ".join(f"{k} = {v:.3g}" for k, v in fz.items() if k != "product"),
        f"  crossover (S28)-(S30): phi = {cr['phi']:.3g}, tau_DP = {cr['tau_DP']:.3g} s, "
        f"k_dr a_b = {cr['k_dr_a_b']:.3g} (rho = {cr['resistivity']:.3g} Ohm)  ->  s = {cr['s']:.3g}",
    ]
    z = r.get("zeeman")
    if z is not None:
        ip, pp = z["in_plane"], z["perpendicular"]
        lines += [
            f"  magnetic field B     = {z['magnetic_field']:.4g} T, g = {z['g_factor']} (g_par, g_perp)",
            f"  omega_L tau0         = {ip['omega_L_tau0']:.4g} (in plane), {pp['omega_L_tau0']:.4g} (growth axis); "
            f"omega_L tau_s = {ip['omega_L_tau_s']:.4g}, {pp['omega_L_tau_s']:.4g}",
            f"  Hanle half-width     = {ip['hanle_half_width_T']:.4g} T (in plane), {pp['hanle_half_width_T']:.4g} T "
            f"(growth axis)  [hbar/(|g| mu_B tau_s)]",
            f"  neglected drift of s0 = {z['equilibrium_spin_s0']:.3g}: {z['drift_precession_ratio']:.3g} x the beta^3 "
            f"CISP generation (hopspin hanle: non-equilibrium part only)",
        ]
    d = r.get("energy_disorder")
    if d is not None:
        lines.append(f"  energy disorder      = W = {d['width_J'] / 1.602176634e-22:.4g} meV at T = {d['temperature_K']:g} K: "
                     f"W/k_BT = {d['W_over_kT']:.4g} (uniform; f above simulated at it: simulate --energy-disorder)")
    print("\n".join(lines))


def register(sub) -> None:
    """Add the ``estimate`` sub-command to an argparse sub-parser collection."""
    p = sub.add_parser("estimate", help="CISP, SGE, SHE estimates in physical units (Eqs. 13-16, S28-S30)",
                       description="Order-of-magnitude estimates in SI units; quantities take units "
                                   "(e.g. '2e11/cm^2', '10 meV*angstrom', '0.1 m0'). Defaults: the "
                                   "paper's typical parameters, T = 4 K.")
    for option, (fieldname, dim, default) in _OPTIONS.items():
        p.add_argument(option, default=default, metavar="QTY", help=f"default {default!r}")
    p.add_argument("--beta", metavar="MATRIX", default=None,
                   help="full spin-orbit matrix (2x2 or 3x2 nested list, rows spin x, y[, z], columns k_x, k_y) "
                        "in units of --beta-unit; overrides --beta-xy/--beta-yx")
    p.add_argument("--beta-unit", default="1 meV*angstrom", metavar="QTY",
                   help="unit of the --beta entries (default '1 meV*angstrom')")
    p.add_argument("--f", type=float, default=None, metavar="VALUE",
                   help="f(n_s, tau_s) of Eq. (13) (default: from a small simulation)")
    p.add_argument("--f0", type=float, default=None, metavar="VALUE",
                   help="f(n_s, 0) for the drift spin current (16) (default: --f)")
    p.add_argument("--sites", type=int, default=20000, help="sites per simulated sample (default 20000)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="simulation seeds (default 0 1 2)")
    p.add_argument("--magnetic-field", default=None, metavar="QTY",
                   help="a magnetic field (e.g. '2 mT'): Larmor frequency, omega_L tau0, the Hanle half-width "
                        "hbar/(|g| mu_B tau_s) and the neglected equilibrium-drift term")
    p.add_argument("--g-factor", type=float, nargs="+", default=None, metavar="G",
                   help="g-factor for --magnetic-field: one value or two (g_par g_perp); default -0.44")
    p.add_argument("--disorder-width", default=None, metavar="QTY",
                   help="spread W of the site energies (e.g. '2 meV'); with --temperature it gives W/k_BT, at which "
                        "the simulated f is computed")
    p.add_argument("--json", action="store_true", help="print the JSON record (SI units)")
    p.set_defaults(func=_cmd_estimate)
