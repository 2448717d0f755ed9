/**
 * `LOCKSTEP_DEBUG_EXIT=1`: when a command has returned but the process does not exit within a second
 * (something still holds the event loop: a server, a socket, a timer, a file watch, a child process),
 * prints what is still open to stderr, once a second, until it exits. This is how "up --once drew the
 * final table but did not exit" is told apart from a slow shutdown. The timer is unref'd: it never
 * keeps the process alive itself.
 */

/** One line per handle still open, with what identifies it (address, pid, timer delay). */
export function openHandles(): string[] {
  const getHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  const handles = typeof getHandles === 'function' ? getHandles.call(process) : [];
  return handles.map((h) => {
    const o = h as { constructor?: { name?: string }; pid?: number; spawnargs?: string[]; remoteAddress?: string; remotePort?: number; address?: () => unknown; _idleTimeout?: number };
    const name = o.constructor?.name ?? typeof h;
    if (name === 'ChildProcess') return `ChildProcess pid ${o.pid ?? '?'}: ${(o.spawnargs ?? []).join(' ').slice(0, 200)}`;
    if (o.remoteAddress) return `${name} to ${o.remoteAddress}:${o.remotePort ?? '?'}`;
    if (name === 'Server' && typeof o.address === 'function') return `Server listening on ${JSON.stringify(o.address())}`;
    if (name === 'Timeout') return `Timeout ${o._idleTimeout ?? '?'} ms`;
    return name;
  });
}

/** Arms the report when `env.LOCKSTEP_DEBUG_EXIT` is set; call after the command returned. */
export function armExitDiagnostics(env: NodeJS.ProcessEnv, out: NodeJS.WritableStream, delayMs = 1000): void {
  if (!env['LOCKSTEP_DEBUG_EXIT']) return;
  const started = Date.now();
  const t = setInterval(() => {
    out.write(`lockstep: still running ${Date.now() - started} ms after the command returned; open: ${JSON.stringify(process.getActiveResourcesInfo())}\n  ${openHandles().join('\n  ')}\n`);
  }, delayMs);
  t.unref();
}
