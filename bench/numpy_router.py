"""Side-by-side peers for bench/throughput.ts: vectorised NumPy batch routers.

Two experts (the default): one Generator.binomial call over all routers per step (NumPy's
BTPE/inversion sampler), the same model and update as shaders/router.wgsl (MODEL.md section 1).

    python3 numpy_router.py ROUTERS STEPS B

N experts (--experts N): one Generator.multinomial call over all routers per step, on the
softmax(r / T) probabilities, with the update r_i += eta (a l_i - gamma r_i), l_i = N_i / B:
shaders/router_n.wgsl's model without drift, bias or capacity (MODEL.md section 5). The
initial scores are asym (2 U - 1), as router_n.wgsl draws them (from other words).

    python3 numpy_router.py --experts N [--a A] [--T T] [--gamma G] [--eta E] [--asym S] ROUTERS STEPS B

Prints one JSON line: {"routerStepsPerSecond": ..., "routers": ..., "steps": ..., "B": ...,
"numpy": "..."} and a sanity observable of the run (meanAbsLoad for two experts, the mean over
routers and steps of sum_i (N_i / B)^2, meanSquareShare, for N; for N also cores, the process's
CPU time over the wall time of the loop: below 1 when other processes took the CPU).
"""
import argparse
import json
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


def run_experts(N: int, routers: int, steps: int, B: int, a: float, T: float, gamma: float, eta: float, asym: float, seed=1):
    rng = np.random.default_rng(seed)
    r = asym * (2.0 * rng.random((routers, N)) - 1.0)
    sum_sq = 0.0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(steps):
        s = r / T
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        counts = rng.multinomial(B, p)
        load = counts / B
        r += eta * (a * load - gamma * r)
        sum_sq += float(np.einsum("ij,ij->", load, load))
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return routers * steps / elapsed, sum_sq / (routers * steps), cpu / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("routers", type=int)
    parser.add_argument("steps", type=int)
    parser.add_argument("B", type=int)
    parser.add_argument("--experts", type=int, default=0, help="N >= 2: the multinomial peer of router_n.wgsl")
    parser.add_argument("--a", type=float, default=None, help="default N / 2 (balanced: a < N gamma T)")
    parser.add_argument("--T", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=1.0)
    parser.add_argument("--eta", type=float, default=0.01)
    parser.add_argument("--asym", type=float, default=0.01)
    args = parser.parse_args()
    if args.experts:
        N = args.experts
        if N < 2:
            parser.error("--experts must be >= 2")
        a = N / 2.0 if args.a is None else args.a
        rate, mean_sq, cores = run_experts(N, args.routers, args.steps, args.B, a, args.T, args.gamma, args.eta, args.asym)
        print(json.dumps({"routerStepsPerSecond": rate, "expertStepsPerSecond": rate * N, "routers": args.routers,
                          "steps": args.steps, "B": args.B, "N": N, "meanSquareShare": mean_sq, "cores": cores,
                          "numpy": np.__version__}))
        return
    rate, mean_abs = run(args.routers, args.steps, args.B)
    print(json.dumps({"routerStepsPerSecond": rate, "routers": args.routers, "steps": args.steps, "B": args.B,
                      "meanAbsLoad": mean_abs, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
