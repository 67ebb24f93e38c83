// Tests for src/analytics/theory/ (the mean-field theory of MODEL.md) against independent
// reference implementations written here from the equations, not through the modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalReinforcement, criticalTemperature, nExpertCriticalReinforcement } from '../src/analytics/theory/critical-points.js';
import { cuspNormalForm, insideCuspBistable } from '../src/analytics/theory/cusp.js';
import { drift, driftSlope, loadOf, potential } from '../src/analytics/theory/drift.js';
import { equilibria } from '../src/analytics/theory/equilibria.js';
import { foldCurve, foldPoints, hysteresisHalfWidth, isBistable } from '../src/analytics/theory/folds.js';
import { linearNoiseInverseVariance, linearNoiseVariance } from '../src/analytics/theory/linear-noise.js';
import { meanFieldLoadAt, meanFieldTrajectory } from '../src/analytics/theory/mean-field-ode.js';
import type { RouterParams } from '../src/analytics/theory/params.js';

// ---------------------------------------------------------------------------
// independent reference implementations (written from eq 6 / eq 15 directly, not via the module)

function Fref(y: number, a: number, g: number, T: number, h: number): number {
  return a * Math.tanh(y / (2 * T)) - g * y + h;
}
function dFref(y: number, a: number, g: number, T: number): number {
  const th = Math.tanh(y / (2 * T));
  return (a / (2 * T)) * (1 - th * th) - g;
}
function d2Fref(y: number, a: number, T: number): number {
  const th = Math.tanh(y / (2 * T));
  return -(a / (2 * T * T)) * (1 - th * th) * th;
}

/** Count sign changes of F on a fine uniform grid (crude, independent of the module). */
function scanCount(a: number, g: number, T: number, h: number, n = 40000): number {
  const R = (Math.abs(a) + Math.abs(h)) / g + 1;
  let count = 0;
  let prev = Fref(-R, a, g, T, h);
  for (let i = 1; i <= n; i++) {
    const y = -R + (2 * R * i) / n;
    const v = Fref(y, a, g, T, h);
    if (v === 0 || (prev > 0 && v < 0) || (prev < 0 && v > 0)) count++;
    prev = v;
  }
  return count;
}

/**
 * Half-width H found as the skew where the equilibrium count changes: solve F(y; h) = 0 and
 * F'(y) = 0 jointly for (y, h) with y > 0 (bisection on F' to bracket, then 2-D Newton on
 * (F, F') with Jacobian [[F', 1], [F'', 0]]). No closed form is used.
 */
function foldByJointRootFinding(a: number, g: number, T: number): { y: number; H: number } {
  let lo = 0;
  let hi = a / g + 10 * T;
  assert.ok(dFref(lo, a, g, T) > 0 && dFref(hi, a, g, T) < 0, "F' must change sign");
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (dFref(mid, a, g, T) > 0) lo = mid;
    else hi = mid;
  }
  let y = 0.5 * (lo + hi);
  let h = -(a * Math.tanh(y / (2 * T)) - g * y);
  for (let it = 0; it < 8; it++) {
    const G1 = Fref(y, a, g, T, h);
    const G2 = dFref(y, a, g, T);
    const J11 = dFref(y, a, g, T);
    const J21 = d2Fref(y, a, T);
    // [[J11, 1], [J21, 0]] [dy, dh]^T = -[G1, G2]^T
    const dy = -G2 / J21;
    const dh = -G1 - J11 * dy;
    y += dy;
    h += dh;
  }
  // at y > 0 the fold sits at h = -H
  return { y, H: -h };
}

// ---------------------------------------------------------------------------

test('reference hysteresis half-widths H(3), H(4), H(5) at gamma = T = 1 (eq 18)', () => {
  const ref: Array<[number, number]> = [
    [3, 0.415093],
    [4, 1.06568],
    [5, 1.809546],
  ];
  for (const [a, H] of ref) {
    const got = hysteresisHalfWidth(a, 1, 1);
    assert.ok(Math.abs(got - H) < 1e-6, `H(${a}) = ${got}, expected ${H}`);
  }
  assert.equal(hysteresisHalfWidth(2, 1, 1), 0);
  assert.equal(hysteresisHalfWidth(1.5, 1, 1), 0);
  // negative feedback: H uses a_eff = a - rho
  assert.ok(Math.abs(hysteresisHalfWidth(6, 1, 1, 2) - 1.06568) < 1e-6);
  assert.equal(hysteresisHalfWidth(4, 1, 1, 2), 0);
});

