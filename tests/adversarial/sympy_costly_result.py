"""Attack: a small sympy result that is very expensive to evaluate in the judge.

scale_rows() returns sin(10**(99*2200)) + sin((10**99+1)**2200) as an
unevaluated sympy expression: a handful of nodes, all within the codec's
limits (100-digit integers, integer exponents up to 10 000), and
evaluate=False keeps it from being computed on arrival. The worker's time
limit does not apply to what the judge then does with the value: pytest
repr()s the arguments of the failing check's frames (sympy's printer
orders the terms of a sum by evaluating them numerically), and the mistake
diagnosis converts it with numpy.asarray(result, dtype=float64) for the
reference and every mutant. Each evaluation needs enough precision for the
argument reduction of the sines: several seconds per term here, about a
minute per term for an exponent of 10 000, and the codec admits 20 000
nodes. add() is wrong as well.
"""
import sympy as sp

TERMS, EXPONENT = 2, 2200


def add(a, b):
    return a - b


def scale_rows(x, w):
    base = sp.Integer(10**99)
    terms = [sp.sin(sp.Pow(base + k, sp.Integer(EXPONENT), evaluate=False), evaluate=False) for k in range(TERMS)]
    return sp.Add(*terms, evaluate=False)


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
