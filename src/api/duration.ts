/**
 * Go-style durations as Kubernetes APIs write them (`1m30s`, `500ms`, `1.5h`): the forms Flux's
 * `interval`/`timeout` patterns accept (`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`).
 */

/** The pattern Flux uses for intervals. */
export const durationPattern = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
/** The pattern Flux uses for timeouts (no hours). */
export const timeoutPattern = '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration into milliseconds; undefined when it does not match the pattern. */
export function parseDuration(text: string): number | undefined {
  if (!new RegExp(durationPattern).test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += parseFloat(m[1] as string) * (unitMs[m[2] as string] as number);
  return Math.round(total);
}

/** Formats milliseconds the way Go prints durations (`1m30s`, `500ms`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  let rest = ms;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = rest / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${sec}s`;
}
