/**
 * Tables as `flux get` prints them: upper-case headers, left-aligned columns padded to the widest cell,
 * columns separated by a tab (Flux's tablewriter with `\t` padding), no borders, no trailing spaces.
 */

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Skip the header line (`--no-header`). */
  noHeader?: boolean;
}

/** Width of a string on a terminal, ignoring ANSI colour codes. */
export function visibleWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

/** Renders rows under a header; every cell is single-line (newlines become spaces). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const all = [...(opts.noHeader || header.length === 0 ? [] : [header.map((h) => h.toUpperCase())]), ...rows].map((r) => r.map((c) => c.replace(/\s*\n\s*/g, ' ')));
  if (all.length === 0) return '';
  const cols = Math.max(...all.map((r) => r.length));
  const widths: number[] = [];
  for (let i = 0; i < cols; i++) widths.push(Math.max(0, ...all.map((r) => visibleWidth(r[i] ?? ''))));
  const lines = all.map((r) => {
    const cells: string[] = [];
    for (let i = 0; i < cols; i++) {
      const c = r[i] ?? '';
      cells.push(i === cols - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visibleWidth(c)));
    }
    return cells.join('\t').replace(/\s+$/, '');
  });
  return lines.join('\n') + '\n';
}
