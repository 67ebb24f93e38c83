// Draws a Figure (experiments/types.ts) on a 2D canvas context. The PNGs (png.ts, on a
// Skia canvas), the HTML report's heatmaps and the web page all use this one renderer.
// Browser-safe: no Node-only imports. Lengths are CSS pixels; `dpr` scales the context.
// This module is the entry point: it applies the series, overlay and line colours
// (colors.ts) and runs the parts in draw/: ticks.ts (axis ticks and labels), layout.ts
// (data ranges, where everything goes, data <-> pixels, hover), paint.ts (the colour map
// and the painting) and rich.ts (labels with subscripts). Everything the parts export for
// users is re-exported from here. Labels are drawn as given: callers pass display text
// (display.ts displayFigure).

import type { Figure } from '../experiments/types.js';
import { overlayColor, seriesColor, vlineColor, type Theme } from './colors.js';
import { approximateMeasure, layoutFigure, type FigureLayout, type LayoutOptions, type LegendEntry, type Measure } from './draw/layout.js';
import { richMeasure } from './draw/rich.js';
import {
  clipToPlot,
  drawAxes,
  drawBand,
  drawCaption,
  drawCells,
  drawColorbar,
  drawGrid,
  drawLegend,
  drawSeries,
  drawTitle,
  drawVline,
  strokeTrace,
  type DrawContext,
} from './draw/paint.js';

export { axisTicks, formatTick, logTickLabels, logTicks, niceStep, niceTicks, type AxisLayout } from './draw/ticks.js';
export {
  approximateMeasure,
  cellEdges,
  segmentMeetsRect,
  wrapText,
  FONT_FAMILY,
  FONT_SIZE,
  heatmapAxisIsLog,
  heatmapCellAt,
  lineDomains,
  pixelToX,
  pixelToY,
  xToPixel,
  yToPixel,
  zDomain,
  type FigureLayout,
  type HeatmapCell,
  type LayoutOptions,
  type LegendItem,
  type Measure,
  type Rect,
  type TextBlock,
} from './draw/layout.js';
export { viridis, type DrawContext } from './draw/paint.js';
export { fillRich, richMeasure, richWidth } from './draw/rich.js';

export interface DrawOptions extends LayoutOptions {
  /** device pixel ratio: the context's backing store is width*dpr x height*dpr */
  dpr?: number;
  /** default: the theme's background */
  background?: string;
}

// Colours come from the figures' roles (colors.ts); re-exported for the users of draw.ts.
export { OVERLAY_COLORS, SERIES_COLORS, seriesColor, THEME_COLORS, type Theme } from './colors.js';

/** The legend entries of a figure, in the colours it is drawn with. */
function legendEntries(fig: Figure, theme: Theme): LegendEntry[] {
  if (fig.kind === 'heatmap') {
    return fig.overlays.map((o, i) => ({ label: o.label, color: overlayColor(o, i), dashed: !!o.dashed, line: true, marker: false }));
  }
  return fig.series.map((s, i) => ({
    label: s.label,
    color: seriesColor(s, i, theme),
    dashed: s.style === 'dashed',
    line: s.style !== 'points',
    marker: s.style === 'points',
  }));
}

/** Where everything goes, for a figure drawn at width x height (CSS pixels); subscripts measured at their size. */
export function figureLayout(fig: Figure, opts: LayoutOptions, measure: Measure = approximateMeasure): FigureLayout {
  return layoutFigure(fig, legendEntries(fig, opts.theme ?? 'light'), opts, richMeasure(measure));
}

// ---------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------

/** Draws the figure over the whole context (width x height CSS pixels) and returns its layout. */
export function drawFigure(ctx: DrawContext, fig: Figure, opts: DrawOptions): FigureLayout {
  const dpr = opts.dpr ?? 1;
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const l = figureLayout(fig, opts, (text, f) => {
    ctx.font = f;
    return ctx.measureText(text).width;
  });
  const theme = opts.theme ?? 'light';
  ctx.fillStyle = opts.background ?? l.colors.background;
  ctx.fillRect(0, 0, l.width, l.height);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'butt';
  // 1-px lines on device-pixel centres
  const snap = (v: number) => (Math.round(v * dpr) + (Math.round(dpr) % 2 ? 0.5 : 0)) / dpr;

  if (fig.kind === 'heatmap') drawCells(ctx, fig, l, dpr);
  else drawGrid(ctx, l, snap);

  clipToPlot(ctx, l, () => {
    if (fig.kind === 'heatmap') {
      fig.overlays.forEach((o, i) => {
        strokeTrace(ctx, l, o.x, o.y, overlayColor(o, i), 2, o.dashed ? [7, 5] : []);
      });
    } else {
      fig.series.forEach((s, i) => drawBand(ctx, l, s, seriesColor(s, i, theme)));
      for (const v of fig.vlines ?? []) drawVline(ctx, l, { ...v, color: vlineColor(v, theme) }, snap);
      fig.series.forEach((s, i) => drawSeries(ctx, l, s, seriesColor(s, i, theme)));
    }
  });

  drawAxes(ctx, l, snap);
  if (l.colorbar) drawColorbar(ctx, l, l.colorbar, snap);
  if (l.legend) drawLegend(ctx, l);
  drawTitle(ctx, l);
  drawCaption(ctx, l);
  ctx.restore();
  return l;
}
