"""DEAP's answers for the cross-implementation tests (test/pareto/crosscheck-*.test.ts).

Usage: python3 deap-answers.py REQUEST.json > ANSWERS.json, one process per test file.
REQUEST: {"hv": [{"points": [[...]], "ref": [...]}], "hvc": [...same...], "sort": [{"points": [[...]]}]}
ANSWERS: {"hv": [volume], "hvc": [[contribution per point]], "sort": [[rank per point]]}

- hv: DEAP 1.3's C hypervolume (Fonseca, Paquete, Lopez-Ibanez dimension sweep). DEAP already ignores a
  point that does not strictly dominate ref, but only strictly dominating points are passed (what it does
  with the others is not documented); an empty remainder has volume 0 (DEAP rejects an empty array).
- hvc: HV(S) - HV(S without point i) with that C code (leave one out), 0 for a clipped point.
- sort: deap.tools.sortLogNondominated (Fortin, Grenier, Parizeau 2013) on minimised objectives (wvalues are
  the negated values), every front (k = n); the rank of a point is the index of its front.
"""
import json
import sys

from deap.tools._hypervolume import hv
from deap.tools.emo import sortLogNondominated


def volume(points, ref):
    kept = [p for p in points if all(v < r for v, r in zip(p, ref))]
    return float(hv.hypervolume(kept, ref)) if kept else 0.0


def contributions(points, ref):
    total = volume(points, ref)
    out = []
    for i, p in enumerate(points):
        if not all(v < r for v, r in zip(p, ref)):
            out.append(0.0)
        else:
            out.append(total - volume(points[:i] + points[i + 1:], ref))
    return out


class _Fitness:
    __slots__ = ("wvalues",)

    def __init__(self, point):
        self.wvalues = tuple(-v for v in point)


class _Individual:
    __slots__ = ("index", "fitness")

    def __init__(self, index, point):
        self.index = index
        self.fitness = _Fitness(point)


def ranks(points):
    if not points:
        return []
    inds = [_Individual(i, p) for i, p in enumerate(points)]
    out = [-1] * len(points)
    for r, front in enumerate(sortLogNondominated(inds, len(inds))):
        for ind in front:
            out[ind.index] = r
    return out


def main():
    with open(sys.argv[1]) as f:
        req = json.load(f)
    ans = {
        "hv": [volume(c["points"], c["ref"]) for c in req.get("hv", [])],
        "hvc": [contributions(c["points"], c["ref"]) for c in req.get("hvc", [])],
        "sort": [ranks(c["points"]) for c in req.get("sort", [])],
    }
    json.dump(ans, sys.stdout)


if __name__ == "__main__":
    main()
