/**
 * The data of a git credentials Secret, as flux's `sourcesecret` builds it from flags: for ssh:// URLs
 * `identity`, `identity.pub`, `known_hosts` (and `password`, the key's passphrase, when given); for
 * http(s) `username`/`password` or `bearerToken`, and `ca.crt`. These are the keys the source
 * controller reads.
 */
import { readFile } from 'node:fs/promises';
import type { CommandArgs } from '../command.js';
import { UsageError, str } from '../output/context.js';
import { ecdsaCurves, generateKeyPair, publicKeyOf, scanHostKeys, sshKeyAlgorithms, type SshKeyAlgorithm } from './ssh.js';

/** Flags shared by `create secret git` and `create source git` for SSH keys. */
export const sshKeyFlags = {
  'private-key-file': { type: 'string' },
  'ssh-key-algorithm': { type: 'string' },
  'ssh-rsa-bits': { type: 'string' },
  'ssh-ecdsa-curve': { type: 'string' },
  'known-hosts-file': { type: 'string' },
} as const;

/** Help lines of {@link sshKeyFlags}. */
export const sshKeyFlagsHelp = `  --private-key-file FILE   SSH private key (default: a new key pair is generated)
  --ssh-key-algorithm ALG   algorithm of a generated key: ${sshKeyAlgorithms.join(', ')} (default ecdsa)
  --ssh-rsa-bits N          size of a generated RSA key (default 2048)
  --ssh-ecdsa-curve CURVE   curve of a generated ECDSA key: ${Object.keys(ecdsaCurves).join(', ')} (default p384)
  --known-hosts-file FILE   known_hosts for the host (default: scanned from the host with ssh-keyscan)
`;

/** What {@link gitSecretData} produced. */
export interface GitSecretData {
  stringData: Record<string, string>;
  /** The public key to add to the repository as a deploy key (SSH only). */
  deployKey?: string;
}

const maxFileBytes = 256 * 1024;

async function readSmall(path: string, flag: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (text.length > maxFileBytes) throw new UsageError(`${flag}: ${path} is larger than ${maxFileBytes / 1024} KiB`);
  return text;
}

function algorithmOf(args: CommandArgs): SshKeyAlgorithm {
  const alg = str(args, 'ssh-key-algorithm') ?? 'ecdsa';
  if (!(sshKeyAlgorithms as readonly string[]).includes(alg)) throw new UsageError(`--ssh-key-algorithm: unsupported "${alg}", must be one of ${sshKeyAlgorithms.join(', ')}`);
  return alg as SshKeyAlgorithm;
}

async function sshData(args: CommandArgs, url: string, timeoutMs: number): Promise<GitSecretData> {
  const keyFile = str(args, 'private-key-file');
  const passphrase = str(args, 'password');
  let identity: string;
  let pub: string;
  if (keyFile) {
    identity = await readSmall(keyFile, '--private-key-file');
    pub = await publicKeyOf(identity, { passphrase }).catch((err: unknown) => {
      throw new UsageError(`--private-key-file ${keyFile}: ${(err as Error).message}`);
    });
  } else {
    const bits = Number(str(args, 'ssh-rsa-bits') ?? '2048');
    try {
      const pair = await generateKeyPair({ algorithm: algorithmOf(args), rsaBits: bits, ecdsaCurve: str(args, 'ssh-ecdsa-curve') ?? 'p384' });
      identity = pair.privateKey;
      pub = pair.publicKey;
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
  }
  const khFile = str(args, 'known-hosts-file');
  const knownHosts = khFile ? await readSmall(khFile, '--known-hosts-file') : await scanHostKeys(url, { timeoutMs: Math.min(timeoutMs, 30_000) });
  const stringData: Record<string, string> = { identity, 'identity.pub': pub + '\n', known_hosts: knownHosts };
  if (keyFile && passphrase) stringData['password'] = passphrase;
  return { stringData, deployKey: pub };
}

/**
 * The Secret data for `url` from the flags (SSH key and host keys for ssh://; basic auth, bearer
 * token and CA for http(s)). Throws a UsageError for flags that do not fit the URL.
 */
export async function gitSecretData(args: CommandArgs, url: string, opts: { timeoutMs: number }): Promise<GitSecretData> {
  let scheme: string;
  try {
    scheme = new URL(url).protocol.replace(/:$/, '');
  } catch {
    throw new UsageError(`git URL parse failed: ${url}`);
  }
  if (scheme === 'ssh') {
    if (str(args, 'bearer-token')) throw new UsageError('--bearer-token is for http(s) URLs');
    return sshData(args, url, opts.timeoutMs);
  }
  if (scheme !== 'http' && scheme !== 'https') throw new UsageError(`git URL scheme '${scheme}' not supported, can be: ssh, http and https`);
  for (const f of Object.keys(sshKeyFlags)) if (str(args, f)) throw new UsageError(`--${f} is for ssh:// URLs`);
  const stringData: Record<string, string> = {};
  const username = str(args, 'username');
  const password = str(args, 'password');
  const token = str(args, 'bearer-token');
  if (token && (username || password)) throw new UsageError('--bearer-token and --username/--password are exclusive');
  if (username) stringData['username'] = username;
  if (password) stringData['password'] = password;
  if (token) stringData['bearerToken'] = token;
  const ca = str(args, 'ca-crt-file');
  if (ca) stringData['ca.crt'] = await readSmall(ca, '--ca-crt-file');
  return { stringData };
}
