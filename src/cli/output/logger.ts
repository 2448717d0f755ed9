/**
 * Progress lines as the flux CLI prints them on stderr: `► action`, `✚ generate`, `◎ waiting`,
 * `✔ success`, `✗ failure`, `⚠️ warning`. Results meant for scripts (tables, YAML) go to stdout instead.
 */
import { colourEnabled, palette, type Palette } from './colour.js';

/** Writes flux-style progress lines. */
export class CliLogger {
  private readonly p: Palette;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    env: NodeJS.ProcessEnv = {},
  ) {
    this.p = palette(colourEnabled(stream, env));
  }

  /** The palette in use for this stream. */
  get colours(): Palette {
    return this.p;
  }

  action(msg: string): void {
    this.stream.write(`${this.p.blue('►')} ${msg}\n`);
  }
  generate(msg: string): void {
    this.stream.write(`${this.p.cyan('✚')} ${msg}\n`);
  }
  waiting(msg: string): void {
    this.stream.write(`${this.p.yellow('◎')} ${msg}\n`);
  }
  success(msg: string): void {
    this.stream.write(`${this.p.green('✔')} ${msg}\n`);
  }
  failure(msg: string): void {
    this.stream.write(`${this.p.red('✗')} ${msg}\n`);
  }
  warning(msg: string): void {
    this.stream.write(`${this.p.yellow('⚠️')} ${msg}\n`);
  }
}
