"""The one error family of hopspin: every failure a user can cause or meet is a :class:`HopspinError`.

The command line maps each class to one line ``hopspin: error: …`` and exit status 2; anything that
is *not* a :class:`HopspinError` is a bug and is shown as one (a traceback).  Each class also derives
from the built-in exception a caller would naturally catch (``ValueError`` for bad input,
``ArithmeticError`` for a failed numerical guarantee, ``MemoryError``, ``OSError``), so existing
``except ValueError`` code keeps working.

This module is a leaf: it imports nothing, so the ``theory`` and ``numerics`` layers may raise these
errors without importing the rest of the ``hopspin`` package.

Classes
-------
HopspinError
    Base class.
ParameterError
    A parameter outside its valid range (the message names the parameter and the range).
BetaParseError, GridError, QuantityError
    Text that cannot be understood: a spin-orbit matrix β, a sweep grid, a quantity with units.
NotPercolatingError
    No bond cluster connects the two electrodes of a sample.
ConservationError, SpinBalanceError
    A solve whose a-posteriori check (node-current conservation; spin balance / backward error) failed.
DisconnectedNetworkError
    A vanishing pivot: a site of the network is not connected (a solver precondition failed).
InsufficientMemoryError
    The estimated memory of a run exceeds what the machine has (raised before the work starts).
OutputError
    An output location that cannot be written (checked before the work starts).
StoreMismatchError, StoreLockedError, StoreFormatError, SweepIncomplete
    The resumable sweep store: other parameters, another writer, not a store, runs left undone.
HopspinWarning
    A broken modelling assumption (the computation runs, the result needs care).
"""

from __future__ import annotations

__all__ = [
    "HopspinError", "ParameterError", "BetaParseError", "GridError", "QuantityError",
    "NotPercolatingError", "ConservationError", "SpinBalanceError", "DisconnectedNetworkError",
    "InsufficientMemoryError", "OutputError", "StoreMismatchError", "StoreLockedError",
    "StoreFormatError", "SweepIncomplete", "WorkLimitError", "HopspinWarning",
]


class HopspinError(Exception):
    """Base of every error hopspin raises on purpose.

    ``parameter`` (optional) names the offending input, so that front ends can point at it.
    """

    def __init__(self, message: str = "", parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter

    def __str__(self) -> str:  # one line, whatever the message
        return " ".join(str(self.args[0]).split()) if self.args else ""


class ParameterError(HopspinError, ValueError):
    """A parameter outside its valid range; the message names the parameter and the range."""


class BetaParseError(ParameterError):
    """A spin-orbit matrix β given as text could not be understood."""


class GridError(ParameterError):
    """A grid specification (sweep axis, field grid) that cannot be parsed."""


class QuantityError(ParameterError):
    """A physical quantity with units that cannot be parsed or has the wrong dimension."""


class WorkLimitError(ParameterError):
    """A request whose size (runs × sites, expression size, time) exceeds a stated limit."""


class NotPercolatingError(HopspinError, ValueError):
    """No cluster of bonds connects the source and drain electrodes."""


class ConservationError(HopspinError, ArithmeticError):
    """Node-current conservation of a Kirchhoff solve worse than the requested tolerance."""


class SpinBalanceError(HopspinError, ArithmeticError):
    """A spin-diffusion (S43) solve whose balance / backward error exceeds the tolerance."""


class DisconnectedNetworkError(HopspinError, ArithmeticError):
    """A vanishing pivot: some site is not connected to the rest of the network."""


class InsufficientMemoryError(HopspinError, MemoryError):
    """The memory a run needs (estimated before it starts) exceeds the available memory."""


class OutputError(HopspinError, OSError):
    """An output path that cannot be written (a directory where a file is expected, no permission, …)."""


class StoreMismatchError(HopspinError, ValueError):
    """The existing sweep store holds a sweep with other parameters than the ones requested."""


class StoreLockedError(HopspinError, RuntimeError):
    """Another process is writing the same sweep store."""


class StoreFormatError(HopspinError, ValueError):
    """A path that is not a hopspin sweep store (wrong suffix, not netCDF/zarr, corrupt)."""


class SweepIncomplete(HopspinError, RuntimeError):
    """Some sweep runs failed on every retry (e.g. their workers kept dying); rerun to retry them."""


class HopspinWarning(RuntimeWarning):
    """A broken modelling assumption: the computation runs, but its result needs care (the message
    says which assumption and the rule)."""
