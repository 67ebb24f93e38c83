"""Side-by-side peer for bench/throughput.ts: the vectorised NumPy batch router.

One Generator.binomial call over all routers per step (NumPy's BTPE/inversion sampler),
the same model and update as shaders/router.wgsl (MODEL.md section 1). Prints one JSON line:
{"routerStepsPerSecond": ..., "routers": ..., "steps": ..., "B": ..., "numpy": "..."}.
"""
import json
import sys
import time

import numpy as np


def run(routers: int, steps: int, B: int, a=3.0, T=2.2, gamma=1.0, h=0.0, rho=0.0, eta=0.002, seed=1):
    rng = np.random.default_rng(seed)
    y = np.zeros(routers)
    a_eff = a - rho
    sum_abs = np.zeros(routers)
    t0 = time.perf_counter()
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-y / T))
        n1 = rng.binomial(B, p)
        u_hat = (2.0 * n1 - B) / B
        y += eta * (a_eff * u_hat - gamma * y + h)
        sum_abs += np.abs(u_hat)
    elapsed = time.perf_counter() - t0
    return routers * steps / elapsed, float(sum_abs.mean() / steps)


if __name__ == "__main__":
    routers, steps, B = (int(v) for v in sys.argv[1:4])
    rate, mean_abs = run(routers, steps, B)
    print(json.dumps({"routerStepsPerSecond": rate, "routers": routers, "steps": steps, "B": B,
                      "meanAbsLoad": mean_abs, "numpy": np.__version__}))
