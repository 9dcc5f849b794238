"""The design card's layering: numerics runs without SymPy; theory imports nothing from numerics."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_numerics_does_not_import_sympy():
    code = ("import sys; import numerics.simulate, numerics.tensor, numerics.sge, numerics.sweep, "
            "numerics.estimates, numerics.triangle, hopspin.numerics_cli; "
            "assert 'sympy' not in sys.modules, sorted(m for m in sys.modules if m.startswith('sympy'))[:3]")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr


def test_theory_imports_nothing_from_numerics():
    for path in (ROOT / "theory").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            assert not any(n == "numerics" or n.startswith("numerics.") for n in names), f"{path.name} imports {names}"


def test_simulate_command_does_not_import_sympy():
    code = ("import sys; from hopspin.cli import main; "
            "rc = main(['simulate', '--site-density', '0.05', '--sites', '500', '-q', '--json']); "
            "assert rc == 0; assert 'sympy' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
