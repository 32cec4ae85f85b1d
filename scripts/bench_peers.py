#!/usr/bin/python3
"""Times the peers' Pareto functions on seeded CSV point sets (minimisation) for `npm run bench:peers`.

Usage: bench_peers.py [--budget SECONDS] [--c-budget SECONDS] [--slow-sort-max N] [--skip OP,OP] POINTS.csv ...
Prints one JSON object per file, one per line, in the order given:
  {"file", "n", "m", "versions": {...}, "<op>": {"ms", "runs", ...} | {"timeout": s} | {"missing": why}}
Operations (reference point 1.1 in every objective; every point of the files lies in [0, 1.002]^m):
  deapLogFront   DEAP tools.sortLogNondominated(inds, n, first_front_only=True); result: front size
  deapLogRanks   DEAP tools.sortLogNondominated(inds, n) (all fronts); result: the size of each front
  deapSlowFront  DEAP tools.sortNondominated(inds, n, first_front_only=True), only when n <= --slow-sort-max
  optunaFront    Optuna's Pareto front (_get_pareto_front_trials_by_trials, what Study.best_trials uses)
  deapHvSet      DEAP's C hypervolume hv.hypervolume(points, ref) on the whole set (a Python list of lists:
                 the call includes DEAP's conversion of the list to a C array)
  deapHvFront    the same on the first front (DEAP's own front, as lists)
  optunaHvFront  optuna._hypervolume.WFG().compute(np.asarray(front), np.asarray(ref)) on the same front
Timing: computation only (individuals, trials and arrays are built before the clock starts); each op is
the median of 3 samples, a sample looping the call until it lasts >= 20 ms; a call longer than 5 s is
timed once ("runs": 1); a Python call still running after --budget seconds (default 5) is abandoned
({"timeout"}); DEAP's C hypervolume cannot be interrupted, so its first call runs in a forked child that
is killed after --c-budget seconds (default 120). --skip OP,...: report those ops as
{"skipped": true} without running them (the caller saw them stopped on a smaller set).
"""
import csv
import json
import math
import os
import signal
import statistics
import sys
import time


class Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise Timeout()


signal.signal(signal.SIGALRM, _alarm)


SKIP = set()


def measure(fn, budget, op=None):
    """{"ms", "runs", "result"} for fn(): median of 3 samples, or {"timeout": budget}; budget None: no limit."""
    if op in SKIP:
        return {"skipped": True}
    signal.setitimer(signal.ITIMER_REAL, budget or 0)
    try:
        t0 = time.perf_counter()
        result = fn()
        first = time.perf_counter() - t0
    except Timeout:
        return {"timeout": budget}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if first > 5:
        return {"ms": first * 1000, "runs": 1, "result": result}
    loops = 1 if first >= 0.02 else min(10_000, math.ceil(0.02 / max(first, 1e-7)))
    samples = [first] if first >= 1 else []
    while len(samples) < 3:
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - t0) / loops)
    return {"ms": statistics.median(samples) * 1000, "runs": 3, "result": result}


def measure_c(fn, budget, op=None):
    """measure() for a C call Python cannot interrupt (DEAP's hv): the first call runs in a forked child
    that is killed after `budget` seconds ({"timeout": budget}); the other samples run here."""
    if op in SKIP:
        return {"skipped": True}
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one call, its time and result on the pipe
        os.close(read_end)
        t0 = time.perf_counter()
        result = fn()
        os.write(write_end, json.dumps([time.perf_counter() - t0, result]).encode())
        os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + budget
    while True:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            return {"timeout": budget}
        time.sleep(0.01)
    with os.fdopen(read_end) as f:
        first, result = json.loads(f.read())
    if first > 5:
        return {"ms": first * 1000, "runs": 1, "result": result}
    return measure(fn, None)


