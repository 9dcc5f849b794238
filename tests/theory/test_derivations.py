"""The derivation chain (derivations/): every step runs, every verified statement holds."""

import io
import subprocess
import sys

import pytest
import sympy as sp

import derivations
from derivations._report import Report, Shown


@pytest.mark.parametrize("name", list(derivations.REGISTRY))
def test_derivation_runs_and_verifies(name):
    module = derivations.REGISTRY[name]
    assert module.NAME == name and module.TITLE and module.EQUATIONS.startswith("(")
    report = module.derive()
    assert isinstance(report, Report) and report.steps
    assert report.verified_steps, f"{name} verifies nothing"
    failed = [s.claim for s in report.failures]
    assert not failed, f"{name}: failed statements {failed}"
    assert all(isinstance(s.verified, bool) for s in report.verified_steps)
    text = report.to_text()
    assert report.title in text and "[FAILED]" not in text


def test_registry_is_in_paper_order():
    files = [m.__name__.rsplit(".", 1)[-1] for m in derivations.REGISTRY.values()]
    assert files == sorted(files) and files[0] == "d01_hopping_matrix"


def test_run_writes_markdown_with_latex(tmp_path):
    stream = io.StringIO()
    first = next(iter(derivations.REGISTRY))
    paths = derivations.run([first], out=tmp_path, stream=stream)
    assert [p.name for p in paths] == [f"{first}.md", "index.md"]
    assert all(p.exists() for p in paths)
    md = (tmp_path / f"{first}.md").read_text(encoding="utf-8")
    assert md.startswith("# ") and "$$" in md and "\\sigma" in md and "Verified" in md
    assert f"({first}.md)" in (tmp_path / "index.md").read_text(encoding="utf-8")
    assert derivations.REGISTRY[first].TITLE in stream.getvalue()


def test_unknown_name_raises_with_valid_names():
    with pytest.raises(KeyError) as err:
        derivations.run(["no_such_derivation"], stream=None)
    assert "hopping_matrix" in str(err.value)
    with pytest.raises(ValueError):
        derivations.run("nope", stream=None)


def test_file_names_are_accepted_and_order_is_kept():
    mods = derivations.resolve(list(reversed(list(derivations.REGISTRY))) + ["d01_hopping_matrix"])
    assert mods == list(derivations.REGISTRY.values())


def test_report_rejects_non_boolean_verification_and_renders():
    rep = Report("demo", "Demo", "(0)")
    with pytest.raises(TypeError):
        rep.verify("text", "yes", "claim")
    x = sp.Symbol("x")
    rep.verify("x − x vanishes", sp.simplify(x - x) == 0, "x − x = 0", ("lhs", r"\mathrm{lhs}", x**2))
    rep.verify("false statement", 1 == 2, "1 = 2")
    rep.say("display", Shown("a → b", r"a \to b"))
    assert not rep.all_verified and len(rep.failures) == 1
    assert "[FAILED] 1 = 2" in rep.to_text() and "[verified] x − x = 0" in rep.to_text()
    md = rep.to_markdown()
    assert r"\mathrm{lhs} = x^{2}" in md and r"a \to b" in md and "FAILED" in md


def test_module_runs_as_script():
    proc = subprocess.run([sys.executable, "-m", "derivations.d01_hopping_matrix"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "[verified]" in proc.stdout and "[FAILED]" not in proc.stdout
