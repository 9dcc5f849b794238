"""``hopspin hanle``: CISP, SGE and spin-Hall tensors versus a Zeeman field (numerics.field; no SymPy)."""

from __future__ import annotations

from ._common import _Once, UsageError, add_config_options, config_from_args, finite_float, print_json, progress_printer

__all__ = ["register"]

_UNITS_NOTE = ("cisp[field][spin][E] in the normalisation of f (Eq. 13; B = 0: Tr(beta^2) beta^T f); "
               "sge[field][current][spin] per unit uniform spin (own route, = generation(-B)^T, units 4 k_B T n/tau_s of the CISP "
               "normalisation); she[field][spin][flow][E] the spin current; field in omega_L tau_0 or tesla (see "
               "field_unit), omega_L_tau0[field][axis] the Larmor vectors")


def _cmd_hanle(args) -> int:
    from numerics.field import hanle
    from numerics.field.hanle import check_config, orbital_inputs
    from numerics.field.inputs import larmor_vectors, parse_field_grid

    base = check_config(config_from_args(args).check())
    fields = parse_field_grid(args.field)
    direction = args.field_direction
    if args.g_factor is not None and len(args.g_factor) not in (1, 2):
        raise UsageError(f"--g-factor takes one value (isotropic) or two (g_par g_perp), got {len(args.g_factor)}")
    g = None if args.g_factor is None else (args.g_factor[0] if len(args.g_factor) == 1 else tuple(args.g_factor))
    tau0 = None
    if args.tau0 is not None:
        from numerics.estimates.units import parse_quantity
        tau0 = parse_quantity(args.tau0, "time", "--tau0")
    values, _, unit = larmor_vectors(fields, direction, g, tau0)     # every field input checked before any work
    if not args.orbital and (args.localization_radius is not None or args.eta is not None):
        raise UsageError("--localization-radius and --eta apply only with --orbital")
    if args.no_zeeman and not args.orbital:
        raise UsageError("--no-zeeman leaves no field term: use it with --orbital")
    orbital = dict(orbital=args.orbital, zeeman=not args.no_zeeman, localization_radius=args.localization_radius,
                   eta=args.eta)
    orbital_inputs(values, unit, direction, tau0, **orbital)
    currents = ("x", "y") if args.current == "both" else (args.current,)
    say = progress_printer(not args.quiet)
    records, results = [], []
    for seed in args.seed:
        cfg = base.replace(seed=seed)
        say(f"seed {seed}: n_s a_b^2 = {cfg.site_density}, N = {cfg.sites}, {len(fields)} fields along {direction}")
        res = hanle(cfg, field=fields, field_direction=direction, g_factor=g, tau0=tau0, currents=currents,
                    progress=say, **orbital)
        say(f"seed {seed}: backward errors {res.max_backward_error:.1e} (real), {res.max_backward_error_complex:.1e} "
            f"(complex); Onsager-Casimir SGE(B) vs R(-B)^T {res.onsager_casimir_error:.1e}")
        results.append(res)
        records += [{**rec, "units_note": _UNITS_NOTE} for rec in res.to_records()]
    if args.json:
        print_json(records[0] if len(records) == 1 else records)
        return 0
    for res in results:
        _print_text(res)
    return 0


def _print_text(res) -> None:
    unit = "T" if res.field_unit == "T" else "omega_L tau_0"
    print(f"n_s a_b^2 = {res.site_density}  N = {res.sites}  seed = {res.seed}  field along "
          f"{[round(v, 4) for v in res.field_direction.tolist()]} ({unit}); Onsager-Casimir check "
          f"{res.onsager_casimir_error:.1e}; backward errors {res.max_backward_error:.1e} / "
          f"{res.max_backward_error_complex:.1e}")
    print(f"note: {res.note}")
    col = "xy".index(res.currents[0])
    for k, t in enumerate(res.tau_s):
        print(f"tau_s = {t:.4g} tau_0: CISP s (current along {res.currents[0]}), SGE j_{res.currents[0]} per unit spin")
        if res.orbital:
            print(f"flux b = e B_z a_b^2/hbar per field: {[float(f'{b:.4g}') for b in res.flux]} (eta = {res.eta:.3g}, "
                  f"a_b = {res.localization_radius:.3g} m{'' if res.zeeman else ', no Zeeman term'})")
        print(f"{'field':>12} {'s_x':>12} {'s_y':>12} {'s_z':>12} {'sge_x':>12} {'sge_y':>12} {'sge_z':>12}")
        for f, b in enumerate(res.field):
            s, j = res.cisp[k, f, :, col], res.sge[k, f, col]
            print(f"{b:12.5g} " + " ".join(f"{v:12.5g}" for v in (*s, *j)))


def register(sub) -> None:
    p = sub.add_parser("hanle", help="CISP, SGE and spin-Hall tensors versus a Zeeman field (Hanle curves)",
                       description="Spin responses of one sample per seed in a Zeeman field, exact solves (one real "
                                   "and one complex shift per (tau_s, |field|)). Bare --field values are "
                                   "omega_L tau_0; values with a unit (2mT) go through the g-tensor.")
    add_config_options(p)
    p.add_argument("--field", nargs="+", required=True, action=_Once, metavar="F",
                   help="field grid: values and ranges START:STOP:COUNT[:log] (e.g. 0:50:41), bare numbers are "
                        "omega_L tau_0, numbers with a unit (2mT, 0mT:10mT:21) a magnetic field; a grid that starts "
                        "negative as one item: --field=-1e-3:1e-3:21 (or --field-direction -x)")
    p.add_argument("--field-direction", default="x", action=_Once, metavar="DIR",
                   help="x | y | z | THETA,PHI (degrees: polar from the growth axis z, azimuth from x) | X,Y,Z")
    p.add_argument("--g-factor", type=finite_float, nargs="+", default=None, action=_Once, metavar="G",
                   help="g-factor for fields with a unit: one value (isotropic) or two (g_par g_perp); default -0.44")
    p.add_argument("--tau0", default=None, action=_Once, metavar="QTY",
                   help="hopping time tau_0 for fields with a unit (default '10 ps', the paper's typical value)")
    p.add_argument("--current", choices=("x", "y", "both"), default="both", action=_Once,
                   help="electric-field directions computed (default both: the full tensors)")
    p.add_argument("--orbital", action="store_true",
                   help="the field also threads the layer: flux b = e B_z a_b^2/hbar in every triad (Hall currents, "
                        "cos Phi sources, spin-Hall transport, field-odd precession); needs a field with a unit")
    p.add_argument("--localization-radius", default=None, action=_Once, metavar="QTY",
                   help="a_b of the orbital flux (default '10 nm'); with --orbital")
    p.add_argument("--eta", type=finite_float, default=None, action=_Once, metavar="X",
                   help="eta = hbar/(J0 tau0) of the orbital terms (default J0 = 10 meV and --tau0: 6.6e-3 at 10 ps); "
                        "with --orbital")
    p.add_argument("--no-zeeman", action="store_true", help="drop the Larmor precession (orbital part only)")
    p.add_argument("--json", action="store_true", help="print one JSON record per seed and tau_s")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=_cmd_hanle)
