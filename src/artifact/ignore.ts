/**
 * Ignore rules for artifacts in gitignore syntax, as Flux applies them: Flux's default exclusions
 * (VCS files, images and archives, CI folders, a few tool files) first, then every `.sourceignore` in
 * the tree (scoped to its folder), then `spec.ignore`; the last matching pattern wins, `!` re-includes.
 * An excluded folder is skipped whole, so nothing under it can be re-included (as in git).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The file name of per-folder ignore files. */
export const sourceIgnoreFile = '.sourceignore';
/** Flux's always-on VCS exclusions. */
export const excludeVcs = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'] as const;
/** Flux's default exclusions beyond VCS: extensions, CI folders and files, tool files. */
export const excludeDefaults = [
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
] as const;

/** One parsed pattern. */
export interface IgnorePattern {
  /** The text as written (for messages). */
  source: string;
  /** Folder the pattern is scoped to, as path segments ([] = root). */
  domain: readonly string[];
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** Parses gitignore lines; blank lines and `#` comments are skipped. */
export function parseIgnorePatterns(text: string, domain: readonly string[] = []): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const p = parseIgnoreLine(raw, domain);
    if (p) out.push(p);
  }
  return out;
}

/** Parses one gitignore line, or undefined for blanks and comments. */
export function parseIgnoreLine(raw: string, domain: readonly string[] = []): IgnorePattern | undefined {
  let line = raw.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
  let dirOnly = false;
  if (line.endsWith('/')) {
    dirOnly = true;
    line = line.replace(/\/+$/, '');
  }
  if (line === '') return undefined;
  const anchored = line.includes('/');
  line = line.replace(/^\/+/, '');
  const body = globToRegex(line);
  const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
  return { source: raw, domain, negate, dirOnly, regex };
}

function globToRegex(glob: string): string {
  let re = '';
  const segs = glob.split('/');
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') {
      if (last) re += '.*';
      else re += '(?:.*/)?';
      return;
    }
    re += segmentToRegex(seg) + (last ? '' : '/');
  });
  return re;
}

function segmentToRegex(seg: string): string {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === '\\' && i + 1 < seg.length) re += escapeRe(seg[++i] as string);
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let cls = seg.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls}]`;
        i = close;
      }
    } else re += escapeRe(c);
  }
  return re;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Decides whether paths are excluded; the last matching pattern wins. */
export class IgnoreMatcher {
  constructor(readonly patterns: readonly IgnorePattern[]) {}

  /** True when `relPath` (slash-separated, relative to the root) is excluded. */
  ignored(relPath: string, isDir: boolean): boolean {
    const parts = relPath.split('/').filter((s) => s !== '');
    let result = false;
    for (const p of this.patterns) {
      if (p.dirOnly && !isDir) continue;
      if (p.domain.length > parts.length) continue;
      if (!p.domain.every((d, i) => parts[i] === d)) continue;
      const rest = parts.slice(p.domain.length).join('/');
      if (rest === '') continue;
      if (p.regex.test(rest)) result = !p.negate;
    }
    return result;
  }
}

/** Options for {@link loadIgnoreMatcher}. */
export interface IgnoreOptions {
  /** `spec.ignore` text (applied last). */
  specIgnore?: string;
  /** Skip Flux's default exclusions (VCS exclusions always apply). */
  noDefaults?: boolean;
  /** Stop reading `.sourceignore` files after this many (default 1000). */
  maxIgnoreFiles?: number;
}

/**
 * The matcher Flux would use for the tree at `dir`: defaults, every `.sourceignore` (outside `.git`)
 * in sorted folder order, then `spec.ignore`.
 */
export async function loadIgnoreMatcher(dir: string, opts: IgnoreOptions = {}): Promise<IgnoreMatcher> {
  const ps: IgnorePattern[] = [];
  for (const l of excludeVcs) ps.push(...parseIgnorePatterns(l));
  if (!opts.noDefaults) for (const l of excludeDefaults) ps.push(...parseIgnorePatterns(l));
  let budget = opts.maxIgnoreFiles ?? 1000;
  const walk = async (abs: string, domain: string[]): Promise<void> => {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (entries.some((e) => e.isFile() && e.name === sourceIgnoreFile) && budget-- > 0) {
      ps.push(...parseIgnorePatterns(await readFile(join(abs, sourceIgnoreFile), 'utf8'), domain));
    }
    for (const e of entries) if (e.isDirectory() && e.name !== '.git') await walk(join(abs, e.name), [...domain, e.name]);
  };
  await walk(dir, []);
  if (opts.specIgnore) ps.push(...parseIgnorePatterns(opts.specIgnore));
  return new IgnoreMatcher(ps);
}
