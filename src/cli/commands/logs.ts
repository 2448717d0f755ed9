/**
 * `lockstep logs`: the controllers' structured (pino JSON) logs, filtered and formatted as `flux logs`
 * prints them: `<time> <level> <Kind>/<name>.<namespace> - <message>` plus the revision and error when
 * present. Logs are read from `--log-file` (default `$LOCKSTEP_LOG_FILE`, else
 * `.lockstep/logs/controllers.log` under the working directory — where `lockstep up`/`controllers`
 * are expected to write them) or from stdin with `--log-file -` (`lockstep controllers 2>&1 | lockstep
 * logs --log-file -`). Lines that are not JSON are skipped. `--follow` keeps reading the file as it grows.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, bool, durationFlag, guard, sleep, str } from '../output/context.js';
import { colourEnabled, palette, type Palette } from '../output/colour.js';

/** Default log file, relative to the working directory. */
export const defaultLogFile = join('.lockstep', 'logs', 'controllers.log');
/** Most bytes read from the end of a log file. */
const maxReadBytes = 64 * 1024 * 1024;
const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const pinoLevels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** The filters of a `logs` invocation. */
export interface LogFilter {
  kind?: string | undefined;
  name?: string | undefined;
  /** Undefined: every namespace. */
  namespace?: string | undefined;
  /** Least level shown. */
  level?: string | undefined;
  /** Only entries at or after this time (ms since epoch). */
  sinceMs?: number | undefined;
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function levelOf(e: Record<string, unknown>): string {
  return typeof e['level'] === 'number' ? (pinoLevels[e['level']] ?? String(e['level'])) : s(e['level']);
}

function matches(e: { level: string; kind: string; name: string; ns: string; time: string }, f: LogFilter): boolean {
  if (f.kind && e.kind.toLowerCase() !== f.kind.toLowerCase()) return false;
  if (f.name && e.name !== f.name) return false;
  if (f.namespace !== undefined && e.ns !== f.namespace) return false;
  if (f.level && levels.indexOf(e.level) < levels.indexOf(f.level)) return false;
  return f.sinceMs === undefined || Date.parse(e.time) >= f.sinceMs;
}

/** Formats one log line (JSON) if it passes the filter; undefined otherwise. */
export function formatLogLine(line: string, f: LogFilter, p: Palette = palette(false)): string | undefined {
  let e: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    e = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const level = levelOf(e);
  const kind = s(e['kind']);
  const name = s(e['name']);
  const ns = s(e['namespace']);
  const time = typeof e['time'] === 'number' ? new Date(e['time']).toISOString() : s(e['time']);
  if (!matches({ level, kind, name, ns, time }, f)) return undefined;
  const subject = kind || name ? `${kind}/${name}${ns ? `.${ns}` : ''}` : s(e['controller']) || '-';
  const err = typeof e['error'] === 'object' && e['error'] !== null ? s((e['error'] as Record<string, unknown>)['message']) : s(e['error']);
  const extra = [e['revision'] !== undefined ? `revision=${s(e['revision'])}` : '', err ? `error="${err}"` : ''].filter(Boolean).join(' ');
  const lv = level === 'error' || level === 'fatal' ? p.red(level) : level === 'warn' ? p.yellow(level) : level;
  return `${time} ${lv} ${subject} - ${s(e['msg'])}${extra ? ` ${extra}` : ''}`;
}

function readTail(file: string, from: number, to: number): string {
  const start = Math.max(from, to - maxReadBytes);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(to - start);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, start + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function filterOf(args: CommandArgs): LogFilter {
  const level = str(args, 'level');
  if (level && !levels.includes(level)) throw new UsageError(`--level must be one of ${levels.join(', ')}`);
  const since = str(args, 'since');
  return {
    kind: str(args, 'kind'),
    name: str(args, 'name'),
    namespace: bool(args, 'all-namespaces') ? undefined : (str(args, 'namespace') ?? 'flux-system'),
    level,
    sinceMs: since ? Date.now() - durationFlag(args, 'since', 0) : undefined,
  };
}

async function runLogs(args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, async () => {
    const f = filterOf(args);
    const p = palette(colourEnabled(io.stdout, io.env));
    const tailN = str(args, 'tail') !== undefined ? Number(str(args, 'tail')) : undefined;
    if (tailN !== undefined && (!Number.isInteger(tailN) || tailN < 0)) throw new UsageError('--tail must be a non-negative integer');
    const src = str(args, 'log-file') ?? io.env['LOCKSTEP_LOG_FILE'] ?? defaultLogFile;
    if (src === '-') {
      const out: string[] = [];
      for await (const line of createInterface({ input: process.stdin })) {
        const l = formatLogLine(line, f, p);
        if (l !== undefined) out.push(l);
      }
      io.stdout.write(out.slice(tailN !== undefined ? -tailN || out.length : 0).join('\n') + (out.length ? '\n' : ''));
      return 0;
    }
    const file = resolve(io.cwd, src);
    if (!existsSync(file)) throw new Error(`no log file at ${file}: run "lockstep up" or "lockstep controllers" first, or pass --log-file`);
    let size = statSync(file).size;
    const lines = readTail(file, 0, size).split('\n').map((l) => formatLogLine(l, f, p)).filter((l): l is string => l !== undefined);
    const shown = tailN !== undefined ? (tailN === 0 ? [] : lines.slice(-tailN)) : lines;
    if (shown.length) io.stdout.write(shown.join('\n') + '\n');
    if (!bool(args, 'follow')) return 0;
    const deadline = Date.now() + durationFlag(args, 'timeout', 24 * 3_600_000);
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    process.once('SIGINT', stop);
    let partial = '';
    try {
      while (!ac.signal.aborted && Date.now() < deadline) {
        await sleep(Math.min(300, Math.max(0, deadline - Date.now())), ac.signal);
        const now = statSync(file).size;
        if (now < size) size = 0;
        if (now === size) continue;
        const chunk = partial + readTail(file, size, now);
        size = now;
        const parts = chunk.split('\n');
        partial = parts.pop() ?? '';
        for (const l of parts) {
          const out = formatLogLine(l, f, p);
          if (out !== undefined) io.stdout.write(out + '\n');
        }
      }
    } finally {
      process.off('SIGINT', stop);
    }
    return 0;
  });
}

export const logsCommand: Command = {
  path: ['logs'],
  summary: "Show the controllers' logs, filtered by object",
  help: `Usage: lockstep logs [flags]

Prints the controllers' structured logs as "<time> <level> <Kind>/<name>.<namespace> - <message>",
filtered by object and level. Logs are read from --log-file (default $LOCKSTEP_LOG_FILE or
${defaultLogFile}); "--log-file -" reads them from stdin.

Flags:
  --kind KIND           only this kind (Kustomization, GitRepository…)
  --name NAME           only this object name
  -n, --namespace NS    only objects of this namespace (default flux-system)
  -A, --all-namespaces  objects of every namespace
  --level LEVEL         least level: trace, debug, info, warn, error
  --since DURATION      only entries newer than this (e.g. 10m)
  --tail N              only the last N lines
  -f, --follow          keep printing new lines (until Ctrl-C or --timeout)
  --log-file PATH       where the logs are ("-" for stdin)
  --timeout DURATION    stop following after this long

Examples:
  lockstep logs --kind Kustomization --name apps --level error
  lockstep logs -A --since 10m -f
  lockstep controllers 2>&1 | lockstep logs --log-file - -A
`,
  options: {
    kind: { type: 'string' },
    name: { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    level: { type: 'string' },
    since: { type: 'string' },
    tail: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
    'log-file': { type: 'string' },
    timeout: { type: 'string' },
  },
  run: (args, io) => runLogs(args, io),
};
