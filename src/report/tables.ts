// Text exports shared by the CLI's output files and the web page's downloads: tables as CSV,
// results as JSON (non-finite numbers as null), and any figure's data as a table.
// Browser-safe.

import type { Figure, Table } from '../experiments/types.js';

/**
 * A number as CSV writes it, without float noise: integers exactly, others at 12 significant
 * digits where that is shorter than the shortest round-trip form (0.1 + 0.2 -> 0.3, while
 * 0.1234 stays 0.1234). The JSON keeps every bit.
 */
export function csvNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (Number.isInteger(v)) return String(v);
  const exact = String(v),
    short = String(Number(v.toPrecision(12)));
  return short.length < exact.length ? short : exact;
}

function csvCell(v: number | string | null): string {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return '';
  if (typeof v === 'number') return csvNumber(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV with a header row; empty cells are missing values (null, NaN, +-Infinity); numbers by csvNumber. */
export function tableToCsv(t: Table): string {
  return [t.columns.map(csvCell), ...t.rows.map((r) => r.map(csvCell))].map((r) => r.join(',')).join('\n') + '\n';
}

/** JSON with non-finite numbers as null (JSON has no NaN), 2-space indented. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/**
 * The numbers a figure shows, as a table: a heatmap one row per cell (x, y, z), a line
 * figure one row per point (series, x, y and the band where there is one), then its
 * vertical reference lines; overlays and vlines are listed with their label.
 */
export function figureTable(fig: Figure): Table {
  if (fig.kind === 'heatmap') {
    const rows: Table['rows'] = [];
    fig.y.values.forEach((y, iy) => fig.x.values.forEach((x, ix) => rows.push(['cell', x, y, fig.z[iy]?.[ix] ?? null])));
    for (const o of fig.overlays) o.x.forEach((x, i) => rows.push([o.label, x, o.y[i], null]));
    return { name: fig.id, columns: ['what', fig.x.label, fig.y.label, fig.zLabel], rows };
  }
  const rows: Table['rows'] = [];
  for (const s of fig.series) s.x.forEach((x, i) => rows.push([s.label, x, s.y[i], s.lower?.[i] ?? null, s.upper?.[i] ?? null]));
  for (const v of fig.vlines ?? []) rows.push([v.label, v.x, null, null, null]);
  return { name: fig.id, columns: ['series', fig.x.label, fig.y.label, 'lower', 'upper'], rows };
}
