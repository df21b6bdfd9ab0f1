#!/usr/bin/env python3
"""Times numpy.dot the way bench/timing.js times the JS rows, and prints one JSON object.

Same n, same data formula (bench/data.js), warm-up first, then the median over batches, where a
batch repeats the call until it lasts about --batch-ms and is divided by its number of calls.
The thread count is the caller's business: it sets OPENBLAS_NUM_THREADS in this process's env.

    python3 bench/numpy_dot.py --n 100000 --time-ms 400   # timing
    python3 bench/numpy_dot.py --info                     # numpy and BLAS facts only
    python3 bench/numpy_dot.py --n 100000 --pause-ms 5    # one call at a time, each after a pause
    python3 bench/numpy_dot.py --serve                    # time each JSON request on stdin (turns.js, seed.js)
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def operands(n, dtype):
    # Built in float64, then cast: every value is a multiple of 1/8, exact in float32 as well.
    i = np.arange(n)
    x = ((i % 7) * 0.5 - 1.5).astype(dtype)
    y = ((i % 5) * 0.25 - 0.5).astype(dtype)
    return x, y


def measure(x, y, args):
    dot = np.dot
    clock = time.perf_counter_ns
    calls = 0
    t0 = clock()
    while calls < args.warmup_batches or clock() - t0 < args.warmup_ms * 1e6:
        dot(x, y)
        calls += 1
    reps = reps_for(x, y, args.batch_ms)
    # No sink here, unlike JS: CPython never drops a call whose result is unused, and adding
    # numpy scalars would put ~100 ns of Python arithmetic into a 1e3 row.
    samples = []
    start = clock()
    while len(samples) < args.min_batches or clock() - start < args.time_ms * 1e6:
        t = clock()
        for _ in range(reps):
            dot(x, y)
        samples.append((clock() - t) / reps)
    return statistics.median(samples), len(samples), reps


def after_pause(x, y, pause_ms, samples):
    """The median of `samples` single np.dot calls, each made pause_ms after the last one ended,
    as bench/pause.js times the JS rows: OpenBLAS's threads may have gone to sleep meanwhile."""
    dot = np.dot
    clock = time.perf_counter_ns
    dot(x, y)  # warm-up
    times = []
    for _ in range(samples):
        time.sleep(pause_ms / 1e3)
        t = clock()
        dot(x, y)
        times.append(clock() - t)
    return statistics.median(times)


def reps_for(x, y, batch_ms):
    """Calls per batch so that a batch lasts about batch_ms, from the fastest of a few short
    passes, as repsFor in bench/timing.js does."""
    dot = np.dot
    clock = time.perf_counter_ns
    per_call = float("inf")
    start = clock()
    passes = 0
    while passes < 5 and (passes < 2 or clock() - start < 4 * batch_ms * 1e6):
        calls = 0
        t0 = clock()
        while True:
            dot(x, y)
            calls += 1
            elapsed = clock() - t0
            if elapsed >= batch_ms * 1e6 / 2:
                break
        per_call = min(per_call, elapsed / calls)
        passes += 1
    return max(1, round(batch_ms * 1e6 / per_call))


def serve(lines, out):
    """Times one request per line of `lines`, a JSON object with n, precision, time_ms, warmup_ms,
    batch_ms, min_batches and warmup_batches, and writes one JSON line for each. Above 1e6
    elements the operands stay built for the last n, both precisions, so that turns at one n
    (bench/turns.js) build them once. Shorter ones are built anew for each request: where they
    land matters at 1e3, which read ~0.85 or ~1.6 us a call from one build to the next.
    A request with "seed" instead times one seed job (seed_job) on arange(n), kept for the next."""
    kept = {}
    for line in lines:
        request = json.loads(line)
        if request.get("seed"):
            n, count = request["n"], request["count"]
            if ("seed", n) not in kept:
                kept.clear()
                kept[("seed", n)] = seed_operands(n)
            total, value = seed_job(*kept[("seed", n)], count)
            out.write(json.dumps({"total_ns": total, "value": value}) + "\n")
            out.flush()
            continue
        n, precision = request["n"], request["precision"]
        if (n, precision) not in kept or n <= 10**6:
            if any(key[0] != n for key in kept):
                kept.clear()
            kept[(n, precision)] = operands(n, {"f64": np.float64, "f32": np.float32}[precision])
        x, y = kept[(n, precision)]
        median, samples, reps = measure(x, y, argparse.Namespace(**{k: request[k] for k in ("time_ms", "warmup_ms", "batch_ms", "min_batches", "warmup_batches")}))
        out.write(json.dumps({"median_ns": median, "samples": samples, "reps": reps, "value": float(np.dot(x, y))}) + "\n")
        out.flush()


