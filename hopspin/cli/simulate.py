"""``hopspin simulate`` and ``hopspin triangle``: the numerical sub-commands (no SymPy)."""

from __future__ import annotations

import numpy as np

from ._common import add_config_options, config_from_args, print_json, progress_printer, tau_value

__all__ = ["register"]

_TENSOR_UNITS = ("cisp_tensor[k][spin][field] in the normalisation of f (Eq. 13: [001] gives Tr(beta^2) beta^T f);"
                 " sge_tensor[k][field][spin] computed on its own, = cisp_tensor^T by (S39) in units of"
                 " 4 k_B T n / tau_s; spin_current[k][component][field] carries spin along separation_axis;"
                 " beta in hbar^2/(m a_b)")


def _cmd_simulate(args) -> int:
    from numerics.spin_orbit import parse_beta_numeric

    beta = None if args.beta is None else parse_beta_numeric(args.beta)
    base = config_from_args(args, beta=None if beta is None else beta.tolist()).check()
    if args.maps:
        from hopspin._io import output_dir
        output_dir(args.maps, "--maps")          # before any work
    say = progress_printer(not args.quiet)
    if beta is not None:
        return _simulate_tensor(args, base, say)
    from numerics.simulate import simulate

    records, results = [], []
    for seed in args.seed:
        cfg = base.replace(seed=seed)
        say(f"seed {seed}: n_s a_b^2 = {cfg.site_density}, N = {cfg.sites}")
        result = simulate(cfg, progress=say, keep_fields=bool(args.maps))
        results.append(result)
        records.append(result.to_record())
        if args.maps:
            from hopspin.maps import write_maps
            out_dir = args.maps if len(args.seed) == 1 else f"{args.maps}/seed{seed}"
            for path in write_maps(result, out_dir):
                say(f"wrote {path}")
    if args.json:
        print_json(records[0] if len(records) == 1 else records)
        return 0
    for r in results:
        print(f"n_s a_b^2 = {r.site_density}  N = {r.sites}  seed = {r.seed}  cluster = {r.cluster_sites} sites, "
              f"{r.bonds} bonds, {r.triangles} triangles")
        print(f"f_dr = {r.f_dr:.6g}   max conservation error = {r.max_conservation_error:.1e}   "
              f"({r.seconds:.1f} s)")
        print(f"{'tau_s / tau_0':>14} {'f_diff':>13} {'f':>13}")
        for t, fd, f in zip(r.tau_s, r.f_diff, r.f):
            print(f"{t:14.4g} {fd:13.6g} {f:13.6g}")
    return 0


def _simulate_tensor(args, base, say) -> int:
    from numerics.tensor import cisp_tensor

    records = []
    for seed in args.seed:
        cfg = base.replace(seed=seed)
        say(f"seed {seed}: CISP tensor for beta = {cfg.beta_matrix.tolist()} (fields along x and y)")
        res = cisp_tensor(cfg, with_sge=True)
        records.append({**res.to_record(), "units_note": _TENSOR_UNITS})
        if not args.json:
            print(f"n_s a_b^2 = {cfg.site_density}  N = {cfg.sites}  seed = {seed}  beta = {res.beta.tolist()}")
            print(f"separated spin along {np.round(res.axis, 6).tolist()}; conservation {res.max_conservation_error:.1e}, "
                  f"KKM (10) check {res.kkm_error:.1e}, "
                  + ("" if res.eq12_error is None else f"Eq. (12) check {res.eq12_error:.1e}, ")
                  + f"Onsager (S39) SGE vs CISP^T {res.onsager_error:.1e}")
            for k, t in enumerate(res.tau_s):
                print(f"tau_s = {t:.4g} tau_0: CISP tensor (rows s_x, s_y, s_z; columns E_x, E_y)")
                for row, name in zip(res.cisp[k], "xyz"):
                    print(f"   s_{name}: {row[0]:12.5g} {row[1]:12.5g}")
    if args.json:
        print_json(records[0] if len(records) == 1 else records)
    return 0


def _cmd_triangle(args) -> int:
    from numerics.triangle import s46, triangle

    r = triangle(args.side, tau_s=tuple(args.tau_s))
    f_dr, f_diff = s46(args.side, args.tau_s)

    def rel(a, b):
        return abs(a - b) / max(abs(b), 1e-300)

    record = {"side": args.side, "tau_s": [float(t) for t in r.tau_s], "f_dr": r.f_dr,
              "f_diff": [float(v) for v in r.f_diff], "s46_f_dr": f_dr, "s46_f_diff": [float(v) for v in f_diff],
              "max_relative_difference": max([rel(r.f_dr, f_dr)] + [rel(a, b) for a, b in zip(r.f_diff, f_diff)
                                                                     if b != 0]),
              "max_conservation_error": r.max_conservation_error}
    if args.json:
        print_json(record)
    else:
        print(f"equilateral triangle, side a = {args.side} a_b, through the network pipeline (S42)-(S45)")
        print(f"f_dr = {r.f_dr:.10g}   (S46: {f_dr:.10g})")
        for t, a, b in zip(r.tau_s, r.f_diff, f_diff):
            print(f"tau_s = {t:.4g} tau_0: f_diff = {a:.10g}   (S46: {b:.10g})")
        print(f"largest relative difference from (S46): {record['max_relative_difference']:.1e}")
    return 0 if record["max_relative_difference"] <= 1e-9 else 1


def register(sub) -> None:
    p = sub.add_parser("simulate", help="percolation simulation of f(n_s, tau_s) (S40)-(S45)")
    add_config_options(p, energies=True)
    p.add_argument("--beta", metavar="MATRIX", help="general spin-orbit matrix (3x2 or 2x2 nested list in "
                   "hbar^2/(m a_b), or rd:ALPHA,BETA_D / rashba:A / dresselhaus:B / 110:BETA_ZX[,ALPHA]): "
                   "prints the full CISP tensor (fields along x and y) and spin currents")
    p.add_argument("--maps", metavar="DIR", help="write maps of the drift spin generation and of S~z (PNG+PDF)")
    p.add_argument("--json", action="store_true", help="print JSON records")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("triangle", help="the 3-site triangle (S46) through the general network pipeline")
    p.add_argument("--side", type=float, required=True, metavar="A", help="side of the triangle in a_b")
    p.add_argument("--tau-s", type=tau_value, nargs="+", required=True, metavar="T",
                   help="spin relaxation times in tau_0")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_triangle)
