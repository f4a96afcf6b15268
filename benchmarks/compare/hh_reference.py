#!/usr/bin/env python3
"""Independent high-accuracy reference for the Hodgkin-Huxley acceptance test (StatNeuro issue 2).

Integrates the 1952 squid-axon model (modern convention, rest -65 mV; C 1 uF/cm2, gNa 120, gK 36, gL 0.3 mS/cm2,
ENa 50, EK -77, EL -54.387 mV; gates at steady state for V0 = -65 mV) under a constant I = 10 uA/cm2 step from rest
for 100 ms with SciPy's DOP853 (8th order) at rtol = atol = 1e-12, and again with Radau at rtol = atol = 1e-11 as a
cross-check, and prints the upward 0 mV crossing times (located by SciPy's event root finder) as JSON.

Install: apt-get install -y python3-scipy   (Debian's package; run with /usr/bin/python3)
Usage:   /usr/bin/python3 benchmarks/compare/hh_reference.py [--current 10] [--duration 100]
"""
import argparse
import json

import numpy as np
from scipy.integrate import solve_ivp


def vtrap(x):
    return 1.0 + 0.5 * x if abs(x) < 1e-7 else x / -np.expm1(-x)


def rates(v):
    am = vtrap((v + 40) / 10)
    bm = 4 * np.exp(-(v + 65) / 18)
    ah = 0.07 * np.exp(-(v + 65) / 20)
    bh = 1 / (1 + np.exp(-(v + 35) / 10))
    an = 0.1 * vtrap((v + 55) / 10)
    bn = 0.125 * np.exp(-(v + 65) / 80)
    return am, bm, ah, bh, an, bn


def rhs(current):
    def f(t, y):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = rates(v)
        dv = current - 120 * m ** 3 * h * (v - 50) - 36 * n ** 4 * (v + 77) - 0.3 * (v + 54.387)
        return [dv, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    return f


def crossing(t, y):
    return y[0]


crossing.direction = 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--current", type=float, default=10.0)
    ap.add_argument("--duration", type=float, default=100.0)
    a = ap.parse_args()
    v0 = -65.0
    am, bm, ah, bh, an, bn = rates(v0)
    y0 = [v0, am / (am + bm), ah / (ah + bh), an / (an + bn)]
    out = {"current_uA_cm2": a.current, "duration_ms": a.duration}
    for method, tol in (("DOP853", 1e-12), ("Radau", 1e-11)):
        sol = solve_ivp(rhs(a.current), (0, a.duration), y0, method=method, rtol=tol, atol=tol, events=crossing)
        out[method] = {"rtol": tol, "spike_times_ms": [float(t) for t in sol.t_events[0]], "status": int(sol.status)}
    d = np.array(out["DOP853"]["spike_times_ms"]) - np.array(out["Radau"]["spike_times_ms"])
    out["max_abs_difference_ms"] = float(np.max(np.abs(d))) if d.size else 0.0
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
