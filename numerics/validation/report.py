"""The validation report: tables and verdicts from the summary, as a section of any report builder.

``rep`` is duck-typed (``heading``, ``paragraph``, ``table``, ``figure``: :class:`hopspin.report.Report`),
so that ``hopspin validate`` writes its own report and ``hopspin reproduce`` embeds the same section
(:func:`validation_section`).  Every number is read from the summary; nothing here computes physics.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["write_section", "validation_section", "trust_table", "budget_rows", "contradictions", "verdict_rows"]


def _f(x, digits: int = 4) -> str:
    return "—" if x is None or not isinstance(x, (int, float)) or not math.isfinite(x) else f"{x:.{digits}g}"


def _pct(x, digits: int = 2) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{100 * x:.{digits}g} %"


def _sorted(d: dict):
    return sorted(d.items(), key=lambda kv: float(kv[0]))


def budget_rows(s: dict) -> list[list[str]]:
    """Rows of the error-budget table (one per density and quantity)."""
    rows = []
    for b in s.get("budget", []):
        p = b["paper_setting"]
        q = "f(n_s, 0)" if b["quantity"] == "f_dr" else f"f(n_s, τ_s = {float(b['quantity']):.0e} τ0)"
        rows.append([_f(b["density"]), q, f"{_f(p['value'])} ± {_f(p['statistical'], 2)}",
                     f"{_f(p['finite_size'], 2)} ± {_f(p['finite_size_sigma'], 2)}",
                     f"{_f(p['cutoff'], 2)} ± {_f(p['cutoff_sigma'], 2)}", _f(p["total_error"], 2),
                     f"{_f(b['best'])} ± {_f(b['best_sigma'], 2)}", b["limited_by"]])
    return rows


def trust_table(s: dict) -> list[list[str]]:
    """Rows "quantity – converged value – uncertainty – what limits it"."""
    rows = []
    for b in s.get("budget", []):
        q = "f(n_s, 0)" if b["quantity"] == "f_dr" else f"f(n_s, τ_s = {float(b['quantity']):.0e} τ0)"
        rows.append([f"{q} at n_s a_b² = {_f(b['density'])} (N → ∞, converged cut-off)", _f(b["best"]),
                     _f(b["best_sigma"], 2), b["limited_by"]])
    cuts = s["plan"]["cutoff"]["cutoffs"]
    for dk, c in _sorted(s.get("cutoff", {})):
        conv = c["converged"]
        lower = [x for x in cuts if conv is not None and x < conv]
        rows.append([f"cut-off converged to 1 % at n_s a_b² = {dk}",
                     f"{_f(conv)} l_c" if conv is not None else f"not reached below {_f(max(cuts))} l_c",
                     f"grid step (next lower: {_f(lower[-1])} l_c)" if lower else "—",
                     "the cut-off grid; paired seed errors"])
    for dk, z in _sorted(s.get("size", {})):
        if "spread_at_reference" in z:
            sp = z["spread"]
            rows.append([f"sample-to-sample spread of f_dr at N = 5×10⁵, n_s a_b² = {dk}", _pct(z["spread_at_reference"]),
                         f"exponent {_f(sp['exponent'], 3)} ± {_f(sp['exponent_sigma'], 2)}",
                         f"{min(z['seeds'])}–{max(z['seeds'])} seeds per size"])
    thr = s["percolation"]["threshold"]
    rows.append(["l_c √n_s from union-find (N → ∞)", _f(thr["coefficient"], 6), _f(thr["coefficient_sigma"], 2),
                 f"largest N ({_f(max(thr['sites']) if thr['sites'] else math.nan)}); Mertens & Moore: 1.19847"])
    rows.append(["ν from the threshold spread ∝ N^(−1/2ν)", _f(thr["nu_from_spread"], 3),
                 _f(thr["nu_from_spread_sigma"], 2), "seeds per size; 2D percolation: 4/3"])
    fit = s["percolation"]["prefactor"]["fit"]
    rows.append(["power p of ξ_c in ρ = ρ0 ξ_c^p e^{ξ_c}", _f(fit["slope"], 3), _f(fit["slope_sigma"], 2),
                 f"{fit['points']} densities, seeds per density"])
    c = s.get("density", {}).get("constancy")
    if c:
        rows.append([f"relative change of f(n_s, 0) over n_s a_b² = {c['range'][0]:g}–{c['range'][-1]:g}",
                     _pct(c["relative_change"]), _pct(c.get("relative_change_sigma", math.nan)),
                     "the lowest densities' sizes (L/L_0 capped by cost)"])
    return rows


def contradictions(s: dict) -> list[str]:
    """Statements where the data contradict the paper (S5C, Fig. 4 text) or the README, with numbers."""
    out = []
    for dk, c in _sorted(s.get("cutoff", {})):
        k = min(range(len(c["cutoffs"])), key=lambda i: abs(c["cutoffs"][i] - 1.5))
        r, e = c["f_dr"]["relative"][k], c["f_dr"]["relative_sem"][k]
        if float(dk) <= 0.1 and math.isfinite(r) and abs(r) - 2 * e > 0.01:
            out.append(f"Paper (S5C): the 1.5 l_c cut-off is acceptable for n_s a_b² < 0.1. Here at n_s a_b² = {dk}"
                       f"{' (the border of that range)' if float(dk) == 0.1 else ''} "
                       f"f_dr(1.5 l_c) differs from f_dr({c['cutoffs'][-1]:g} l_c) by {100 * r:+.2f} ± {100 * e:.2f} % "
                       f"(paired, N = {c['sites']}); the 1 % cut-off is "
                       f"{_f(c['converged']) + ' l_c' if c['converged'] else 'not reached below ' + _f(c['cutoffs'][-1]) + ' l_c'}.")
    for dk, z in _sorted(s.get("size", {})):
        sp = z.get("spread_at_reference")
        if sp is not None and math.isfinite(sp) and sp > 0.01:
            out.append(f"Paper: deviations between realisations < 1 % at N = 5×10⁵. Here at n_s a_b² = {dk} the "
                       f"fitted spread at 5×10⁵ is {100 * sp:.2f} %.")
    c = s.get("density", {}).get("constancy")
    if c and c.get("verdict") == "not constant":
        out.append(f"Paper: f(n_s, 0) ≈ const for n_s a_b² < 0.02. Here f(n_s, 0) changes by "
                   f"{100 * c['relative_change']:+.1f} ± {100 * c['relative_change_sigma']:.1f} % over "
                   f"{c['range'][0]:g}–{c['range'][-1]:g} (χ²/dof of a constant {c['chi2_dof']:.2g}).")
    for b in s.get("budget", []):
        if b["quantity"] == "f_dr" and abs(b["density"] - 0.01) < 1e-12:
            out.append(f"README: f(0.01, 0) = 1.998 ± 0.015 at N = 5×10⁵ (3 seeds, 1.5 l_c); converged here "
                       f"f(0.01, 0) = {b['best']:.4f} ± {b['best_sigma']:.4f} (N → ∞, {b['paper_setting']['cutoff_reference']:g} "
                       f"l_c); the paper's value ≈ 1.0 stays a factor ≈ 2 away.")
    return out


def verdict_rows(s: dict) -> list[list[str]]:
    """Rows [claim, paper, this run, verdict] for the "Paper vs this run" table of ``hopspin reproduce``."""
    rows = []
    worst = None
    for dk, c in _sorted(s.get("cutoff", {})):
        if float(dk) < 0.1:
            k = min(range(len(c["cutoffs"])), key=lambda i: abs(c["cutoffs"][i] - 1.5))
            r = c["f_dr"]["relative"][k]
            if worst is None or abs(r) > abs(worst[1]):
                worst = (dk, r, c["f_dr"]["relative_sem"][k], c["cutoffs"][-1])
    if worst:
        ok = abs(worst[1]) + 2 * worst[2] < 0.01
        rows.append(["1.5 l_c cut-off acceptable for n_s a_b² < 0.1 (S5C)", "acceptable",
                     f"f_dr(1.5 l_c)/f_dr({worst[3]:g} l_c) − 1 = {100 * worst[1]:+.2f} % at n_s a_b² = {worst[0]} "
                     f"(largest below 0.1)", "agrees (1 %)" if ok else "disagrees at the 1 % level"])
    z = s.get("size", {}).get("0.01")
    if z and "spread_at_reference" in z:
        sp = z["spread_at_reference"]
        rows.append(["spread < 1 % at 5×10⁵ sites", "< 1 %", f"{100 * sp:.2f} % (fit over N, n_s a_b² = 0.01)",
                     "agrees" if sp < 0.01 else "disagrees"])
    c = s.get("density", {}).get("constancy")
    if c:
        rows.append([f"f(n_s, 0) ≈ const for n_s a_b² < 0.02", "const",
                     f"change {100 * c['relative_change']:+.1f} ± {100 * c['relative_change_sigma']:.1f} % over "
                     f"{c['range'][0]:g}–{c['range'][-1]:g}", "agrees" if c["verdict"].startswith("consistent")
                     else "disagrees"])
    if s.get("mode") != "full":
        for r in rows:
            r[3] = f"{r[3]} (quick study only)"
    return rows


def write_section(rep, s: dict, base: Path, level: str = "Validation") -> None:
    """Add the validation section for summary ``s`` (figures relative to ``base``) to ``rep``."""
    base = Path(base)
    cost = s.get("cost", {})
    peaks = list(cost.get("worker_peak_rss_gib", {}).values())
    rep.heading(f"{level}: how far to trust f ({s['mode']} mode)")
    rep.paragraph(f"{cost.get('estimate', {}).get('total', {}).get('runs', '?')} runs planned through the sweep "
                  f"machinery (resumable stores in stores/{s['mode']}/); run time {_f(cost.get('wall_seconds'), 4)} s "
                  f"(estimate {_f(cost.get('estimate', {}).get('total', {}).get('wall_seconds'), 3)} s), "
                  f"peak memory per worker {_f(max(peaks) if peaks else math.nan, 3)} GiB. τ_s grid "
                  f"{s['tau_s']} τ0. Error bars: standard errors over seeds unless stated."
                  + (" Quick mode: tiny samples, the numbers only exercise the pipeline." if s["mode"] == "quick" else ""))
    figs = {Path(p).stem: base / p for p in s.get("figures", [])}
    rep.heading("V1. Cut-off convergence")
    if "validation_cutoff" in figs:
        rep.figure(figs["validation_cutoff"], "f_dr versus the bond cut-off; the paired relative difference to the "
                   "largest cut-off (2σ bars; 1 % line; dotted: the converged cut-off); seconds per run.")
    rows = []
    for dk, c in _sorted(s.get("cutoff", {})):
        k = min(range(len(c["cutoffs"])), key=lambda i: abs(c["cutoffs"][i] - 1.5))
        cost_ratio = c["seconds_mean"][-1] / c["seconds_mean"][k] if c["seconds_mean"][k] else math.nan
        rows.append([dk, c["sites"], _f(c["f_dr_mean"][k]), _f(c["f_dr_mean"][-1]),
                     f"{100 * c['f_dr']['relative'][k]:+.3g} ± {100 * c['f_dr']['relative_sem'][k]:.2g} %",
                     _f(c["converged"]) if c["converged"] is not None else "not below the largest",
                     f"{_f(c['bonds_per_site'][k], 3)} → {_f(c['bonds_per_site'][-1], 3)}", f"× {_f(cost_ratio, 3)}"])
    rep.table(["n_s a_b²", "N", "f_dr(1.5 l_c)", "f_dr(c_max)", "f(1.5)/f(c_max) − 1", "1 % cut-off (l_c)",
               "bonds/site 1.5 → c_max", "time c_max / 1.5"], rows)
    rep.paragraph("Converged to 1 %: the smallest grid cut-off c such that at every c' ≥ c the paired mean of "
                  "(f(c') − f(c_max))/f(c_max) plus two standard errors is below 1 % (f_dr and every f(τ_s) that is "
                  "not a cancellation, |f| ≥ 5 % f_dr). The solver stays exact at every cut-off (conductances down to "
                  "e^{−2c l_c}, subtraction-free elimination); the cost is the last column.")
    rep.heading("V2. Finite size")
    if "validation_size" in figs:
        rep.figure(figs["validation_size"], "f_dr versus L/L_0 with the fit f_∞ + a L_0/L (band: f_∞ ± σ); relative "
                   "sample-to-sample spread versus N.")
    rows = []
    for dk, z in _sorted(s.get("size", {})):
        f, alt = z["f_dr"], z["f_dr_alt"]
        rows.append([dk, f"{min(z['sites'])}–{max(z['sites'])}", f"{_f(min(z['ratio']), 3)}–{_f(max(z['ratio']), 3)}",
                     f"{_f(f['f_inf'])} ± {_f(f['f_inf_sigma'], 2)}", _f(alt["f_inf"]),
                     _f(f["a"] / f["f_inf"] if f["f_inf"] else math.nan, 3), _f(f["chi2_dof"], 2),
                     _pct(z.get("spread_at_reference", math.nan))])
    rep.table(["n_s a_b²", "N", "L/L_0", "f_∞ (a L_0/L)", "f_∞ (a (L_0/L)^{3/4})", "a/f_∞", "χ²/dof",
               "spread at 5×10⁵"], rows)
    rep.paragraph(f"Fit f(N) = f_∞ + a (L_0/L)^q over the sizes with L/L_0 ≥ {s['plan']['size']['fit_min_ratio']:g}: "
                  "q = 1 is the 1/L correction of the free edges and the electrode strips; q = 3/4 = 1/ν (the "
                  "threshold's scaling) is the alternative whose difference enters the budget as the model error. "
                  "Weights: the seed spread smoothed over N; σ(f_∞): the larger of the least-squares error and a "
                  "bootstrap over seeds.")
    rep.heading("V3. Percolation inputs on the same samples")
    if "validation_percolation" in figs:
        rep.figure(figs["validation_percolation"], "Union-find threshold of every sample against l_c = 1.19847/√n_s "
                   "(mean and spread versus N); ln R_sample − 2 l_c^sample/a_b versus ξ_c.")
    thr, pre = s["percolation"]["threshold"], s["percolation"]["prefactor"]
    fit = pre["fit"]
    zero = math.isfinite(fit["slope"]) and abs(fit["slope"]) < 2 * fit["slope_sigma"]
    rep.paragraph(
        f"Threshold: l_c^sample/l_c → 1 + ({_f(thr['shift_fit']['f_inf'] - 1, 3)} ± {_f(thr['shift_fit']['f_inf_sigma'], 2)}), "
        f"i.e. l_c √n_s = {_f(thr['coefficient'], 6)} ± {_f(thr['coefficient_sigma'], 2)} (Mertens & Moore: 1.19847); "
        f"the spread falls as N^{_f(thr['spread']['exponent'], 3)} (2D percolation −1/(2ν) = −0.375; ν = "
        f"{_f(thr['nu_from_spread'], 3)} ± {_f(thr['nu_from_spread_sigma'], 2)}). Prefactor: ln R − ξ_c^sample = A + p ln ξ_c "
        f"with p = {_f(fit['slope'], 3)} ± {_f(fit['slope_sigma'], 2)} (χ²/dof {_f(fit['chi2_dof'], 2)}, ξ_c = "
        f"{_f(min(pre['xi_c']), 3)}–{_f(max(pre['xi_c']), 3)}): "
        + ("consistent with no power of ξ_c (2D)." if zero else "a power of ξ_c is resolved in the prefactor."))
    dn = s.get("density") or {}
    if dn:
        rep.heading("V4. f(n_s, τ_s) over the hopping range")
        if "validation_density" in figs:
            rep.figure(figs["validation_density"], "f(n_s, 0) and f(n_s, τ_s) with the converged cut-off and sizes "
                       "from V2; dotted: the constant fit below n_s a_b² = 0.02.")
        taus = sorted(dn["f_tau"], key=float)
        rows = [[_f(d), dn["sites"][k], _f(dn["ratio"][k], 3), _f(dn["hop_cutoff"][k]),
                 f"{_f(dn['f_dr_mean'][k])} ± {_f(dn['f_dr_sem'][k], 2)}", _f(dn["finite_size_bias"][k], 2)]
                + [f"{_f(dn['f_tau'][t]['mean'][k])} ± {_f(dn['f_tau'][t]['sem'][k], 2)}" for t in taus]
                for k, d in enumerate(dn["densities"])]
        rep.table(["n_s a_b²", "N", "L/L_0", "cut-off (l_c)", "f(n_s, 0)", "finite-size bias (est.)"]
                  + [f"f(τ_s = {float(t):.0e})" for t in taus], rows)
        c = dn["constancy"]
        rep.paragraph(f"f(n_s, 0) for n_s a_b² = {c['range'][0]:g}–{c['range'][-1]:g}: weighted mean {_f(c['mean'])}, "
                      f"χ²/dof of a constant {_f(c['chi2_dof'], 3)} (p = {_f(c['p_value'], 2)}), slope in ln n_s "
                      f"{_f(c['slope'], 3)} ± {_f(c['slope_sigma'], 2)}, change over the range "
                      f"{_pct(c['relative_change'])} ± {_pct(c['relative_change_sigma'])}: {c['verdict']} "
                      "(errors: seed s.e. and the estimated finite-size bias in quadrature).")
    rep.heading("V5. Error budget and what to trust")
    rep.table(["n_s a_b²", "quantity", "quoted: N = 5×10⁵, 1.5 l_c, 3 seeds", "finite size (f_N − f_∞)",
               "cut-off (f_1.5 − f_cmax)", "total error of the quoted value", "converged value", "limited by"],
              budget_rows(s))
    rep.table(["quantity", "converged value", "uncertainty", "what limits it"], trust_table(s))
    for text in contradictions(s):
        rep.paragraph(text)


def validation_section(rep, say, quick: bool, out, verdicts: list | None = None) -> None:
    """The section of ``hopspin reproduce``: the results in ``OUT/validation`` — a finished full
    validation there (``hopspin validate --out OUT/validation``) is used as it is; otherwise the quick
    study is run (≈ 30–60 s; resumable, so a second call costs nothing) and the section says how to
    get the full numbers (``quick`` is accepted for the call's symmetry: either mode of reproduce
    uses a finished validation when there is one and the quick study otherwise).  ``verdicts``, the
    rows of the "Paper vs this run" table, receives :func:`verdict_rows`."""
    from .run import SUMMARY_NAME, run_validation

    directory = Path(out) / "validation"
    found = directory / SUMMARY_NAME
    summary = None
    if found.exists():
        try:
            summary = json.loads(found.read_text())
        except (OSError, ValueError):
            summary = None
    if summary is None or summary.get("mode") not in ("full", "quick"):
        say("      validation: the quick study (`hopspin validate` runs the full one)")
        summary = run_validation(directory, quick=True, workers=2, say=lambda m: say(f"      {m}"))
    write_section(rep, summary, directory, level="Validation")
    if verdicts is not None:
        verdicts.extend(verdict_rows(summary))
    if summary.get("mode") != "full":
        rep.paragraph("Quick study only. The full validation (≈ 30–60 min on 2 cores): "
                      "`hopspin validate --out <this report>/validation`, then rerun `hopspin reproduce`.")
