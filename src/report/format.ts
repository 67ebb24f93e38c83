// Number formatting shared by the figures, the report's tables and its hover readouts, and
// HTML escaping. Browser-safe.

/** `digits` significant digits, exponent form outside [1e-3, 1e5): 0.01234, 1235, 1.2e-5. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3)
    return v
      .toExponential(digits - 1)
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

/** formatNumber with a real minus (U+2212), as text a reader sees writes it: −0.25, 1.2e−5. */
export function formatNumberText(v: number, digits = 4): string {
  return formatNumber(v, digits).replace(/-/g, '\u2212');
}

/** Large counts with SI prefixes: 1.23 k, 4.56 G. */
export function formatSI(v: number, digits = 3): string {
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(digits))}${prefixes[i] ? ' ' + prefixes[i] : ''}`;
}

/** Milliseconds as '850 ms', '12.3 s', '4 min 05 s' or '1 h 02 min'. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toPrecision(3))} s`;
  const total = Math.round(s),
    min = Math.floor(total / 60);
  if (min < 60) return `${min} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** Text safe in HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
