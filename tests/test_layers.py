"""The design card's layering: numerics runs without SymPy; theory imports nothing from numerics; the
lower layers see only the leaf modules of ``hopspin``; no import cycles; small modules."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hopspin", "theory", "numerics", "derivations")
#: the only modules of the public face that the lower layers may import (they import nothing themselves)
LEAVES = {"hopspin.errors", "hopspin._version", "hopspin._io"}


def _modules():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(name: str, path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (function bodies included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                out.add(mod)
                out.update(f"{mod}.{a.name}" for a in node.names)
            elif node.module:
                out.add(node.module)
                out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


MODULES = dict(_modules())


def _internal(imported: set[str]) -> set[str]:
    return {m for m in imported if m in MODULES}


def test_numerics_does_not_import_sympy():
    code = ("import sys; import numerics.simulate, numerics.tensor, numerics.sge, numerics.sweeps, "
            "numerics.estimates, numerics.triangle, numerics.field, numerics.flux, numerics.validation, "
            "hopspin.cli.simulate, hopspin.cli.sweep, hopspin.cli.estimate, hopspin.cli.hanle, hopspin.cli.hall; "
            "import hopspin; hopspin.simulate, hopspin.SimulationConfig, hopspin.estimate, hopspin.run_sweep; "
            "assert 'sympy' not in sys.modules, sorted(m for m in sys.modules if m.startswith('sympy'))[:3]")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr


def test_import_hopspin_is_light_and_symbolic_parts_are_lazy():
    code = ("import sys; import hopspin, hopspin.errors; "
            "heavy = [m for m in ('sympy', 'numba', 'numpy', 'xarray', 'numerics', 'theory') if m in sys.modules]; "
            "assert not heavy, heavy; "
            "kc = hopspin.coefficients('[[0, 1], [1, 0]]', order=2); assert 'sympy' in sys.modules; "
            "assert kc.W[2] != 0")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr


def test_theory_imports_nothing_from_numerics():
    for name, path in MODULES.items():
        if name.split(".")[0] == "theory":
            bad = {m for m in _imports(name, path) if m == "numerics" or m.startswith("numerics.")}
            assert not bad, f"{name} imports {sorted(bad)}"


@pytest.mark.parametrize("layer", ["theory", "numerics", "derivations"])
def test_lower_layers_see_only_the_leaf_modules_of_hopspin(layer):
    for name, path in MODULES.items():
        if name.split(".")[0] == layer:
            face = {m for m in _internal(_imports(name, path)) if m.split(".")[0] == "hopspin"}
            assert face <= LEAVES, f"{name} imports {sorted(face - LEAVES)} from the public face"


def test_leaf_modules_import_only_leaves():
    for leaf in LEAVES:
        assert _internal(_imports(leaf, MODULES[leaf])) <= LEAVES, leaf


def test_no_import_cycles():
    """The module graph (import statements anywhere, relative ones resolved; a package counts as
    its __init__) has no cycle."""
    graph = {name: {m for m in _internal(_imports(name, path)) if m != name} for name, path in MODULES.items()}
    # ``from pkg import sub`` names the package and the submodule: keep the most specific module
    for name, deps in graph.items():
        graph[name] = {d for d in deps if not any(o.startswith(d + ".") for o in deps)} | \
            {d for d in deps if d in MODULES and MODULES[d].name != "__init__.py"}
    state, stack = {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_modules_are_small():
    """No module over ~400 lines (generated code excepted): one job per module."""
    big = {name: n for name, path in MODULES.items()
           if "_generated" not in name and (n := len(path.read_text(encoding="utf-8").splitlines())) > 420}
    assert not big, big


def test_simulate_command_does_not_import_sympy():
    code = ("import sys; from hopspin.cli import main; "
            "rc = main(['simulate', '--site-density', '0.05', '--sites', '1000', '-q', '--json']); "
            "assert rc == 0; assert 'sympy' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
