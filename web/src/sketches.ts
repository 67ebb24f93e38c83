// Thumbnails of the presets for the first screen (intro.ts): a tiny canvas sketch of what each
// preset's main figure looks like, drawn from the mean-field theory in a few thousand
// operations (no simulation): the pitchfork map, the hysteresis loop, the cusp wedge, the
// onset curves, widths against a and ρ, the N-expert maps and loops, the training loops.
// Schematic, unlabelled: the card's text names the figure. Colours are the figures' own
// (src/report/colors.ts roles, viridis), in the page's theme.

import { HEATMAP_ROLE_COLORS, roleColor, THEME_COLORS, type Theme } from '../../src/report/colors.js';
import { viridis } from '../../src/report/draw.js';

export type SketchKind =
  | 'trace'
  | 'loop'
  | 'map-tg'
  | 'onset'
  | 'width-a'
  | 'width-rho'
  | 'cusp'
  | 'inverse-var'
  | 'map-kn'
  | 'n-loop'
  | 'map-bias'
  | 'train-loop'
  | 'train-lambda';

/** The sketch of each preset id (two-expert, N-expert and training presets). */
export const SKETCHES: Record<string, SketchKind> = {
  fig6: 'trace',
  fig7: 'loop',
  fig8: 'map-tg',
  fig9: 'onset',
  fig10: 'width-a',
  fig11: 'width-rho',
  cusp: 'cusp',
  'nexp-threshold': 'inverse-var',
  'nexp-bistability': 'map-kn',
  'nexp-hysteresis': 'n-loop',
  'nexp-balancing': 'map-bias',
  fig1: 'train-loop',
  fig2: 'train-loop',
  fig3: 'train-lambda',
  fig4: 'train-loop',
  fig5: 'train-lambda',
};

const range = (n: number, a: number, b: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** A stable mean-field load: u = tanh((a u + h)/(2 γ T)) iterated from u0. */
function uStar(a: number, gammaT: number, h: number, u0: number): number {
  let u = u0;
  for (let i = 0; i < 300; i++) u = Math.tanh((a * u + h) / (2 * gammaT));
  return u;
}

/** H(a) at γ = T = 1: 2 (sinh q cosh q - q), cosh² q = a/2 (0 for a <= 2). */
function halfWidth(a: number): number {
  if (a <= 2) return 0;
  const q = Math.acosh(Math.sqrt(a / 2));
  return 2 * (Math.sinh(q) * Math.cosh(q) - q);
}

/** K_sn(N) = min over d > 0 of d (e^d + N - 1)/(e^d - 1) (golden-section search). */
export function kSaddleNode(N: number): number {
  const K = (d: number) => (d * (Math.exp(d) + N - 1)) / Math.expm1(d);
  let lo = 1e-6,
    hi = 20;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 80; i++) {
    const m1 = hi - g * (hi - lo),
      m2 = lo + g * (hi - lo);
    if (K(m1) < K(m2)) hi = m2;
    else lo = m1;
  }
  return K((lo + hi) / 2);
}

interface Frame {
  ctx: CanvasRenderingContext2D;
  w: number;
  h: number;
  theme: Theme;
  x: [number, number];
  y: [number, number];
}

const PAD = 5;
const px = (f: Frame, x: number) => PAD + ((x - f.x[0]) / (f.x[1] - f.x[0])) * (f.w - 2 * PAD);
const py = (f: Frame, y: number) => f.h - PAD - ((y - f.y[0]) / (f.y[1] - f.y[0])) * (f.h - 2 * PAD);

function line(f: Frame, xs: number[], ys: (number | null)[], color: string, width = 1.6, dash: number[] = []): void {
  const { ctx } = f;
  ctx.beginPath();
  let pen = false;
  xs.forEach((x, i) => {
    const y = ys[i];
    if (y === null || !Number.isFinite(y)) {
      pen = false;
      return;
    }
    if (pen) ctx.lineTo(px(f, x), py(f, y));
    else ctx.moveTo(px(f, x), py(f, y));
    pen = true;
  });
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.stroke();
  ctx.setLineDash([]);
}

function dots(f: Frame, xs: number[], ys: number[], color: string): void {
  f.ctx.fillStyle = color;
  xs.forEach((x, i) => {
    f.ctx.beginPath();
    f.ctx.arc(px(f, x), py(f, ys[i]), 2, 0, 2 * Math.PI);
    f.ctx.fill();
  });
}

function band(f: Frame, xs: number[], lo: number[], hi: number[], color: string): void {
  const { ctx } = f;
  ctx.beginPath();
  xs.forEach((x, i) => ctx.lineTo(px(f, x), py(f, hi[i])));
  for (let i = xs.length - 1; i >= 0; i--) ctx.lineTo(px(f, xs[i]), py(f, lo[i]));
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.2;
  ctx.fill();
  ctx.globalAlpha = 1;
}

