"""heavy-ball counterexample is a quadratic

On a strongly convex quadratic, heavy ball with Polyak's step and momentum always converges (that
is where those parameters come from). A counterexample needs a function whose curvature changes,
for instance a C^1 function with a piecewise-linear gradient whose slopes lie between mu and L.
"""
import sympy as sp


def heavy_ball_counterexample():
    x = sp.Symbol("x", real=True)
    return {"pieces": [(-sp.oo, sp.oo, sp.Rational(25, 2) * x**2)], "L": 25, "mu": 1, "x0": 3.3}
