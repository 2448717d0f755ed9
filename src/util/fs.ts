import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file atomically: the text goes to a temporary sibling that is then renamed over `path`, so a
 * reader never sees a half-written file (another process polling for `cluster.json`, say).
 */
export function writeFileAtomic(path: string, text: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}
