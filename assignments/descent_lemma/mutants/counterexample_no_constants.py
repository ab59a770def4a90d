"""heavy-ball counterexample: integration constants missing, f jumps at the breakpoints

Integrating a piecewise f' piece by piece gives each piece its own constant; they must be chosen so
that neighbouring pieces take the same value at the breakpoint. Otherwise f is not continuous (its
derivative may still match), and f is not C^1.
"""
import sympy as sp


def heavy_ball_counterexample():
    x = sp.Symbol("x", real=True)
    pieces = [
        (-sp.oo, sp.Integer(1), sp.Rational(25, 2) * x**2),
        (sp.Integer(1), sp.Integer(2), x**2 / 2 + 24 * x),
        (sp.Integer(2), sp.oo, sp.Rational(25, 2) * x**2 - 24 * x),
    ]
    return {"pieces": pieces, "L": 25, "mu": 1, "x0": 3.3}