/** A heatmap of z(x, y) in [0, 1] over the frame, in viridis. */
function map(f: Frame, nx: number, ny: number, z: (x: number, y: number) => number): void {
  const cw = (f.w - 2 * PAD) / nx,
    ch = (f.h - 2 * PAD) / ny;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = f.x[0] + ((i + 0.5) / nx) * (f.x[1] - f.x[0]),
        y = f.y[0] + ((j + 0.5) / ny) * (f.y[1] - f.y[0]);
      f.ctx.fillStyle = viridis(z(x, y));
      f.ctx.fillRect(PAD + i * cw, f.h - PAD - (j + 1) * ch, cw + 0.5, ch + 0.5);
    }
  }
}

const vline = (f: Frame, x: number, color: string) => line(f, [x, x], [f.y[0], f.y[1]], color, 1, [3, 2]);

/** Draws sketch `kind` on a w x h (CSS pixels) canvas context whose transform sets the dpr. */
export function drawSketch(ctx: CanvasRenderingContext2D, kind: SketchKind, w: number, h: number, theme: Theme): void {
  const colors = THEME_COLORS[theme];
  const role = (r: Parameters<typeof roleColor>[0], i = 0) => roleColor(r, 'lines', i, theme);
  const over = HEATMAP_ROLE_COLORS;
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, w, h);
  ctx.lineJoin = 'round';
  const frame = (x: [number, number], y: [number, number]): Frame => ({ ctx, w, h, theme, x, y });
  const axes = (f: Frame) => {
    ctx.strokeStyle = colors.frame;
    ctx.lineWidth = 1;
    ctx.strokeRect(PAD - 0.5, PAD - 0.5, w - 2 * PAD + 1, h - 2 * PAD + 1);
    return f;
  };
  switch (kind) {
    case 'trace': {
      // y' = 3 tanh(y/2) - y + 0.08 from 0 (a = 3, h = 0.08): the collapse, band around it
      const f = axes(frame([0, 12], [-0.1, 1]));
      const ts = range(80, 0, 12),
        us: number[] = [];
      let y = 0;
      for (let i = 0; i < ts.length; i++) {
        us.push(Math.tanh(y / 2));
        for (let k = 0; k < 10; k++) y += (12 / 79 / 10) * (3 * Math.tanh(y / 2) - y + 0.08);
      }
      const sd = us.map((u) => 0.05 + 0.25 * u * (1 - u));
      band(
        f,
        ts,
        us.map((u, i) => u - sd[i]),
        us.map((u, i) => u + sd[i]),
        role('measured'),
      );
      line(f, ts, us, role('measured'));
      line(
        f,
        ts,
        us.map((u) => u * 0.98),
        role('theory'),
        1.2,
        [4, 3],
      );
      break;
    }
    case 'loop': {
      const f = axes(frame([-2.4, 2.4], [-1.15, 1.15]));
      const hs = range(97, -2.4, 2.4);
      let u = -1;
      const up = hs.map((hh) => (u = uStar(4, 1, hh, u)));
      u = 1;
      const down = [...hs].reverse().map((hh) => (u = uStar(4, 1, hh, u)));
      const H = halfWidth(4);
      vline(f, -H, role('fold'));
      vline(f, H, role('fold'));
      line(f, hs, up, role('up'));
      line(f, [...hs].reverse(), down, role('down'));
      break;
    }
    case 'map-tg': {
      // fig8: |u*| over (T, γ) at a = 3, the pitchfork line T = a/(2γ)
      const f = frame([0.25, 3], [0.2, 3]);
      map(f, 28, 18, (T, g) => Math.abs(uStar(3, g * T, 0, 1)));
      const gs = range(40, 0.2, 3);
      line(
        f,
        gs.map((g) => 3 / (2 * g)),
        gs,
        over.theory,
        1.4,
        [4, 3],
      );
      break;
    }
    case 'onset': {
      const f = axes(frame([0.4, 1.3], [-0.05, 1.05]));
      const xs = range(60, 0.4, 1.3);
      [0.78, 0.88, 0.96].forEach((on, k) =>
        line(
          f,
          xs,
          xs.map((x) => (x < on ? Math.sqrt(1 - x / on) * 0.95 + 0.02 : 0.02)),
          roleColor({ ramp: 1 + k }, 'lines', 0, theme),
        ),
      );
      vline(f, 1, role('reference'));
      break;
    }
    case 'width-a': {
      const f = axes(frame([2, 6], [-0.1, 4.2]));
      const as = range(60, 2, 6);
      line(
        f,
        as,
        as.map((a) => 2 * halfWidth(a)),
        role('theory'),
        1.4,
        [4, 3],
      );
      const pts = range(7, 2.5, 5.8);
      dots(
        f,
        pts,
        pts.map((a) => 2 * halfWidth(a) + 0.18),
        role('measured'),
      );
      break;
    }
    case 'width-rho': {
      const f = axes(frame([0, 3.5], [-0.1, 4]));
      const rs = range(60, 0, 3.5);
      line(
        f,
        rs,
        rs.map((r) => 2 * halfWidth(5 - r)),
        role('theory'),
        1.4,
        [4, 3],
      );
      const pts = range(7, 0, 3.3);
      dots(
        f,
        pts,
        pts.map((r) => 2 * halfWidth(5 - r) + (5 - r > 2 ? 0.2 : 0.03)),
        role('measured'),
      );
      break;
    }
    case 'cusp': {
      // branch separation of families from ±1 over (a, h), the fold lines h = ±H(a)
      const f = frame([1, 6], [-2, 2]);
      map(f, 26, 20, (a, hh) => (uStar(a, 1, hh, 1) - uStar(a, 1, hh, -1)) / 2);
      const as = range(50, 2, 6);
      line(f, as, as.map(halfWidth), over.fold, 1.3);
      line(
        f,
        as,
        as.map((a) => -halfWidth(a)),
        over.fold,
        1.3,
      );
      break;
    }
    case 'inverse-var': {
      // 1/E[S] against 1/T: straight lines to zero at 1/T_c = 1, one per N
      const f = axes(frame([0, 1.15], [-0.05, 1.05]));
      [1, 0.75, 0.55, 0.4].forEach((s, k) => {
        const xs = range(6, 0.1, 0.9);
        line(f, [0, 1], [s, 0], roleColor(k, 'lines', 0, theme), 1.2, [4, 3]);
        dots(
          f,
          xs,
          xs.map((x) => s * (1 - x)),
          roleColor(k, 'lines', 0, theme),
        );
      });
      vline(f, 1, role('reference'));
      break;
    }
    case 'map-kn': {
      // collapsed fraction over (K, N): balanced below K_sn(N), bistable up to K = N, collapsed above
      const f = frame([1.5, 10], [2, 12]);
      const ksn = new Map<number, number>();
      const kOf = (N: number) => {
        if (!ksn.has(N)) ksn.set(N, kSaddleNode(N));
        return ksn.get(N)!;
      };
      map(f, 34, 10, (K, n) => {
        const N = Math.round(n);
        return K < kOf(N) ? 0.05 : K < N ? 0.5 : 0.95;
      });
      const ns = range(11, 2, 12);
      line(f, ns, ns, over.theory, 1.3);
      line(f, ns.map(kOf), ns, over['theory-alt'], 1.3, [4, 3]);
      break;
    }
    case 'n-loop': {
      // N = 4: max load share, T swept down (collapse at T_c = 1), up (recovery at T_sn)
      const f = axes(frame([0.5, 2], [0.15, 1.05]));
      const Tsn = 4 / kSaddleNode(4);
      const collapsed = (T: number) => 0.25 + 0.72 * Math.sqrt(Math.max(0, 1 - (T / Tsn) ** 3));
      line(f, [2, 1, 1, 0.5], [0.25, 0.25, collapsed(1), collapsed(0.5)], role('down'));
      const ts = range(40, 0.5, Tsn);
      line(f, [...ts, Tsn, 2], [...ts.map(collapsed), 0.25, 0.25], role('up'), 1.4, [4, 3]);
      break;
    }
    case 'map-bias': {
      // N = 8, γ = T = 1: collapsed where the bias rate u < a - N
      const f = frame([4, 16], [0, 10]);
      map(f, 30, 20, (a, u) => (u < a - 8 ? 0.85 + 0.1 * Math.tanh(a - 8 - u) : 0.12));
      line(f, [8, 16], [0, 8], over.theory, 1.3, [4, 3]);
      break;
    }
    case 'train-loop': {
      const f = axes(frame([-6, 6], [-1.1, 1.1]));
      const hs = range(60, -6, 6);
      line(
        f,
        hs,
        hs.map((x) => Math.tanh((x - 1.6) * 1.2)),
        role('up'),
      );
      line(
        f,
        hs,
        hs.map((x) => Math.tanh((x + 1.6) * 1.2)),
        role('down'),
      );
      line(
        f,
        hs,
        hs.map((x) => 0.25 * Math.tanh(x / 3)),
        role('secondary', 2),
        1.2,
        [4, 3],
      );
      break;
    }
    case 'train-lambda': {
      const f = axes(frame([0, 2], [-0.05, 1.05]));
      const ls = range(50, 0, 2);
      const imb = ls.map((l) => 0.9 * Math.exp(-2.5 * l) + 0.04);
      band(
        f,
        ls,
        imb.map((v) => v - 0.08),
        imb.map((v) => v + 0.08),
        role('measured'),
      );
      line(f, ls, imb, role('measured'));
      line(
        f,
        ls,
        ls.map((l) => 0.3 + 0.12 * l),
        role('secondary'),
        1.3,
        [4, 3],
      );
      line(f, [0, 2], [0.2, 0.2], role('reference'), 1, [2, 2]);
      break;
    }
  }
}
