/**
 * ANSI colours for terminals. Colour is on only when the stream is a TTY and `NO_COLOR` is unset (or when
 * `FORCE_COLOR` is set), so files, pipes and tests get plain text.
 */

/** Whether to colour output written to `stream`. */
export function colourEnabled(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  if (env['NO_COLOR'] !== undefined) return false;
  return (stream as { isTTY?: boolean }).isTTY === true;
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, grey: 90, bold: 1 } as const;
/** A colour name. */
export type Colour = keyof typeof codes;

/** A palette: identity functions when colour is off. */
export type Palette = Record<Colour, (s: string) => string>;

/** The palette for `enabled`. */
export function palette(enabled: boolean): Palette {
  const out = {} as Palette;
  for (const [name, code] of Object.entries(codes) as [Colour, number][]) {
    out[name] = enabled ? (s: string) => `\x1b[${code}m${s}\x1b[0m` : (s: string) => s;
  }
  return out;
}
