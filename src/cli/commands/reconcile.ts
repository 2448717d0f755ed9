/**
 * `lockstep reconcile source git NAME` and `lockstep reconcile kustomization NAME [--with-source]`: set
 * `reconcile.fluxcd.io/requestedAt` to a fresh token, wait with a spinner until the controller echoes it
 * in `status.lastHandledReconcileAt` and the object settles, then print the result (`✔ applied revision
 * main@sha1:…`) or fail with the reason from its status. Shared with `resume`.
 */
import { reconcileRequestAnnotation } from '../../api/meta.js';
import type { KubeClient, ObjectRef } from '../../kube/client/index.js';
import { isNotFound } from '../../kube/client/index.js';
import type { KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { bool, guard, kubeFlags, kubeFlagsHelp, nameArg, withKube } from '../output/context.js';
import { cliKindByName, cliKinds, isSuspended, lastHandledReconcileAt, successMessage, type CliKind, aliasOf } from '../output/kinds.js';
import { CliLogger } from '../output/logger.js';
import { readyState, waitForObject } from '../output/wait.js';

/** A fresh request token: an RFC 3339 time with nanoseconds, as flux writes it (unique per call). */
let seq = 0;
export function requestToken(now: Date = new Date()): string {
  const ns = String((now.getMilliseconds() * 1_000_000 + (++seq % 1_000_000)) % 1_000_000_000).padStart(9, '0');
  return now.toISOString().replace(/\.\d{3}Z$/, `.${ns}Z`);
}

/** Reads an object, with a readable error when it is missing. */
export async function getObject(client: KubeClient, k: CliKind, name: string, namespace: string): Promise<KubeObject> {
  try {
    return await client.get({ apiVersion: k.apiVersion, kind: k.kind, name, namespace });
  } catch (err) {
    if (isNotFound(err)) throw new Error(`${k.kind} '${name}' not found in '${namespace}' namespace`);
    throw err;
  }
}

/** Options of {@link requestAndWait}. */
export interface RequestAndWaitOptions {
  client: KubeClient;
  kind: CliKind;
  name: string;
  namespace: string;
  timeoutMs: number;
  io: CommandIO;
  /** Extra merge-patch fields sent with the annotation (`resume` sends `spec.suspend: false`). */
  patch?: Record<string, unknown>;
}

/** Sets the request annotation (with any extra patch) to a fresh token; returns the token. */
export async function annotate(o: Pick<RequestAndWaitOptions, 'client' | 'kind' | 'name' | 'namespace' | 'patch'>): Promise<string> {
  const token = requestToken();
  const ref: ObjectRef = { apiVersion: o.kind.apiVersion, kind: o.kind.kind, name: o.name, namespace: o.namespace };
  await o.client.patch(ref, { ...(o.patch ?? {}), metadata: { annotations: { [reconcileRequestAnnotation]: token } } }, { type: 'merge' });
  return token;
}

/** Waits until `token` is handled and the object settled; prints the result; throws on failure. */
export async function waitHandled(o: RequestAndWaitOptions, token: string): Promise<KubeObject> {
  const log = new CliLogger(o.io.stderr, o.io.env);
  const ref: ObjectRef = { apiVersion: o.kind.apiVersion, kind: o.kind.kind, name: o.name, namespace: o.namespace };
  const { obj, state } = await waitForObject({
    client: o.client,
    ref,
    text: `waiting for ${o.kind.kind} reconciliation`,
    done: (x) => {
      if (lastHandledReconcileAt(x) !== token) return undefined;
      const s = readyState(x);
      return s.state === 'progressing' ? undefined : s;
    },
    timeoutMs: o.timeoutMs,
    stderr: o.io.stderr,
    env: o.io.env,
  });
  if (state.state === 'failed') throw new Error(`${o.kind.kind} reconciliation failed: ${state.message || state.reason}`);
  log.success(`${o.kind.kind} reconciliation completed`);
  log.success(successMessage(o.kind, obj));
  return obj;
}

/** Annotates with a fresh token and waits until it is handled and the object settled; returns it. */
export async function requestAndWait(o: RequestAndWaitOptions): Promise<KubeObject> {
  const token = await annotate(o);
  new CliLogger(o.io.stderr, o.io.env).success(`${o.kind.kind} annotated`);
  return waitHandled(o, token);
}

async function reconcileOne(o: Omit<RequestAndWaitOptions, 'patch'>): Promise<KubeObject> {
  const obj = await getObject(o.client, o.kind, o.name, o.namespace);
  if (isSuspended(obj)) throw new Error(`resource is suspended: run "lockstep resume ${o.kind.words.join(' ')} ${o.name} -n ${o.namespace}" first`);
  new CliLogger(o.io.stderr, o.io.env).action(`annotating ${o.kind.kind} ${o.name} in ${o.namespace} namespace`);
  return requestAndWait(o);
}

/** The source a Kustomization (or any applier) reads: kind, name, namespace (default its own). */
export function sourceRefOf(obj: KubeObject): { kind: string; name: string; namespace: string } | undefined {
  const spec = (obj as { spec?: unknown }).spec;
  const ref = isJsonObject(spec) ? spec['sourceRef'] : undefined;
  if (!isJsonObject(ref) || typeof ref['kind'] !== 'string' || typeof ref['name'] !== 'string') return undefined;
  return { kind: ref['kind'], name: ref['name'], namespace: typeof ref['namespace'] === 'string' && ref['namespace'] ? ref['namespace'] : (obj.metadata.namespace ?? '') };
}

async function runReconcile(k: CliKind, args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (ctx) => {
      const name = nameArg(args, k.kind);
      const base = { client: ctx.client, timeoutMs: ctx.timeoutMs, io };
      if (bool(args, 'with-source')) {
        const obj = await getObject(ctx.client, k, name, ctx.namespace);
        const src = sourceRefOf(obj);
        const srcKind = src ? cliKindByName(src.kind) : undefined;
        if (!src || !srcKind) throw new Error(`${k.kind} '${name}' has no source Lockstep can reconcile${src ? ` (${src.kind})` : ''}`);
        await reconcileOne({ ...base, kind: srcKind, name: src.name, namespace: src.namespace });
      }
      await reconcileOne({ ...base, kind: k, name, namespace: ctx.namespace });
      return 0;
    }),
  );
}

function reconcileCommandFor(k: CliKind, words: readonly string[]): Command {
  const w = words.join(' ');
  const withSource = !k.isSource;
  return {
    path: ['reconcile', ...words],
    summary: `Reconcile a ${k.kind} now`,
    help: `Usage: lockstep reconcile ${w} NAME [flags]

Asks the controller to reconcile the ${k.kind} now (annotation reconcile.fluxcd.io/requestedAt), waits
with a spinner until it is handled, and prints the revision (or the failure and its reason).
${withSource ? '\nFlags:\n  --with-source   reconcile the source first (picks up a new commit immediately)\n' : ''}
${kubeFlagsHelp}
Examples:
  lockstep reconcile ${w} flux-system
${withSource ? `  lockstep reconcile ${w} apps --with-source --timeout 2m\n` : ''}`,
    options: { ...kubeFlags, ...(withSource ? { 'with-source': { type: 'boolean' } } : {}) },
    run: (args, io) => runReconcile(k, args, io),
  };
}

export const reconcileCommands: readonly Command[] = cliKinds.flatMap((k) => [reconcileCommandFor(k, k.words), ...k.aliases.map((a) => aliasOf(reconcileCommandFor(k, k.words), ['reconcile', ...a]))]);
