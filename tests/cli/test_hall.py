"""``hopspin hall``: the JSON form the issue fixes, exit status, one-line errors."""

import json
import math

import pytest

from hopspin.cli import hall as hall_cli
from hopspin.cli._common import Parser
from hopspin.errors import HopspinError



def _strict(text):
    def refuse(token):
        raise ValueError(f"invalid JSON token {token}")
    return json.loads(text, parse_constant=refuse)


def _run_in_process(argv, capsys):
    parser = Parser(prog="hopspin")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    hall_cli.register(sub)
    args = parser.parse_args(argv)
    status = args.func(args)
    return status, capsys.readouterr()


def test_hall_json_per_seed_in_process(capsys):
    status, out = _run_in_process(["hall", "--site-density", "0.02", "--sites", "4000", "--seed", "0",
                                   "--flux", "-0.1", "0", "0.1", "--json", "-q"], capsys)
    rec = _strict(out.out)
    assert status == 0
    assert rec["flux"] == [-0.1, 0.0, 0.1]
    assert len(rec["hall_current"]) == 3 and len(rec["current"]) == 3
    assert rec["hall_current"][1] == 0.0 and rec["hall_current"][0] == -rec["hall_current"][2] != 0.0
    assert rec["current"][0] == pytest.approx(rec["current"][2], rel=1e-12) and rec["current"][0] > 0
    assert rec["hall_mobility"][1] is None                      # undefined at b = 0: null, never NaN
    assert rec["onsager_error"] <= 1e-6 and rec["antisymmetry_error"] <= 1e-12
    assert rec["units"]["hall_current"] == rec["units"]["current"] and "units_note" in rec
    assert math.isfinite(rec["hall_mobility_linear"]) and rec["seed"] == 0


def test_hall_two_seeds_with_spin_text_and_json(capsys):
    status, out = _run_in_process(["hall", "--site-density", "0.02", "--sites", "3000", "--seed", "0", "1",
                                   "--flux", "0.05", "-0.05", "--tau-s", "100", "--spin", "--json", "-q"], capsys)
    recs = _strict(out.out)
    assert status == 0 and isinstance(recs, list) and [r["seed"] for r in recs] == [0, 1]
    spin = recs[0]["spin"]
    assert spin["flux"] == [0.05, -0.05] and spin["f_x_odd"][0][0] == -spin["f_x_odd"][1][0]
    status, out = _run_in_process(["hall", "--site-density", "0.02", "--sites", "3000", "--flux", "0.05", "-q"],
                                  capsys)
    assert status == 0 and "hall_current" in out.out and "Onsager" in out.out


def test_bad_flux_is_one_error(capsys):
    with pytest.raises(HopspinError):
        _run_in_process(["hall", "--site-density", "0.02", "--sites", "3000", "--flux", "1e9", "-q"], capsys)
    with pytest.raises(HopspinError):
        _run_in_process(["hall", "--site-density", "0.02", "--sites", "3000", "--flux", "nan"], capsys)


def test_hall_command_line_form_of_the_issue(run_cli):
    out = run_cli("hall", "--site-density", "0.01", "--sites", "20000", "--seed", "0", "--flux", "-0.1", "0", "0.1",
                  "--json", "-q")
    assert out.returncode == 0, out.stderr
    rec = out.json()
    assert rec["flux"] == [-0.1, 0.0, 0.1] and len(rec["hall_current"]) == len(rec["current"]) == 3
    bad = run_cli("hall", "--site-density", "0.01", "--sites", "2000", "--flux", "x")
    assert bad.returncode == 2 and len(bad.error_lines) == 1