test("H(a) agrees with joint root finding on F and F' (no closed form) to 1e-8", () => {
  const cases: Array<[number, number, number]> = [
    [3, 1, 1],
    [4, 1, 1],
    [5, 1, 1],
    [2.5, 0.7, 1.3],
    [10, 2, 0.5],
    [1, 0.3, 0.9],
    [2.02, 1, 1],
    [40, 0.5, 3],
  ];
  for (const [a, g, T] of cases) {
    const { y, H } = foldByJointRootFinding(a, g, T);
    const Hm = hysteresisHalfWidth(a, g, T);
    assert.ok(Math.abs(Hm - H) < 1e-8, `(${a},${g},${T}): closed form ${Hm} vs joint ${H}`);
    // the count really changes there: 3 roots just inside, 1 just outside (independent scan)
    const d = 1e-3 * H;
    assert.equal(scanCount(a, g, T, H - d), 3, `(${a},${g},${T}) inside`);
    assert.equal(scanCount(a, g, T, H + d), 1, `(${a},${g},${T}) outside`);
    assert.equal(scanCount(a, g, T, -H + d), 3);
    assert.equal(scanCount(a, g, T, -H - d), 1);
    // and the module's own equilibria resolve it much closer
    const p = { a, gamma: g, T };
    assert.equal(equilibria({ ...p, h: H * (1 - 1e-7) }).length, 3);
    assert.equal(equilibria({ ...p, h: H * (1 + 1e-7) }).length, 1);
    assert.equal(equilibria({ ...p, h: -H * (1 - 1e-7) }).length, 3);
    assert.equal(equilibria({ ...p, h: -H * (1 + 1e-7) }).length, 1);
    // foldPoints: h = -H at y = +y_fold, h = +H at y = -y_fold
    const fp = foldPoints(p);
    assert.equal(fp.length, 2);
    assert.ok(Math.abs(fp[0].h + H) < 1e-8 && Math.abs(fp[1].h - H) < 1e-8);
    assert.ok(Math.abs(fp[0].y - y) < 1e-6 * (1 + y) && Math.abs(fp[1].y + y) < 1e-6 * (1 + y));
    assert.ok(Math.abs(fp[0].load - Math.tanh(y / (2 * T))) < 1e-6);
  }
  // rho: a_eff replaces a
  const { H } = foldByJointRootFinding(3.5, 1.2, 0.8);
  assert.ok(Math.abs(hysteresisHalfWidth(5, 1.2, 0.8, 1.5) - H) < 1e-8);
  assert.deepEqual(foldPoints({ a: 1.9, gamma: 1, T: 1 }), []);
});

test("fold curve points satisfy F = 0 and F' = 0 simultaneously (eq 16)", () => {
  const qs = [-2, -0.7, -0.05, 1e-4, 0.01, 0.3, 1, 1.7, 2.5];
  for (const [g, T] of [
    [1, 1],
    [0.4, 2.2],
    [3, 0.25],
  ]) {
    const pts = foldCurve(g, T, qs);
    assert.equal(pts.length, qs.length);
    pts.forEach((pt, i) => {
      const y = 2 * T * qs[i];
      assert.equal(pt.q, qs[i]);
      assert.ok(Math.abs(pt.y - y) < 1e-15 * (1 + Math.abs(y)));
      const scale = Math.abs(pt.a) + g * Math.abs(y) + Math.abs(pt.h);
      assert.ok(Math.abs(Fref(y, pt.a, g, T, pt.h)) < 1e-13 * scale, `F at q=${qs[i]}`);
      assert.ok(Math.abs(dFref(y, pt.a, g, T)) < 1e-13 * (pt.a / (2 * T) + g), `F' at q=${qs[i]}`);
      assert.ok(pt.a >= 2 * g * T);
      // h(q) has the sign of -q
      if (qs[i] !== 0) assert.equal(Math.sign(pt.h), -Math.sign(qs[i]));
    });
  }
  // small-q accuracy: h(q) ~ -(4/3) gamma T q^3 (no catastrophic cancellation)
  const [small] = foldCurve(1, 1, [1e-6]);
  assert.ok(Math.abs(small.h / (-(4 / 3) * 1e-18) - 1) < 1e-9);
});

