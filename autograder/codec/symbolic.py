"""Sympy expressions as trees of whitelisted node types.

``sympify`` and ``parse_expr`` evaluate Python, and unpickling runs
constructors of the sender's choosing, so neither may touch text from a
student. An expression crosses the boundary as a nested list
``[kind, *payload]`` and is rebuilt from a fixed table of sympy classes with
``evaluate=False`` (so a hostile ``2**(10**9)`` is not computed on arrival).
"""

from __future__ import annotations

import re
from typing import Any

from autograder.codec.errors import CodecError

MAX_NODES = 20_000
MAX_TREE_DEPTH = 100  # sympy's own evaluation recurses per level: sin(sin(...)) 450 deep overflows it
MAX_INT_DIGITS = 100
MAX_EXPONENT = 10_000  # 10**(10**99) unevaluated is cheap to send and ruinous to evaluate
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_SYMBOL_NAME = re.compile(r"[A-Za-z_\\{}^0-9]{1,64}")
_ASSUMPTIONS = frozenset(
    {"real", "positive", "negative", "nonnegative", "nonpositive", "integer", "nonzero", "finite", "commutative"}
)


class SymbolicCodecError(CodecError):
    """An expression uses a node type or size that the codec does not carry."""


def _tables() -> tuple[dict[str, Any], dict[str, Any]]:
    import sympy as sp

    functions = {
        cls.__name__: cls
        for cls in (
            sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh,
            sp.tanh, sp.asin, sp.acos, sp.atan, sp.atan2, sp.Abs, sp.sign, sp.Max, sp.Min,
            sp.Piecewise, sp.Heaviside, sp.floor, sp.ceiling, sp.erf, sp.And, sp.Or, sp.Not,
            sp.Tuple,
        )
    }
    functions.update(
        {
            "ExprCondPair": sp.functions.elementary.piecewise.ExprCondPair,
            "Equality": sp.Eq, "Unequality": sp.Ne, "StrictLessThan": sp.Lt,
            "LessThan": sp.Le, "StrictGreaterThan": sp.Gt, "GreaterThan": sp.Ge,
        }
    )
    constants = {
        "Pi": sp.pi, "Exp1": sp.E, "Infinity": sp.oo, "NegativeInfinity": -sp.oo,
        "ComplexInfinity": sp.zoo, "NaN": sp.nan, "ImaginaryUnit": sp.I,
        "BooleanTrue": sp.true, "BooleanFalse": sp.false, "Half": sp.S.Half,
    }
    return functions, constants


def is_sympy(obj: Any) -> bool:
    import sys

    sp = sys.modules.get("sympy")
    return sp is not None and isinstance(obj, sp.Basic)


def encode_sympy(expr: Any) -> list:
    """Flatten ``expr`` into a tree of plain lists and strings."""
    import sympy as sp
    from sympy.core.function import AppliedUndef

    functions, constants = _tables()
    count = 0

    def enc(e: Any) -> list:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise SymbolicCodecError(f"expression has more than {MAX_NODES} nodes")
        name = type(e).__name__
        if isinstance(e, AppliedUndef):  # before the constants: Function("Pi")(x) is not pi
            return ["Undef", str(e.func.__name__), [enc(a) for a in e.args]]
        if isinstance(e, sp.Symbol):
            assumptions = getattr(e, "_assumptions_orig", {}) or {}
            kept = {k: bool(v) for k, v in assumptions.items() if k in _ASSUMPTIONS and v is not None}
            return ["Symbol", str(e.name), kept]
        if name in constants:
            return ["Const", name]
        if isinstance(e, sp.Integer):
            return ["Integer", str(int(e))]
        if isinstance(e, sp.Rational):
            return ["Rational", str(e.p), str(e.q)]
        if isinstance(e, sp.Float):
            from mpmath.libmp import repr_dps, to_str

            return ["Float", to_str(e._mpf_, repr_dps(e._prec)), int(e._prec)]
        if name in functions:
            return ["Func", name, [enc(a) for a in e.args]]
        raise SymbolicCodecError(f"sympy node type {name!r} cannot be sent to the grader")

    return enc(expr)


def decode_sympy(tree: Any) -> Any:
    """Rebuild an expression from the whitelisted tree; anything else is refused."""
    import sympy as sp

    functions, constants = _tables()
    count = 0

    def dec(node: Any, depth: int = 0) -> Any:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise SymbolicCodecError(f"expression has more than {MAX_NODES} nodes")
        if depth > MAX_TREE_DEPTH:
            raise SymbolicCodecError(f"expression nested deeper than {MAX_TREE_DEPTH} levels")
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            raise SymbolicCodecError("malformed expression tree")
        kind = node[0]
        if kind == "Symbol" and len(node) == 3 and isinstance(node[2], dict):
            name = node[1]
            if not isinstance(name, str) or not _SYMBOL_NAME.fullmatch(name):
                raise SymbolicCodecError(f"bad symbol name {name!r}")
            flags = {k: bool(v) for k, v in node[2].items() if k in _ASSUMPTIONS}
            return sp.Symbol(name, **flags)
        if kind == "Const" and len(node) == 2 and node[1] in constants:
            return constants[node[1]]
        if kind == "Integer" and len(node) == 2:
            return sp.Integer(_bounded_int(node[1]))
        if kind == "Rational" and len(node) == 3:
            return sp.Rational(_bounded_int(node[1]), _bounded_int(node[2]))
        if kind == "Float" and len(node) == 3:
            text, prec = node[1], node[2]
            if not isinstance(text, str) or len(text) > 200 or not isinstance(prec, int) or not 1 <= prec <= 4096:
                raise SymbolicCodecError("bad float literal")
            try:
                return sp.Float(text, precision=prec)
            except ValueError:
                raise SymbolicCodecError("bad float literal") from None
        if kind == "Undef" and len(node) == 3:
            if not isinstance(node[1], str) or not _IDENT.fullmatch(node[1]):
                raise SymbolicCodecError("bad function name")
            return sp.Function(node[1])(*[dec(a, depth + 1) for a in _as_list(node[2])])
        if kind == "Func" and len(node) == 3 and node[1] in functions:
            cls = functions[node[1]]
            args = [dec(a, depth + 1) for a in _as_list(node[2])]
            if node[1] == "Pow" and len(args) == 2 and args[1].is_Integer and abs(int(args[1])) > MAX_EXPONENT:
                raise SymbolicCodecError(f"integer exponent larger than {MAX_EXPONENT}")
            try:
                return cls(*args, evaluate=False)
            except TypeError:
                return cls(*args)
        raise SymbolicCodecError(f"unknown expression node {kind!r}")

    return dec(tree)


def _as_list(value: Any) -> list:
    if not isinstance(value, list):
        raise SymbolicCodecError("malformed expression tree")
    return value


def _bounded_int(text: Any) -> int:
    if not isinstance(text, str) or len(text) > MAX_INT_DIGITS or not re.fullmatch(r"-?[0-9]+", text):
        raise SymbolicCodecError("bad integer literal")
    return int(text)
