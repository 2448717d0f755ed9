/**
 * Input checks done before any git process starts: nothing that looks like a command-line option, no
 * transport that can run commands (`ext::`), no control characters. They throw
 * {@link GitError} of kind `invalid-input`.
 */
import { GitError, GitErrorKind } from './errors.js';

/** URL schemes accepted by default (git's own allow-list is also set to these when running git). */
export const defaultAllowedSchemes: readonly string[] = ['http', 'https', 'ssh', 'git', 'file'];

// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f]/;

/**
 * Checks a remote URL: absolute `scheme://` form with an allowed scheme, no leading `-`, no control
 * characters, no `ext::`-style transports, no option-like host or user. Returns the parsed URL.
 */
export function validateRemoteUrl(url: string, allowedSchemes: readonly string[] = defaultAllowedSchemes): URL {
  const bad = (why: string): never => {
    throw new GitError(GitErrorKind.InvalidInput, `invalid git URL ${JSON.stringify(redactUrl(url))}: ${why}`, { url: redactUrl(url) });
  };
  if (url.length === 0) bad('empty');
  if (url.length > 2048) bad('longer than 2048 characters');
  if (url.startsWith('-')) bad('looks like a command-line option');
  if (controlChars.test(url)) bad('contains control characters');
  if (/^[a-z0-9+.-]+::/i.test(url)) bad('transport helpers (`<helper>::`) are not allowed');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad('not an absolute URL of the form scheme://host/path');
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!allowedSchemes.includes(scheme)) bad(`scheme ${JSON.stringify(scheme)} is not one of ${allowedSchemes.join(', ')}`);
  if (scheme !== 'file' && parsed.hostname === '') bad('no host');
  if (parsed.hostname.startsWith('-') || decodeURIComponent(parsed.username).startsWith('-')) bad('host or user looks like a command-line option');
  if (parsed.pathname.startsWith('/-')) bad('path looks like a command-line option');
  return parsed;
}

/**
 * Checks a git reference name (branch, tag or full ref name) along the lines of
 * `git check-ref-format`: no leading `-`, no `..`, no control characters, spaces or `~^:?*[\`, no `@{`,
 * no component starting with `.` or ending with `.lock`, no trailing `/` or `.`.
 */
export function validateRefName(ref: string, what = 'reference'): void {
  const bad = (why: string): never => {
    throw new GitError(GitErrorKind.InvalidInput, `invalid ${what} ${JSON.stringify(ref)}: ${why}`);
  };
  if (ref.length === 0) bad('empty');
  if (ref.length > 1024) bad('too long');
  if (ref.startsWith('-')) bad('looks like a command-line option');
  if (controlChars.test(ref) || /[ ~^:?*[\\]/.test(ref)) bad('contains a character git does not allow in ref names');
  if (ref.includes('..')) bad('contains ".."');
  if (ref.includes('@{') || ref === '@') bad('contains "@{"');
  if (ref.endsWith('/') || ref.endsWith('.') || ref.startsWith('/') || ref.includes('//')) bad('bad slashes or trailing dot');
  for (const part of ref.split('/')) {
    if (part.startsWith('.') || part.endsWith('.lock')) bad('a component starts with "." or ends with ".lock"');
  }
}

/** Checks a full commit id: 40 (SHA-1) or 64 (SHA-256) lower- or upper-case hex digits. */
export function validateCommit(commit: string): void {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(commit)) {
    throw new GitError(GitErrorKind.InvalidInput, `invalid commit ${JSON.stringify(commit)}: expected a full 40 or 64 hex digit id`);
  }
}

/**
 * Checks a repository-relative path (sparse checkout directory, include path): relative, no `..`
 * component, no leading `-`, no control characters. Returns it normalised (no `./`, no trailing `/`);
 * `''` stands for the root.
 */
export function validateRelativePath(p: string, what = 'path'): string {
  const bad = (why: string): never => {
    throw new GitError(GitErrorKind.InvalidInput, `invalid ${what} ${JSON.stringify(p)}: ${why}`);
  };
  if (controlChars.test(p)) bad('contains control characters');
  if (p.startsWith('/')) bad('must be relative');
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  for (const s of parts) {
    if (s === '..') bad('must not contain ".."');
    if (s.startsWith('-')) bad('a component looks like a command-line option');
  }
  return parts.join('/');
}

/** The URL without userinfo, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