test('critical temperature / reinforcement (eq 10) and N-expert threshold', () => {
  assert.equal(criticalTemperature({ a: 3, gamma: 1, T: 1 }), 1.5);
  assert.equal(criticalTemperature({ a: 3, gamma: 0.5, T: 1, rho: 1 }), 2);
  assert.equal(criticalReinforcement({ a: 0, gamma: 0.5, T: 3 }), 3);
  assert.equal(criticalReinforcement({ a: 0, gamma: 0.5, T: 3, rho: 0.7 }), 3.7);
  assert.equal(nExpertCriticalReinforcement(2, 1, 1), 2);
  assert.equal(nExpertCriticalReinforcement(8, 0.5, 1.5), 6);
  // T_c is where y = 0 changes stability
  for (const p of [
    { a: 3, gamma: 1, T: 1 },
    { a: 5, gamma: 0.3, T: 1, rho: 1.2 },
  ]) {
    const Tc = criticalTemperature(p);
    assert.ok(driftSlope(0, { ...p, T: Tc * (1 + 1e-6) }) < 0);
    assert.ok(driftSlope(0, { ...p, T: Tc * (1 - 1e-6) }) > 0);
    assert.ok(Math.abs(driftSlope(0, { ...p, T: Tc })) < 1e-14);
  }
});

test('equilibria: 1 on the balanced side of T_c, 3 (stable/unstable/stable) on the ordered side', () => {
  const base = { a: 3, gamma: 1 }; // T_c = 1.5
  for (const T of [1.6, 2, 5, 50]) {
    const eq = equilibria({ ...base, T });
    assert.equal(eq.length, 1, `T=${T}`);
    assert.ok(Math.abs(eq[0].y) < 1e-14);
    assert.equal(eq[0].stable, true);
  }
  for (const T of [0.05, 0.5, 1, 1.4, 1.49]) {
    const p = { ...base, T };
    const eq = equilibria(p);
    assert.equal(eq.length, 3, `T=${T}`);
    assert.deepEqual(
      eq.map((e) => e.stable),
      [true, false, true],
    );
    assert.ok(eq[0].y < eq[1].y && eq[1].y < eq[2].y);
    assert.ok(Math.abs(eq[0].y + eq[2].y) < 1e-12 * eq[2].y, 'symmetric +-y*');
    for (const e of eq) {
      assert.ok(Math.abs(Fref(e.y, 3, 1, T, 0)) < 1e-13, 'root of F');
      assert.ok(Math.abs(e.slope - dFref(e.y, 3, 1, T)) < 1e-12);
      assert.ok(Math.abs(e.load - Math.tanh(e.y / (2 * T))) < 1e-15);
      assert.equal(e.multiplicity, 1);
    }
  }
  // same in a at fixed T, with skew and negative feedback
  assert.equal(equilibria({ a: 1.9, gamma: 1, T: 1, h: 0.01 }).length, 1);
  assert.equal(equilibria({ a: 4, gamma: 1, T: 1, h: 0.3 }).length, 3);
  assert.equal(equilibria({ a: 4, gamma: 1, T: 1, h: 0.3, rho: 2.1 }).length, 1);
  assert.equal(equilibria({ a: 4, gamma: 1, T: 1, h: 2 }).length, 1);
  const neg = equilibria({ a: 1, gamma: 1, T: 1, rho: 3, h: 0.5 }); // a_eff < 0
  assert.equal(neg.length, 1);
  assert.ok(Math.abs(Fref(neg[0].y, -2, 1, 1, 0.5)) < 1e-13);
});