def read_points(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return [[float(x) for x in r] for r in rows[1:]]


def run(path, budget, c_budget, slow_sort_max, versions):
    points = read_points(path)
    n, m = len(points), len(points[0])
    ref = [1.1] * m
    out = {"file": path, "n": n, "m": m, "versions": versions}
    front_points = None
    try:
        from deap import base, creator, tools
        from deap.tools._hypervolume import hv

        name = f"Min{m}"
        if not hasattr(creator, f"Fitness{name}"):
            creator.create(f"Fitness{name}", base.Fitness, weights=(-1.0,) * m)
            creator.create(f"Individual{name}", list, fitness=getattr(creator, f"Fitness{name}"))
        individual = getattr(creator, f"Individual{name}")
        inds = []
        for p in points:
            ind = individual(p)
            ind.fitness.values = tuple(p)
            inds.append(ind)

        r = measure(lambda: tools.sortLogNondominated(inds, n, first_front_only=True), budget, "deapLogFront")
        if "result" in r:
            front_points = [list(ind.fitness.values) for ind in r.pop("result")]
            r["front"] = len(front_points)
        out["deapLogFront"] = r
        r = measure(lambda: tools.sortLogNondominated(inds, n), budget, "deapLogRanks")
        if "result" in r:
            r["fronts"] = [len(f) for f in r.pop("result")]
        out["deapLogRanks"] = r
        if n <= slow_sort_max:
            r = measure(lambda: tools.sortNondominated(inds, n, first_front_only=True), budget, "deapSlowFront")
            if "result" in r:
                r["front"] = len(r.pop("result")[0])
            out["deapSlowFront"] = r
        r = measure_c(lambda: hv.hypervolume(points, ref), c_budget, "deapHvSet")
        if "result" in r:
            r["value"] = r.pop("result")
        out["deapHvSet"] = r
        if front_points is not None:
            r = measure_c(lambda: hv.hypervolume(front_points, ref), c_budget, "deapHvFront")
            if "result" in r:
                r["value"] = r.pop("result")
            out["deapHvFront"] = r
    except ImportError as e:
        out["deapLogFront"] = {"missing": str(e)}

    try:
        import numpy as np
        import optuna
        from optuna._hypervolume import WFG
        from optuna.study import StudyDirection
        from optuna.study._multi_objective import _get_pareto_front_trials_by_trials

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        trials = [optuna.trial.create_trial(values=p) for p in points]
        for i, t in enumerate(trials):
            t.number = i
        directions = [StudyDirection.MINIMIZE] * m
        r = measure(lambda: _get_pareto_front_trials_by_trials(trials, directions), budget, "optunaFront")
        if "result" in r:
            r["front"] = len(r.pop("result"))
        out["optunaFront"] = r
        if front_points is not None:
            front_array, ref_array = np.asarray(front_points), np.asarray(ref)
            r = measure(lambda: WFG().compute(front_array, ref_array), budget, "optunaHvFront")
            if "result" in r:
                r["value"] = float(r.pop("result"))
            out["optunaHvFront"] = r
    except ImportError as e:
        out["optunaFront"] = {"missing": str(e)}
    return out


def main(argv):
    budget, c_budget, slow_sort_max, files = 5.0, 120.0, 1000, []
    i = 0
    while i < len(argv):
        if argv[i] == "--budget":
            budget, i = float(argv[i + 1]), i + 2
        elif argv[i] == "--c-budget":
            c_budget, i = float(argv[i + 1]), i + 2
        elif argv[i] == "--skip":
            SKIP.update(x for x in argv[i + 1].split(",") if x != "-")
            i += 2
        elif argv[i] == "--slow-sort-max":
            slow_sort_max, i = int(argv[i + 1]), i + 2
        else:
            files.append(argv[i])
            i += 1
    versions = {"python": sys.version.split()[0]}
    for mod in ("deap", "optuna", "numpy"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            pass
    for path in files:
        print(json.dumps(run(path, budget, c_budget, slow_sort_max, versions)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
