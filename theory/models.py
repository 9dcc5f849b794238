"""Linear-in-k spin-orbit models: the 3×2 matrix β of Eq. (2).

``H_SO = β_{μν} σ_μ k_ν`` with spin index μ ∈ {x, y, z} (rows) and wave-vector index
ν ∈ {x, y} (columns).  Axes follow the paper: x ∥ [1-10], y ∥ [110] for [001] wells.
Entries may be numbers or SymPy expressions; energies·length (e.g. meV·Å) when physical,
or dimensionless in units m = ħ = a_b = 1 for the kinetic coefficients.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from hopspin.errors import BetaParseError, ParameterError

__all__ = [
    "SpinOrbitModel",
    "general",
    "generic",
    "rashba_dresselhaus",
    "rashba",
    "dresselhaus",
    "grown_110",
    "parse_beta",
    "BetaParseError",
]

SPIN_AXES = ("x", "y", "z")
WAVE_AXES = ("x", "y")


@dataclass(frozen=True)
class SpinOrbitModel:
    """A linear spin-orbit Hamiltonian ``H_SO = β_{μν} σ_μ k_ν`` (Eq. 2).

    Attributes
    ----------
    beta : sympy.ImmutableMatrix
        3×2 matrix, rows = spin component (x, y, z), columns = wave vector (x, y).
    name : str
        Human-readable label.
    """

    beta: sp.ImmutableMatrix
    name: str = "general"

    def __post_init__(self):
        if self.beta.shape != (3, 2):
            raise ParameterError(f"beta must be 3x2 (spin x,y,z × k x,y), got shape {self.beta.shape}", parameter="beta")

    @property
    def symbols(self) -> set[sp.Symbol]:
        return set(self.beta.free_symbols)

    def d_vector(self, rx: sp.Expr, ry: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
        """``d = m β R / ħ²`` in units m = ħ = 1 (Eq. 4)."""
        v = self.beta * sp.Matrix([rx, ry])
        return (v[0], v[1], v[2])

    def trace_beta_squared(self) -> sp.Expr:
        """``Tr β²`` of the 2×2 in-plane block (the [001] invariant, ``2 β_xy β_yx``)."""
        block = self.beta[:2, :]
        return sp.expand((block * block).trace())

    def column_cross(self) -> sp.Matrix:
        """``c = (β ê_x) × (β ê_y)``, the cross product of β's two columns.

        This 3-vector replaces ``−(Tr β²/2) ẑ`` of the [001] form for a general 3×2 β
        (see ``derivations/d02_kinetic_coefficients.py``): the spin rotation accumulated
        around a closed triad is ``(βR_ij) × (βR_jk) = 2 A_ikj c`` to leading order.
        """
        return sp.Matrix(self.beta[:, 0]).cross(sp.Matrix(self.beta[:, 1]))

    def is_numeric(self) -> bool:
        return not self.beta.free_symbols


def general(matrix, name: str = "general") -> SpinOrbitModel:
    """Any user β given as a 3×2 (or 2×2, no z row) nested sequence or SymPy matrix."""
    m = sp.Matrix(matrix)
    if m.shape == (2, 2):
        m = m.col_join(sp.zeros(1, 2))
    if m.shape != (3, 2):
        raise BetaParseError(f"beta must be 2x2 or 3x2 (rows: spin x, y[, z]; columns: k_x, k_y), "
                             f"got {m.shape[0]}x{m.shape[1]}", parameter="beta")
    return SpinOrbitModel(sp.ImmutableMatrix(m), name)


def generic(prefix: str = "b") -> SpinOrbitModel:
    """Fully symbolic β with real entries ``b_xx, b_xy, …, b_zy``."""
    entries = [[sp.Symbol(f"{prefix}{s}{k}", real=True) for k in WAVE_AXES] for s in SPIN_AXES]
    return SpinOrbitModel(sp.ImmutableMatrix(entries), "generic")


def rashba_dresselhaus(alpha, beta_d) -> SpinOrbitModel:
    """[001] well: ``β_xy = β_D + α``, ``β_yx = β_D − α`` (Eq. 2), x ∥ [1-10], y ∥ [110]."""
    alpha, beta_d = sp.sympify(alpha), sp.sympify(beta_d)
    return SpinOrbitModel(
        sp.ImmutableMatrix([[0, beta_d + alpha], [beta_d - alpha, 0], [0, 0]]), "rashba+dresselhaus"
    )


def rashba(alpha) -> SpinOrbitModel:
    """Pure Rashba: ``β_xy = α``, ``β_yx = −α``."""
    return rashba_dresselhaus(alpha, 0)


def dresselhaus(beta_d) -> SpinOrbitModel:
    """Pure Dresselhaus in a [001] well (in the paper's axes): ``β_xy = β_yx = β_D``."""
    return rashba_dresselhaus(0, beta_d)


def grown_110(beta_zx, alpha=0) -> SpinOrbitModel:
    """[110]-grown well: Dresselhaus term ``β_zx σ_z k_x`` plus optional Rashba α.

    Axes: x ∥ [1-10] (in plane), y ∥ [001] (in plane), z ∥ [110] (growth).  With α = 0
    all ``d_ij`` point along z, every triad's spin rotations commute and all effects vanish.
    """
    alpha, beta_zx = sp.sympify(alpha), sp.sympify(beta_zx)
    return SpinOrbitModel(sp.ImmutableMatrix([[0, alpha], [-alpha, 0], [beta_zx, 0]]), "[110] well")


#: bounds on β given as text: its length, the magnitude of literal numbers and of exponents (so that
#: e.g. ``10**10**10`` is refused at once instead of evaluated)
MAX_TEXT, MAX_LITERAL, MAX_EXPONENT = 2000, 1e100, 16


def _to_sympy_entry(node: ast.AST, text: str) -> sp.Expr:
    allowed = (ast.Constant, ast.Name, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult,
               ast.Div, ast.Pow, ast.USub, ast.UAdd, ast.Load)
    segment = ast.get_source_segment(text, node)
    for sub in ast.walk(node):
        if not isinstance(sub, allowed):
            raise BetaParseError(f"unsupported entry {segment!r}: use numbers and symbol names", parameter="beta")
        if isinstance(sub, ast.Constant) and (isinstance(sub.value, bool) or not isinstance(sub.value, (int, float))):
            raise BetaParseError(f"entry {sub.value!r} is not a number or symbol name", parameter="beta")
        if isinstance(sub, ast.Constant) and not abs(sub.value) <= MAX_LITERAL:
            raise BetaParseError(f"entry {segment!r}: numbers must be finite and at most {MAX_LITERAL:g} in size",
                                 parameter="beta")
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
            exp = sub.right.operand if isinstance(sub.right, ast.UnaryOp) else sub.right
            if not (isinstance(exp, ast.Constant) and isinstance(exp.value, int) and abs(exp.value) <= MAX_EXPONENT):
                raise BetaParseError(f"entry {segment!r}: an exponent must be an integer literal of at most "
                                     f"{MAX_EXPONENT} in size", parameter="beta")
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    local = {name: sp.Symbol(name, real=True) for name in names}
    value = sp.sympify(segment, locals=local, rational=True)
    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise BetaParseError(f"entry {segment!r} is not finite (a division by zero?)", parameter="beta")
    return value


def parse_beta(text: str) -> SpinOrbitModel:
    """Parse a β matrix from text such as ``"[[0, bxy], [byx, 0]]"``.

    A 2×2 matrix has no z row; a 3×2 matrix lists spin rows x, y, z.  Entries are numbers
    or symbol names (real symbols), or arithmetic of them.

    Raises
    ------
    BetaParseError
        On malformed text or a wrong shape, with a one-line message.
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise BetaParseError(f"beta must be a matrix written in at most {MAX_TEXT} characters", parameter="beta")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise BetaParseError(f"malformed matrix {text[:80]!r}: {getattr(exc, 'msg', type(exc).__name__)}",
                             parameter="beta") from None
    if not isinstance(tree, (ast.List, ast.Tuple)) or not all(isinstance(r, (ast.List, ast.Tuple)) for r in tree.elts):
        raise BetaParseError(f"beta must be a nested list like [[bxx, bxy], [byx, byy]], got {text[:80]!r}",
                             parameter="beta")
    rows = [[_to_sympy_entry(e, text) for e in r.elts] for r in tree.elts]
    shape = (len(rows), {len(r) for r in rows})
    if shape[0] not in (2, 3) or shape[1] != {2}:
        cols = ",".join(str(c) for c in sorted(shape[1])) or "0"
        raise BetaParseError(f"beta must be 2x2 or 3x2 (rows: spin x, y[, z]; columns: k_x, k_y), got {shape[0]} rows "
                             f"of {cols} entries", parameter="beta")
    return general(rows, name="user")


def as_model(beta) -> SpinOrbitModel:
    """Coerce a model, text, or nested sequence to :class:`SpinOrbitModel`."""
    if isinstance(beta, SpinOrbitModel):
        return beta
    if isinstance(beta, str):
        return parse_beta(beta)
    if isinstance(beta, (Sequence, sp.MatrixBase)) or hasattr(beta, "shape"):
        return general(sp.Matrix(beta).tolist())
    raise TypeError(f"cannot interpret {beta!r} as a spin-orbit matrix beta")
