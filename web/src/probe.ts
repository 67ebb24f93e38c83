// A short timed run on an engine: how many router-steps per second it gives on a small relax
// scan of the browser presets' size (2048 routers), after a warm-up that compiles its
// pipelines or starts its workers. The page times the WebGPU adapter and the CPU workers when
// the adapter is a software fallback (SwiftShader, llvmpipe), runs on the faster, and keeps
// the rates for the estimates beside the Run button (estimate.ts).

import type { Engine } from '../../src/core/engine.js';
import { runSpec } from '../../src/experiments/protocols.js';
import { parseSpec, type ParsedSpec } from '../../src/experiments/spec.js';

export interface ProbeResult {
  /** router-steps per second */
  rate: number;
  routerSteps: number;
  ms: number;
}

const ROUTERS = 2048;

function probeSpec(replicates: number, steps: number): ParsedSpec {
  return parseSpec({
    name: 'probe',
    params: { a: 3, T: 1, gamma: 1, B: 512, eta: 0.02 },
    replicates,
    steps,
    window: Math.max(1, Math.floor(steps / 4)),
    initial: { y0: 0, asym: 0.05 },
  });
}

/**
 * Times the engine: a warm-up, then runs of 2048 routers with more steps each time until one
 * takes `targetMs` (at most 8192 steps). The last run's rate, overheads included (as a chunk of
 * a real run pays them).
 */
export async function probeEngine(engine: Engine, targetMs = 250): Promise<ProbeResult> {
  await runSpec(engine, probeSpec(256, 8));
  let steps = 32;
  for (;;) {
    const t0 = performance.now();
    await runSpec(engine, probeSpec(ROUTERS, steps));
    const ms = performance.now() - t0;
    const routerSteps = ROUTERS * steps;
    if (ms >= targetMs || steps >= 8192) return { rate: (routerSteps * 1000) / Math.max(ms, 1e-3), routerSteps, ms };
    steps = Math.min(8192, Math.max(2 * steps, Math.ceil((steps * 1.2 * targetMs) / Math.max(ms, 1))));
  }
}

/** A software adapter: the CPU may run the kernels faster in Web Workers than through it. */
export function isSoftwareAdapter(description: string, isFallback: boolean): boolean {
  return isFallback || /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i.test(description);
}
