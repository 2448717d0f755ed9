/**
 * Structured JSON logs (pino). Messages are static strings; what varies goes in fields: `controller`,
 * `kind`, `namespace`, `name`, `revision`, `error`. Never log secrets or whole objects.
 */
import pino from 'pino';

type Logger = pino.Logger;
type DestinationStream = pino.DestinationStream;

export type { Logger };

export interface LoggerOptions {
  /** pino level (default `info`, or `$LOCKSTEP_LOG_LEVEL`). */
  level?: string;
  /** Where to write (default stderr). */
  destination?: DestinationStream;
}

/** A root logger writing one JSON object per line. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env['LOCKSTEP_LOG_LEVEL'] ?? 'info';
  return pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    opts.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** The fields identifying an object in logs. */
export function objectFields(obj: { kind?: string; metadata: { namespace?: string | undefined; name?: string | undefined } }): Record<string, string> {
  return { kind: obj.kind ?? '', namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}

/** An error as a log field: message and reason/code when known, never the request body. */
export function errorField(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { reason?: unknown; code?: unknown };
  return { message: e.message, type: e.name, ...(e.reason !== undefined ? { reason: e.reason } : {}), ...(e.code !== undefined ? { code: e.code } : {}) };
}