test('equilibria count matches an independent fine scan over a parameter grid', () => {
  let checked = 0;
  for (const a of [0.5, 1.5, 2.2, 3, 4.5, 8]) {
    for (const g of [0.4, 1, 2.5]) {
      for (const T of [0.3, 1, 2]) {
        const H = hysteresisHalfWidth(a, g, T);
        for (const h of [-3, -0.9, -0.2, 0.05, 0.4, 1.3, 6]) {
          if (H > 0 && Math.abs(Math.abs(h) - H) < 1e-2) continue; // too close to a fold for the scan
          const eq = equilibria({ a, gamma: g, T, h });
          assert.equal(eq.length, scanCount(a, g, T, h), `a=${a} g=${g} T=${T} h=${h}`);
          assert.equal(eq.length === 3, isBistable({ a, gamma: g, T, h }));
          for (const e of eq) assert.ok(Math.abs(Fref(e.y, a, g, T, h)) < 1e-12 * (a + g + Math.abs(h)));
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 300);
});

test('equilibria handle the fold (double root) and the pitchfork point gracefully', () => {
  for (const [a, g, T] of [
    [3, 1, 1],
    [4, 1, 1],
    [7, 0.6, 1.7],
  ]) {
    const H = hysteresisHalfWidth(a, g, T);
    const up = equilibria({ a, gamma: g, T, h: H });
    assert.equal(up.length, 2, `h=+H (${a},${g},${T})`);
    assert.equal(up[0].multiplicity, 2, 'double root is the lower pair at h = +H');
    assert.equal(up[0].stable, false);
    assert.ok(up[0].y < 0 && up[1].y > 0 && up[1].stable);
    const dn = equilibria({ a, gamma: g, T, h: -H });
    assert.equal(dn.length, 2);
    assert.equal(dn[1].multiplicity, 2);
    assert.ok(dn[0].stable && dn[0].y < 0);
    for (const e of [...up, ...dn]) assert.ok(Number.isFinite(e.y) && Number.isFinite(e.slope));
  }
  // pitchfork point a_eff = 2 gamma T, h = 0
  for (const p of [
    { a: 2, gamma: 1, T: 1 },
    { a: 3, gamma: 0.5, T: 2, rho: 1 },
  ]) {
    const eq = equilibria(p);
    assert.equal(eq.length, 1);
    assert.equal(eq[0].y, 0);
    assert.equal(eq[0].multiplicity, 3);
  }
  // just past the pitchfork: still three roots, tiny but resolved
  const eq = equilibria({ a: 2 * (1 + 1e-8), gamma: 1, T: 1 });
  assert.equal(eq.length, 3);
  // y* ~ 2T sqrt(3 (a/(2 gamma T) - 1)) for a just above the pitchfork
  assert.ok(Math.abs(eq[2].y / (2 * Math.sqrt(3e-8)) - 1) < 1e-6);
  assert.deepEqual(
    eq.map((e) => e.stable),
    [true, false, true],
  );
  assert.equal(equilibria({ a: 2 * (1 + 1e-4), gamma: 1, T: 1 }).length, 3);
});

test('drift, slope, load and potential are mutually consistent (eqs 6, 7, 12, 15)', () => {
  const p: RouterParams = { a: 3.3, gamma: 0.8, T: 1.2, h: 0.15, rho: 0.4 };
  const aEff = 2.9;
  for (const y of [-7, -2, -0.3, 0, 0.01, 1, 4.4]) {
    assert.ok(Math.abs(drift(y, p) - Fref(y, aEff, 0.8, 1.2, 0.15)) < 1e-14);
    assert.ok(Math.abs(driftSlope(y, p) - dFref(y, aEff, 0.8, 1.2)) < 1e-14);
    assert.equal(loadOf(y, 1.2), Math.tanh(y / 2.4));
    const d = 1e-5;
    const dV = (potential(y + d, p) - potential(y - d, p)) / (2 * d);
    assert.ok(Math.abs(-dV - drift(y, p)) < 1e-8, `-V' = F at y=${y}`);
  }
  assert.equal(potential(0, p), 0);
  // numerically stable for large |y|: log cosh(x) ~ |x| - log 2
  const big = potential(1e6, { a: 3, gamma: 1, T: 1 });
  const expect = 0.5 * 1e12 - 2 * 3 * (5e5 - Math.LN2);
  assert.ok(Number.isFinite(big) && Math.abs(big - expect) < 1e-3);
  assert.ok(Number.isFinite(potential(-1e300, { a: 3, gamma: 1e-300, T: 1 })));
  // bistable potential: double well, minima at the stable equilibria
  const q: RouterParams = { a: 4, gamma: 1, T: 1 };
  const [lo, mid, hi] = equilibria(q);
  assert.ok(potential(lo.y, q) < potential(mid.y, q) && potential(hi.y, q) < potential(mid.y, q));
});

test('RK4 reproduces the exact linear solution (a = 0) and lands on tEnd', () => {
  const p = { a: 0, gamma: 0.7, T: 1, h: 0.35 };
  const y0 = -1.2;
  const tEnd = 7.3;
  const dt = 0.05;
  const tr = meanFieldTrajectory(p, y0, tEnd, dt);
  const n = tr.t.length - 1;
  assert.equal(tr.t[n], tEnd);
  assert.equal(tr.t[0], 0);
  assert.ok(tEnd / n <= dt);
  assert.equal(n, Math.ceil(tEnd / dt));
  const ys = p.h / p.gamma;
  let maxErr = 0;
  for (let i = 0; i <= n; i++) {
    const exact = ys + (y0 - ys) * Math.exp(-p.gamma * tr.t[i]);
    maxErr = Math.max(maxErr, Math.abs(tr.y[i] - exact));
    assert.equal(tr.load[i], Math.tanh(tr.y[i] / 2));
  }
  assert.ok(maxErr < 1e-8, `max error ${maxErr}`);
  // tEnd an exact multiple of dt and tEnd = 0
  assert.equal(meanFieldTrajectory(p, y0, 1, 0.25).t.length, 5);
  const odd = meanFieldTrajectory(p, y0, 1, 0.3); // 4 steps of 0.25 <= 0.3, not 3 of 0.333
  assert.equal(odd.t.length, 5);
  assert.equal(odd.t[4], 1);
  assert.ok(Math.abs(odd.t[1] - 0.25) < 1e-15);
  const z = meanFieldTrajectory(p, y0, 0, 0.1);
  assert.equal(z.t.length, 1);
  assert.equal(z.y[0], y0);
});

test('RK4 converges with order ~4 on a nonlinear case', () => {
  const p = { a: 3, gamma: 1, T: 1, h: 0.08 };
  const y0 = 0.05;
  const tEnd = 4;
  const end = (dt: number): number => {
    const tr = meanFieldTrajectory(p, y0, tEnd, dt);
    return tr.y[tr.y.length - 1];
  };
  const ref = end(0.4 / 512);
  const errs = [0.4, 0.2, 0.1, 0.05].map((dt) => Math.abs(end(dt) - ref));
  for (let i = 0; i + 1 < errs.length; i++) {
    const order = Math.log2(errs[i] / errs[i + 1]);
    assert.ok(order > 3.6 && order < 4.4, `observed order ${order} (errors ${errs})`);
  }
  // and meanFieldLoadAt samples the same trajectory (unsorted times)
  const times = [3, 0, 1.234, 4];
  const loads = meanFieldLoadAt(p, y0, times);
  const fine = (t: number): number => {
    if (t === 0) return Math.tanh(y0 / 2);
    const tr = meanFieldTrajectory(p, y0, t, 1e-3);
    return tr.load[tr.load.length - 1];
  };
  times.forEach((t, i) => assert.ok(Math.abs(loads[i] - fine(t)) < 1e-9, `t=${t}`));
  // the flow approaches the upper stable branch (h > 0, y0 > 0)
  const eq = equilibria(p);
  const late = meanFieldLoadAt(p, y0, [60])[0];
  assert.ok(Math.abs(late - eq[2].load) < 1e-9);
});

test('linear-noise variance equals the fixed point of the AR(1) variance recursion (sec. 4)', () => {
  const cases: Array<[RouterParams, number, number]> = [
    [{ a: 3, gamma: 1, T: 2 }, 512, 0.002],
    [{ a: 3, gamma: 1, T: 1.6 }, 64, 0.05],
    [{ a: 1, gamma: 2, T: 0.5 }, 1, 0.3],
    [{ a: 5, gamma: 1, T: 1, rho: 3.5 }, 100, 0.01],
    [{ a: 3, gamma: 1, T: 1.51 }, 1024, 0.002],
  ];
  for (const [p, B, eta] of cases) {
    const aEff = p.a - (p.rho ?? 0);
    const lambda = aEff / (2 * p.T) - p.gamma;
    const r = (1 + eta * lambda) ** 2;
    const inc = (eta * eta * aEff * aEff) / B;
    assert.ok(r < 1);
    const iters = Math.ceil(Math.log(1e-15) / Math.log(r)) + 10;
    let v = 0;
    for (let k = 0; k < iters; k++) v = r * v + inc;
    const got = linearNoiseVariance(p, B, eta);
    assert.ok(Math.abs(got / v - 1) < 1e-9, `${JSON.stringify(p)}: ${got} vs AR(1) ${v}`);
    assert.ok(Math.abs(linearNoiseInverseVariance(p, B, eta) * v - 1) < 1e-9);
  }
  // at and beyond the threshold the linear variance diverges
  const at = { a: 3, gamma: 1, T: 1.5 };
  assert.equal(linearNoiseVariance(at, 256, 0.01), Infinity);
  assert.equal(linearNoiseInverseVariance(at, 256, 0.01), 0);
  assert.equal(linearNoiseVariance({ a: 3, gamma: 1, T: 1 }, 256, 0.01), Infinity);
  assert.equal(linearNoiseInverseVariance({ a: 3, gamma: 1, T: 1 }, 256, 0.01), 0);
  // eta too large for the AR(1) map to be stable
  assert.equal(linearNoiseVariance({ a: 0.1, gamma: 10, T: 1 }, 1, 0.5), Infinity);
  // 1/Var extrapolates to zero at T_c: nearly linear in 1/T as eta -> 0
  const inv = (T: number): number => linearNoiseInverseVariance({ a: 3, gamma: 1, T }, 512, 1e-4);
  const x1 = 1 / 3,
    x2 = 1 / 2.5;
  const slope = (inv(1 / x2) - inv(1 / x1)) / (x2 - x1);
  const xc = x1 - inv(1 / x1) / slope;
  assert.ok(Math.abs(1 / xc - 1.5) < 1e-3, `extrapolated T_c = ${1 / xc}`);
});

test('cusp normal form: bifurcation set 4 mu^3 = 27 eps^2 matches the exact folds near the cusp (eqs 16-21)', () => {
  for (const [g, T] of [
    [1, 1],
    [0.5, 2],
    [3, 0.4],
  ]) {
    let prevRel = Infinity;
    for (const q of [0.1, 0.03, 0.01, 0.003, 0.001]) {
      const [pt] = foldCurve(g, T, [q]);
      const nf = cuspNormalForm({ a: pt.a, gamma: g, T });
      assert.ok(Math.abs(nf.mu - (pt.a / (2 * T) - g)) < 1e-15 * pt.a);
      // the h predicted by the normal-form bifurcation set at this mu
      const hNF = nf.scale * Math.sqrt((4 * nf.mu ** 3) / 27);
      const rel = Math.abs(hNF / Math.abs(pt.h) - 1);
      assert.ok(rel < 1.5 * q * q, `gamma=${g} T=${T} q=${q}: relative error ${rel}`);
      assert.ok(rel < prevRel);
      prevRel = rel;
      // the same, with the exact H(a)
      assert.ok(Math.abs(hNF / hysteresisHalfWidth(pt.a, g, T) - 1) < 1.5 * q * q);
    }
    // bistability of the normal form agrees with the exact test away from the boundary
    const ac = 2 * g * T;
    let n = 0;
    for (const da of [-0.02, -0.005, 0.002, 0.01, 0.03]) {
      for (const s of [-1.5, -0.7, -0.2, 0, 0.3, 0.8, 1.6]) {
        const a = ac * (1 + da);
        const H = hysteresisHalfWidth(a, g, T);
        const hScale = H > 0 ? H : (4 / 3) * g * T * Math.abs(da) ** 1.5;
        const p = { a, gamma: g, T, h: s * hScale };
        const nf = cuspNormalForm(p);
        assert.equal(insideCuspBistable(nf.mu, nf.eps), isBistable(p), JSON.stringify(p));
        n++;
      }
    }
    assert.equal(n, 35);
  }
  assert.equal(insideCuspBistable(-0.1, 0), false);
  assert.equal(insideCuspBistable(0.3, 0.01), true);
  assert.equal(insideCuspBistable(0.3, 0.1), false);
  // rho enters via a_eff
  assert.equal(cuspNormalForm({ a: 5, gamma: 1, T: 1, rho: 3 }).mu, 0);
  assert.equal(isBistable({ a: 5, gamma: 1, T: 1, rho: 3, h: 0 }), false);
  assert.equal(isBistable({ a: 5, gamma: 1, T: 1, rho: 1, h: 1.0 }), true);
  assert.equal(isBistable({ a: 5, gamma: 1, T: 1, rho: 1, h: 1.1 }), false);
});
