// How dlgrade writes points, shares and durations for people: one formatter each, used by every output
// (terminal, progress lines, gradebook, JUnit, Markdown summary, reports), so 6.17/38 and "4.2 s" read the
// same everywhere.

/** Points as graders write them: at most two decimals, no trailing zeros ("6.17", "38", "0.5"). */
export function formatPoints(x: number): string {
  // toFixed rounds the decimal text (1.005 -> "1.00" is float's own); Number() drops trailing zeros. -0 -> 0.
  const v = Number(x.toFixed(2));
  return String(v === 0 ? 0 : v);
}

/** A share as a whole percentage ("38%"), or "–" when there is nothing to share. */
export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : '–';
}

/** A duration for people: "850 ms", "4.2 s", "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  const t = Math.max(0, ms);
  if (t < 999.5) return `${Math.round(t)} ms`;
  if (t < 59_950) return `${Number((t / 1000).toFixed(1))} s`;
  const s = Math.round(t / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** A moment for people, in UTC to the minute: "2025-07-02 23:00 UTC". A string that is not a date stays as given. */
export function formatTimestamp(when: Date | string): string {
  const d = typeof when === 'string' ? new Date(when) : when;
  if (Number.isNaN(d.getTime())) return String(when);
  return d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}

/** Seconds as a plain decimal number for machine-read fields (JUnit's time="12.345"). */
export function decimalSeconds(ms: number, digits = 3): string {
  return (Math.max(0, ms) / 1000).toFixed(digits);
}