def seed_operands(n):
    """The seed's operands, a = b = np.arange(n) as float64 (two arrays), after one warm-up call."""
    a = np.arange(n, dtype=np.float64)
    b = np.arange(n, dtype=np.float64)
    np.dot(a, b)
    return a, b


def seed_job(a, b, count):
    """The seed's job: `count` np.dot calls timed as a whole; its ns and the last value."""
    clock = time.perf_counter_ns
    value = 0.0
    t = clock()
    for _ in range(count):
        value = float(np.dot(a, b))
    return clock() - t, value


def blas_info():
    """Which BLAS numpy calls: threadpoolctl sees the loaded library; without it, numpy's build
    config names the library and openblas_runtime() asks the loaded OpenBLAS what it runs."""
    try:
        from threadpoolctl import threadpool_info

        keys = ("internal_api", "version", "num_threads", "threading_layer", "architecture")
        return {"source": "threadpoolctl", "libraries": [{k: lib.get(k) for k in keys} for lib in threadpool_info()]}
    except ImportError:
        pass
    info = {"source": "numpy build config (threadpoolctl not installed)"}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info.update(name=blas.get("name"), version=blas.get("version"))
    except Exception as error:  # an old numpy without mode="dicts"
        info.update(error=str(error))
    info.update(openblas_runtime())
    return info


def openblas_runtime():
    """The core type and thread count of the OpenBLAS loaded in this process (Linux only), as
    threadpoolctl finds them. The core type is what OPENBLAS_CORETYPE overrides: the build
    config's "Haswell" is only the baseline of a DYNAMIC_ARCH build."""
    import ctypes

    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and line.rstrip().endswith(".so")}
    except OSError:
        return {}
    for path in paths:
        lib = ctypes.CDLL(path)
        # Plain OpenBLAS, then the symbol-prefixed scipy-openblas builds numpy wheels ship.
        for prefix, suffix in (("openblas_", ""), ("scipy_openblas_", "64_"), ("scipy_openblas_", "")):
            corename = getattr(lib, f"{prefix}get_corename{suffix}", None)
            threads = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
            if corename is None or threads is None:
                continue
            corename.restype = ctypes.c_char_p
            return {"corename": corename().decode(), "num_threads": threads()}
    return {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--info", action="store_true", help="print numpy and BLAS facts, time nothing")
    parser.add_argument("--n", type=int)
    parser.add_argument("--time-ms", type=float, default=400)
    parser.add_argument("--warmup-ms", type=float, default=100)
    parser.add_argument("--batch-ms", type=float, default=2)
    parser.add_argument("--min-batches", type=int, default=20)
    parser.add_argument("--warmup-batches", type=int, default=5)
    parser.add_argument("--precisions", default="f64,f32")
    parser.add_argument("--pause-ms", type=float, help="time single calls, each after this pause")
    parser.add_argument("--samples", type=int, default=40, help="calls timed after a pause")
    parser.add_argument("--serve", action="store_true", help="time each JSON request read from stdin")
    args = parser.parse_args()
    if args.serve:
        return serve(sys.stdin, sys.stdout)

    out = {
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "blas": blas_info(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
        "results": [],
    }
    if not args.info:
        if args.n is None or args.n < 1:
            parser.error("--n must be a positive integer")
        for precision in args.precisions.split(","):
            x, y = operands(args.n, {"f64": np.float64, "f32": np.float32}[precision])
            if args.pause_ms is not None:
                median, samples, reps = after_pause(x, y, args.pause_ms, args.samples), args.samples, 1
            else:
                median, samples, reps = measure(x, y, args)
            out["results"].append({
                "precision": precision,
                "n": args.n,
                "median_ns": median,
                "samples": samples,
                "reps": reps,
                "value": float(np.dot(x, y)),
            })
            del x, y
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
