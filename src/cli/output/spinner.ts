/**
 * A spinner for long waits. On a TTY it redraws one line (`⠋ waiting for … (3s)`) every 100 ms and clears
 * it when stopped; elsewhere (pipes, files, tests) it prints the waiting line once, flux-style (`◎ …`),
 * so logs stay readable. Always {@link Spinner.stop} it (the timer keeps the process alive otherwise).
 */
import { CliLogger } from './logger.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** See the module comment. */
export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private readonly started = Date.now();
  private text: string;
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    text: string,
    env: NodeJS.ProcessEnv = {},
  ) {
    this.text = text;
    this.tty = (stream as { isTTY?: boolean }).isTTY === true && env['LOCKSTEP_NO_SPINNER'] === undefined;
    if (this.tty) {
      this.draw();
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    } else {
      new CliLogger(stream, env).waiting(text);
    }
  }

  /** Changes the text (shown at the next frame on a TTY; ignored elsewhere). */
  update(text: string): void {
    this.text = text;
  }

  /** Stops and clears the line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.stream.write('\r\x1b[2K');
  }

  private draw(): void {
    const secs = Math.floor((Date.now() - this.started) / 1000);
    this.stream.write(`\r\x1b[2K${frames[this.frame++ % frames.length]} ${this.text} (${secs}s)`);
  }
}
