// Colours of the figures' roles. Experiments never pick colours: their series, heatmap
// overlays and vertical lines carry a role (experiments/types.ts ColorRole), and this module
// is the one place that maps a role to a colour, for draw.ts (PNGs, the report's heatmaps,
// the page) and charts.ts (uPlot). Line plots draw on white; heatmap overlays must read on
// viridis, so they have their own set. Browser-safe.

import type { ColorRole, Overlay, RoleName, Series, VLine } from '../experiments/types.js';

/** The categorical palette (matplotlib's tab10 order): series without a role by position, and numeric roles. */
export const SERIES_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
/** Overlay colours that read on viridis: overlays without a role by position, and numeric roles. */
export const OVERLAY_COLORS = ['#ff3b30', '#ffffff', '#ff9f0a', '#000000'];
/** The sequential ramp ({ ramp: k }), light to dark (ColorBrewer Oranges). */
export const RAMP_COLORS = ['#fdae6b', '#fd8d3c', '#e6550d', '#a63603', '#7f2704'];

/** Named roles in line plots (on white). */
export const LINE_ROLE_COLORS: Record<RoleName, string> = {
  measured: '#1f77b4',
  fit: '#1f77b4',
  secondary: '#d62728',
  theory: '#555555',
  'theory-alt': '#888888',
  reference: '#555555',
  onset: '#d62728',
  up: '#d62728',
  down: '#1f77b4',
  fold: '#2ca02c',
};

/** Named roles over a heatmap (on viridis). */
export const HEATMAP_ROLE_COLORS: Record<RoleName, string> = {
  measured: '#ff3b30',
  fit: '#ff9f0a',
  secondary: '#ff9f0a',
  theory: '#ffffff',
  'theory-alt': '#000000',
  reference: '#ffffff',
  onset: '#ff7f0e',
  up: '#ff3b30',
  down: '#000000',
  fold: '#ffffff',
};

/** The colour of a role on a surface; no role: the palette entry at `index` (the item's position). */
export function roleColor(role: ColorRole | undefined, surface: 'lines' | 'heatmap', index: number): string {
  const palette = surface === 'lines' ? SERIES_COLORS : OVERLAY_COLORS;
  const at = (colors: string[], k: number) => colors[((Math.trunc(k) % colors.length) + colors.length) % colors.length];
  if (role === undefined) return at(palette, index);
  if (typeof role === 'number') return at(palette, role);
  if (typeof role === 'object') return at(RAMP_COLORS, role.ramp);
  return (surface === 'lines' ? LINE_ROLE_COLORS : HEATMAP_ROLE_COLORS)[role] ?? at(palette, index);
}

/** Series i of a line figure. */
export const seriesColor = (s: Series, i: number): string => roleColor(s.role, 'lines', i);
/** Overlay i of a heatmap. */
export const overlayColor = (o: Overlay, i: number): string => roleColor(o.role, 'heatmap', i);
/** A vertical line (default role 'reference'). */
export const vlineColor = (v: VLine): string => roleColor(v.role ?? 'reference', 'lines', 0);
