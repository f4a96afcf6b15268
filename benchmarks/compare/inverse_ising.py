#!/usr/bin/python3
"""Side-by-side inverse Ising: StatNeuro on the planted fits of ../shared/design/notes/inverse-ising.md.

Draws planted SK models (h_i ~ N(0, 0.3^2), J_ij ~ N(0, beta^2/N)) and samples them with `statneuro ising sample`
(exact sampling for N = 20, Metropolis for N = 100), fits them with `statneuro infer ising --method exact|plm|nmf|tap`
and prints, per fit: the fit's own wall time (last row of trace.csv; mean-field methods have no trace), the whole
process's wall and CPU seconds (JIT start-up and data loading included), the RMS error of J against the planted
model, and the peer's time and error as quoted in the note (ConIII / numpy / scipy, measured on a loaded 2-core
machine of this kind). The planted instances are not the note's (other random draws), so errors agree
statistically, not digit for digit. Standard library only (no numpy needed).

Usage: /usr/bin/python3 benchmarks/compare/inverse_ising.py [--quick]   (--quick skips the M = 10^6 case)
"""
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = ["dotnet", os.path.join(ROOT, "src", "StatNeuro.Cli", "bin", "Release", "net10.0", "StatNeuro.Cli.dll")]

# (N, beta, M, method, peer label, peer seconds, peer rmsJ) -- numbers quoted from the note's equilibrium table.
CASES = [
    (20, 1.0, 10_000, "exact", "ConIII Enumerate", 1042, 0.0215),
    (20, 1.0, 100_000, "exact", "numpy exact ML (Newton)", 8.0, 0.0060),
    (20, 1.5, 100_000, "exact", "numpy exact ML (Newton)", 12.6, 0.0134),
    (20, 0.5, 100_000, "plm", "ConIII Pseudo", 13.9, 0.0041),
    (20, 1.0, 100_000, "plm", "ConIII Pseudo", 10.3, 0.0062),
    (20, 1.5, 100_000, "plm", "scipy PLM (L-BFGS)", 21.6, 0.0137),
    (20, 0.5, 1_000_000, "plm", "ConIII Pseudo", 128, 0.0014),
    (20, 0.5, 100_000, "nmf", "numpy nMF", 0.1, 0.0104),
    (20, 1.0, 100_000, "nmf", "numpy nMF", 0.1, 0.0403),
    (20, 1.5, 100_000, "nmf", "numpy nMF", 0.1, 0.317),
    (20, 0.5, 100_000, "tap", "numpy TAP", 0.1, 0.0055),
    (20, 1.0, 100_000, "tap", "numpy TAP", 0.1, 0.0399),
    (20, 1.5, 100_000, "tap", "numpy TAP", 0.1, 0.297),
    (100, 0.5, 100_000, "plm", "ConIII Pseudo (8 GB array; not run)", float("nan"), float("nan")),
]


def run(args):
    """Runs the CLI; returns (wall seconds, child CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(CLI + args, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def read_matrix(path):
    with open(path) as f:
        return [[float(v) for v in line.split(",")] for line in f if line.strip()]


def rms_j(a, b):
    n = len(a)
    s = sum((a[i][j] - b[i][j]) ** 2 for i in range(n) for j in range(i + 1, n))
    return math.sqrt(s / (n * (n - 1) / 2))


def main():
    quick = "--quick" in sys.argv[1:]
    subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(ROOT, "src", "StatNeuro.Cli"), "-v", "q"],
                   check=True, stdout=subprocess.DEVNULL)
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(f"inverse Ising, StatNeuro vs peers of ../shared/design/notes/inverse-ising.md (load average {load}, {os.cpu_count()} cores)")
    header = f"{'method':6} {'N':>4} {'beta':>4} {'M':>8} | {'fit_s':>7} {'wall_s':>7} {'cpu_s':>7} {'rmsJ':>8} | {'peer':36} {'peer_s':>7} {'peer_rmsJ':>9}"
    print(header)
    print("-" * len(header))
    tmp = tempfile.mkdtemp(prefix="inverse_ising_")
    samples = {}
    for n, beta, m, method, peer, peer_s, peer_rms in CASES:
        if quick and m > 100_000:
            continue
        key = (n, beta, m)
        if key not in samples:
            out = os.path.join(tmp, f"s_{n}_{beta}_{m}")
            seed = str(1 + len(samples))
            if n <= 25:
                run(["ising", "sample", "--size", str(n), "--beta", str(beta), "--exact", "--samples", str(m),
                     "--seed", seed, "--out", out, "--quiet"])
            else:
                run(["ising", "sample", "--size", str(n), "--beta", str(beta), "--chains", "10", "--samples",
                     str(m // 10), "--thin", "5", "--burn-in", "1000", "--seed", seed, "--out", out, "--quiet"])
            samples[key] = out
        data = samples[key]
        fit = os.path.join(tmp, f"f_{method}_{n}_{beta}_{m}")
        wall, cpu = run(["infer", "ising", "--data", os.path.join(data, "samples.npy"), "--method", method,
                         "--out", fit, "--quiet"])
        fit_s = float("nan")
        trace = os.path.join(fit, "trace.csv")
        if os.path.exists(trace):
            with open(trace) as f:
                rows = [line for line in f.read().splitlines()[1:] if line]
            fit_s = float(rows[-1].split(",")[3])
        err = rms_j(read_matrix(os.path.join(fit, "J.csv")), read_matrix(os.path.join(data, "model", "J.csv")))
        print(f"{method:6} {n:4d} {beta:4.1f} {m:8d} | {fit_s:7.3f} {wall:7.2f} {cpu:7.2f} {err:8.4f} | {peer:36} {peer_s:7.1f} {peer_rms:9.4f}")
    print("fit_s: the fit's own wall time (trace.csv); wall_s/cpu_s: the whole `infer ising` process (start-up and loading included).")
    print(f"(work files in {tmp})")


if __name__ == "__main__":
    main()
