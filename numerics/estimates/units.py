"""The unit boundary: physical quantities given as text, parsed with pint, handed on as SI floats.

pint is used only here and in the command line (``hopspin estimate``); :mod:`numerics.estimates`
and the simulation take plain floats in SI units (m, s, kg, J, V, Ω, K).  This keeps the numerical
core free of unit objects while every value that enters from outside is checked for its
dimensionality once, at the boundary.

Units understood besides pint's defaults: ``m0`` (free-electron mass), ``Ohm``/``kOhm`` (pint's own
spelling is ``ohm``), ``Å``/``angstrom``, ``meV``, ``cm^-2``, ``kV/cm``, ``ps``, ``ns``.

Examples
--------
>>> parse_quantity("2e11/cm^2", "1/[length]**2", "site density")
2000000000000000.0
>>> parse_quantity("0.1 m0", "[mass]", "mass")            # doctest: +ELLIPSIS
9.10938...e-32
"""

from __future__ import annotations

import math
import re

import pint

from hopspin.errors import QuantityError

__all__ = ["ureg", "Q_", "DIMENSIONS", "parse_quantity", "to_si", "dimensionality"]

ureg = pint.UnitRegistry()
ureg.define("m0 = electron_mass")
ureg.define("Ohm = ohm")  # so that "kOhm", "MOhm" parse like the paper writes them
Q_ = ureg.Quantity

#: Expected dimensionality of every physical input of the estimate, with an example unit
#: used in error messages.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "site_density": ("1/[length]**2", "cm^-2"),
    "carrier_density": ("1/[length]**2", "cm^-2"),
    "localization_radius": ("[length]", "nm"),
    "hopping_energy": ("[energy]", "meV"),
    "beta": ("[energy]*[length]", "meV*angstrom"),
    "mass": ("[mass]", "m0"),
    "field": ("[electric_field]", "kV/cm"),
    "resistance": ("[resistance]", "kOhm"),
    "time": ("[time]", "ps"),
    "temperature": ("[temperature]", "K"),
    "magnetic_field": ("[mass]/[current]/[time]**2", "mT"),
}


def dimensionality(spec: str):
    """The pint dimensionality of ``spec``: either a dimension expression in brackets
    (``"1/[length]**2"``, ``"[energy]*[length]"``) or a unit (``"cm^-2"``, ``"meV*angstrom"``)."""
    if "[" in spec:
        return ureg.get_dimensionality(spec)
    return Q_(1.0, spec).dimensionality


def to_si(quantity) -> float:
    """Magnitude of a pint quantity in SI base units (m, kg, s, A, K) as a float."""
    return float(quantity.to_base_units().magnitude)


#: bounds on a quantity given as text: its length and its exponents (so that ``10**10**10 meV`` is
#: refused at once instead of evaluated)
MAX_TEXT, MAX_EXPONENT = 200, 100
_EXPONENT = re.compile(r"(\*\*|\^)\s*([-+]?)\s*(\(|[0-9.]+(?:[eE][-+]?[0-9]+)?)")


def _check_bounded(text: str, name: str) -> None:
    if len(text) > MAX_TEXT:
        raise QuantityError(f"{name}: at most {MAX_TEXT} characters, got {len(text)}")
    for match in _EXPONENT.finditer(text):
        operand = match.group(3)
        rest = text[match.end():].lstrip()
        if operand == "(" or rest.startswith(("**", "^")):
            raise QuantityError(f"{name}: {text!r}: exponents must be plain numbers (no nested or chained powers)")
        if abs(float(operand)) > MAX_EXPONENT:
            raise QuantityError(f"{name}: {text!r}: an exponent must be at most {MAX_EXPONENT} in size")


def parse_quantity(text: str, expected_dimensionality: str, name: str) -> float:
    """Parse ``text`` as a physical quantity and return its value in SI base units.

    Parameters
    ----------
    text : str
        A number with a unit, e.g. ``"2e11/cm^2"``, ``"10 meV*angstrom"``, ``"1 kV/cm"``,
        ``"0.1 m0"``, ``"50 kOhm"``, ``"4 K"``.  A bare number is accepted only if the
        expected quantity is dimensionless.
    expected_dimensionality : str
        Dimension expression (``"[time]"``) or a unit of the right kind (``"ns"``); see
        :func:`dimensionality`.  A key of :data:`DIMENSIONS` (``"beta"``) is also accepted.
    name : str
        The parameter's name, used in error messages.

    Returns
    -------
    float
        The value in SI base units (m⁻², m, J, J·m, kg, V/m, Ω, s, K).

    Raises
    ------
    hopspin.errors.QuantityError
        If the text cannot be parsed, is not finite, or has the wrong dimensionality; the message
        names the parameter and says what it expects.
    """
    spec, example = DIMENSIONS.get(expected_dimensionality, (expected_dimensionality, expected_dimensionality))
    expected = dimensionality(spec)
    hint = f"a quantity of dimension {spec}" + (f" such as '1 {example}'" if example != spec else "")
    if not isinstance(text, str) or not text.strip():
        raise QuantityError(f"{name}: expected {hint}, got {text!r}")
    _check_bounded(text, name)
    try:
        q = Q_(text.strip())
    except Exception as exc:  # pint raises many different types (UndefinedUnitError, tokenize errors, ...)
        raise QuantityError(f"{name}: cannot parse {text!r} as {hint} ({type(exc).__name__}: {exc})") from None
    if not isinstance(q, pint.Quantity):  # pragma: no cover - Quantity(str) always yields a Quantity
        q = Q_(q)
    if q.dimensionality != expected:
        got = "a bare number" if q.dimensionless else f"dimension {q.dimensionality}"
        raise QuantityError(f"{name}: expected {hint}, got {text!r} ({got})")
    value = to_si(q)
    if not math.isfinite(value):
        raise QuantityError(f"{name}: expected a finite value, got {text!r}")
    return value
