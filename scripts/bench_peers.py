#!/usr/bin/python3
"""Times the peers' Pareto functions on one CSV point set (minimisation), as JSON on stdout:
Optuna 3.1's Pareto-front computation (_get_pareto_front_trials_by_trials, what Study.best_trials
uses) and DEAP's tools.sortNondominated (all fronts, and first_front_only). Object construction
is outside the timed region. Usage: bench_peers.py POINTS.csv"""
import csv, json, sys, time

rows = list(csv.reader(open(sys.argv[1])))
points = [[float(x) for x in r] for r in rows[1:]]
m = len(points[0])
out = {"n": len(points), "m": m}

try:
    import optuna
    from optuna.study import StudyDirection
    from optuna.study._multi_objective import _get_pareto_front_trials_by_trials
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    trials = [optuna.trial.create_trial(values=p) for p in points]
    for i, t in enumerate(trials):
        t.number = i
    directions = [StudyDirection.MINIMIZE] * m
    t0 = time.perf_counter()
    front = _get_pareto_front_trials_by_trials(trials, directions)
    out["optuna"] = {"version": optuna.__version__, "seconds": time.perf_counter() - t0, "front": len(front)}
except ImportError as e:
    out["optuna"] = {"missing": str(e)}

try:
    import deap
    from deap import base, creator, tools
    creator.create("FitnessMin", base.Fitness, weights=(-1.0,) * m)
    creator.create("Individual", list, fitness=creator.FitnessMin)
    def individuals():
        inds = []
        for p in points:
            ind = creator.Individual(p)
            ind.fitness.values = tuple(p)
            inds.append(ind)
        return inds
    inds = individuals()
    t0 = time.perf_counter()
    first = tools.sortNondominated(inds, len(inds), first_front_only=True)
    out["deapFirstFront"] = {"seconds": time.perf_counter() - t0, "front": len(first[0])}
    inds = individuals()
    t0 = time.perf_counter()
    fronts = tools.sortNondominated(inds, len(inds))
    out["deapSort"] = {"version": deap.__version__, "seconds": time.perf_counter() - t0, "fronts": len(fronts)}
except ImportError as e:
    out["deapSort"] = {"missing": str(e)}

print(json.dumps(out))
