// Colours of the figures' roles. Experiments never pick colours: their series, heatmap
// overlays and vertical lines carry a role (experiments/types.ts ColorRole), and this module
// is the one place that maps a role to a colour, for draw.ts (PNGs, the report's heatmaps,
// the page) and charts.ts (uPlot). Line plots draw on the theme's background (white, or the
// page's dark grey in dark mode, with a brighter set); heatmap overlays must read on viridis,
// so they have their own set, the same in both themes. Browser-safe.

import type { ColorRole, Overlay, RoleName, Series, VLine } from '../experiments/types.js';

/** The categorical palette (matplotlib's tab10 order): series without a role by position, and numeric roles. */
export const SERIES_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
/** Overlay colours that read on viridis: overlays without a role by position, and numeric roles. */
export const OVERLAY_COLORS = ['#ff3b30', '#ffffff', '#ff9f0a', '#000000'];
/** The sequential ramp ({ ramp: k }), light to dark (ColorBrewer Oranges). */
export const RAMP_COLORS = ['#fdae6b', '#fd8d3c', '#e6550d', '#a63603', '#7f2704'];

/** Light (default: PNGs, the report) or dark (the page under prefers-color-scheme: dark). */
export type Theme = 'light' | 'dark';

/** The non-data colours of a figure in a theme. */
export interface ThemeColors {
  background: string;
  ink: string;
  frame: string;
  grid: string;
  /** a heatmap cell without data */
  nullCell: string;
  /** the framed legend inside a line plot */
  legendFill: string;
  legendFrame: string;
  /** the outline under a legend sample too close to the background */
  outline: string;
}

export const THEME_COLORS: Record<Theme, ThemeColors> = {
  light: {
    background: '#ffffff',
    ink: '#222222',
    frame: '#444444',
    grid: '#ececec',
    nullCell: '#dadada',
    legendFill: 'rgba(255,255,255,0.88)',
    legendFrame: '#cccccc',
    outline: '#999999',
  },
  dark: {
    background: '#1c1e22',
    ink: '#e6e6e6',
    frame: '#a8a8a8',
    grid: '#33363c',
    nullCell: '#4a4d54',
    legendFill: 'rgba(28,30,34,0.9)',
    legendFrame: '#55585f',
    outline: '#8a8d94',
  },
};

/** The categorical palette on the dark background: tab10's hues, brightened to read on it. */
export const SERIES_COLORS_DARK = ['#5aa9e6', '#ff6b6b', '#63d471', '#ffa94d', '#b49cff', '#d2a58c', '#f78fc6', '#3fd0e0', '#b0b4ba', '#d4d44e'];
/** The sequential ramp on the dark background, light to dark, every step readable on it. */
export const RAMP_COLORS_DARK = ['#fdd0a2', '#fdae6b', '#fd8d3c', '#f16913', '#e0560b'];

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

/** Named roles in line plots on the dark background. */
export const LINE_ROLE_COLORS_DARK: Record<RoleName, string> = {
  measured: '#5aa9e6',
  fit: '#5aa9e6',
  secondary: '#ff6b6b',
  theory: '#c8c8c8',
  'theory-alt': '#9a9a9a',
  reference: '#c8c8c8',
  onset: '#ff6b6b',
  up: '#ff6b6b',
  down: '#5aa9e6',
  fold: '#63d471',
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

/**
 * The colour of a role on a surface; no role: the palette entry at `index` (the item's
 * position). Line plots take the theme's set; heatmap overlays lie on viridis in both themes.
 */
export function roleColor(role: ColorRole | undefined, surface: 'lines' | 'heatmap', index: number, theme: Theme = 'light'): string {
  const dark = theme === 'dark' && surface === 'lines';
  const palette = surface === 'heatmap' ? OVERLAY_COLORS : dark ? SERIES_COLORS_DARK : SERIES_COLORS;
  const at = (colors: string[], k: number) => colors[((Math.trunc(k) % colors.length) + colors.length) % colors.length];
  if (role === undefined) return at(palette, index);
  if (typeof role === 'number') return at(palette, role);
  if (typeof role === 'object') return at(dark ? RAMP_COLORS_DARK : RAMP_COLORS, role.ramp);
  return (surface === 'heatmap' ? HEATMAP_ROLE_COLORS : dark ? LINE_ROLE_COLORS_DARK : LINE_ROLE_COLORS)[role] ?? at(palette, index);
}

/** Series i of a line figure. */
export const seriesColor = (s: Series, i: number, theme: Theme = 'light'): string => roleColor(s.role, 'lines', i, theme);
/** Overlay i of a heatmap. */
export const overlayColor = (o: Overlay, i: number): string => roleColor(o.role, 'heatmap', i);
/** A vertical line (default role 'reference'). */
export const vlineColor = (v: VLine, theme: Theme = 'light'): string => roleColor(v.role ?? 'reference', 'lines', 0, theme);

/** '#rgb', '#rrggbb', 'rgb(r,g,b)' or 'rgba(r,g,b,a)' as [r, g, b] in 0..255; null otherwise. */
export function parseColor(c: string): [number, number, number] | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c.trim());
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1];
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgba?\(\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)/i.exec(c.trim());
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : null;
}

/** WCAG relative luminance of [r, g, b] in 0..255. */
export function luminance([r, g, b]: [number, number, number]): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours (1 to 21); 21 when either cannot be parsed. */
export function contrastRatio(a: string, b: string): number {
  const ca = parseColor(a),
    cb = parseColor(b);
  if (!ca || !cb) return 21;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
