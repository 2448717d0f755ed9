/**
 * Fetching and rendering a Kustomization's manifests: download the source artifact (size limit,
 * timeout, sha256 digest verified), unpack it with the artifact module's limits into a scratch folder,
 * apply Flux's overlay and build with the native kustomize engine. The scratch folder is always removed.
 *
 * Rendered results are cached by (artifact digest, path, overlay): the build is a pure function of those,
 * so an unchanged revision is not downloaded or built again at every interval, and Kustomizations sharing
 * a source share its download. Callers get deep copies. Substitution and commonMetadata are NOT cached
 * inputs: they are applied by the caller afterwards (variables can change without a new revision).
 *
 * The unpacked tree is shared too: one scratch folder per digest (the most recent `maxUnpackedTrees`),
 * so Kustomizations with different paths or overlays of one revision unpack it once. The overlay build
 * rewrites the kustomization file of the path in place; that file is saved before and restored after,
 * and since the build is synchronous no other render in this process can see it modified. `close()`
 * removes the folders.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadArtifact, unpackBuffer, type UnpackOptions } from '../../artifact/index.js';
import type { JsonObject } from '../../kube/object.js';
import { type FluxOverlay, OverlayError, renderFluxPath, resolvePath } from '../../render/flux-overlay.js';
import { KustomizeError } from '../../render/kustomize/index.js';

/** Where a failure happened: fetching/unpacking the artifact (or a missing path), or building. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    message: string,
    readonly stage: 'artifact' | 'build',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What to render. */
export interface RenderRequest {
  url: string;
  /** `sha256:<hex>` the download must match. */
  digest: string;
  path?: string | undefined;
  /** The overlay without commonMetadata (applied by the caller). */
  overlay: Omit<FluxOverlay, 'commonMetadata'>;
}

/** Options of {@link ManifestRenderer}. */
export interface ManifestRendererOptions {
  /** Rendered results kept (default 2048: one per Kustomization of a large fleet). */
  maxEntries?: number;
  /** Objects kept over all rendered results (default 20,000): bounds the cache's memory. */
  maxCachedObjects?: number;
  /** Largest artifact downloaded (default 256 MiB). */
  maxArtifactBytes?: number;
  /** Download timeout (default 60 s). */
  downloadTimeoutMs?: number;
  unpack?: Omit<UnpackOptions, 'expectedDigest'>;
  /** Scratch folder parent (default the OS temp folder). */
  tmpDir?: string;
  /** Most objects one build may produce (default 20,000). */
  maxResources?: number;
  /** Downloaded artifacts kept in memory, in bytes (default 64 MiB). */
  maxCachedArtifactBytes?: number;
  /** Unpacked artifacts kept on disk, by digest (default 8). */
  maxUnpackedTrees?: number;
}

/** One unpacked artifact; `users` renders hold it (it is not removed while held). */
interface Tree {
  dir: Promise<string>;
  users: number;
}

/** Kustomization file names kustomize looks for, in its order. */
const kustomizationFileNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** See the module comment. */
export class ManifestRenderer {
  private readonly cache = new Map<string, JsonObject[]>();
  /** Objects held by `cache`, the memory bound that matters (one result may hold thousands). */
  private cachedObjects = 0;
  private readonly inflight = new Map<string, Promise<JsonObject[]>>();
  /** Downloaded (digest-verified) artifacts by digest, bounded by total bytes. */
  private readonly artifacts = new Map<string, Promise<Buffer>>();
  private artifactBytes = 0;
  /** Builds run (cache misses), for tests and metrics. */
  builds = 0;
  /** Unpacked artifacts by digest, least recently used first. */
  private readonly trees = new Map<string, Tree>();

  constructor(private readonly opts: ManifestRendererOptions = {}) {}

  /** Caches a result; evicts the least recently used beyond maxEntries or maxCachedObjects (the newest stays). */
  private remember(key: string, objects: JsonObject[]): void {
    const old = this.cache.get(key);
    if (old) this.cachedObjects -= old.length;
    this.cache.delete(key);
    this.cache.set(key, objects);
    this.cachedObjects += objects.length;
    const maxEntries = this.opts.maxEntries ?? 2048;
    const maxObjects = this.opts.maxCachedObjects ?? 20_000;
    for (const [k, v] of this.cache) {
      if ((this.cache.size <= maxEntries && this.cachedObjects <= maxObjects) || k === key) break;
      this.cache.delete(k);
      this.cachedObjects -= v.length;
    }
  }

  /** Removes the unpacked folders (the renderer stays usable: it unpacks again on demand). */
  async close(): Promise<void> {
    const all = [...this.trees.values()];
    this.trees.clear();
    await Promise.all(all.map((t) => removeTree(t)));
  }

  /** Rendered objects (a fresh deep copy). Throws {@link ManifestError}. */
  async render(req: RenderRequest): Promise<JsonObject[]> {
    const key = JSON.stringify([req.digest, req.path ?? '', req.overlay]);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return structuredClone(hit);
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.renderFresh(req).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    const objects = await p;
    this.remember(key, objects);
    return structuredClone(objects);
  }

  /** The artifact bytes: one download per digest while cached (Kustomizations sharing a source share it). */
  private download(req: RenderRequest): Promise<Buffer> {
    const hit = this.artifacts.get(req.digest);
    if (hit) return hit;
    const p = downloadArtifact(req.url, { expectedDigest: req.digest, maxBytes: this.opts.maxArtifactBytes ?? 256 * 1024 * 1024, timeoutMs: this.opts.downloadTimeoutMs ?? 60_000 });
    this.artifacts.set(req.digest, p);
    p.then(
      (b) => {
        this.artifactBytes += b.length;
        const max = this.opts.maxCachedArtifactBytes ?? 64 * 1024 * 1024;
        for (const [d, old] of this.artifacts) {
          if (this.artifactBytes <= max || this.artifacts.size <= 1) break;
          this.artifacts.delete(d);
          void old.then((ob) => (this.artifactBytes -= ob.length)).catch(() => undefined);
        }
      },
      () => this.artifacts.delete(req.digest),
    );
    return p;
  }

  private async renderFresh(req: RenderRequest): Promise<JsonObject[]> {
    let body: Buffer;
    try {
      body = await this.download(req);
    } catch (err) {
      throw new ManifestError(`failed to download artifact from ${req.url}: ${(err as Error).message}`, 'artifact', { cause: err });
    }
    const tree = this.tree(req.digest, body);
    tree.users++;
    try {
      let dir: string;
      try {
        dir = await tree.dir;
      } catch (err) {
        throw new ManifestError(`failed to extract artifact ${req.digest}: ${(err as Error).message}`, 'artifact', { cause: err });
      }
      return this.build(dir, req);
    } finally {
      tree.users--;
      this.evictTrees();
    }
  }

  /** The unpacked tree of a digest, unpacking it on first use. A failed unpack is forgotten. */
  private tree(digest: string, body: Buffer): Tree {
    const hit = this.trees.get(digest);
    if (hit) {
      this.trees.delete(digest);
      this.trees.set(digest, hit);
      return hit;
    }
    const dir = (async () => {
      const d = await mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'lockstep-kustomization-'));
      try {
        await unpackBuffer(body, d, { ...(this.opts.unpack ?? {}), expectedDigest: digest });
      } catch (err) {
        await rm(d, { recursive: true, force: true }).catch(() => undefined);
        throw err;
      }
      return d;
    })();
    const tree: Tree = { dir, users: 0 };
    dir.catch(() => {
      if (this.trees.get(digest) === tree) this.trees.delete(digest);
    });
    this.trees.set(digest, tree);
    return tree;
  }

  /** Removes the least recently used trees beyond the limit that no render holds. */
  private evictTrees(): void {
    const max = Math.max(1, this.opts.maxUnpackedTrees ?? 8);
    for (const [digest, t] of this.trees) {
      if (this.trees.size <= max) break;
      if (t.users > 0) continue;
      this.trees.delete(digest);
      void removeTree(t);
    }
  }

  /** Builds synchronously in the shared tree, restoring the kustomization file the overlay rewrites. */
  private build(dir: string, req: RenderRequest): JsonObject[] {
    this.builds++;
    const saved = saveKustomizationFiles(dir, req.path);
    try {
      return renderFluxPath({ root: dir, path: req.path, overlay: req.overlay, ...(this.opts.maxResources ? { maxResources: this.opts.maxResources } : {}) }).objects;
    } catch (err) {
      if (err instanceof OverlayError && /not found: stat|outside the artifact|not a directory/.test(err.message)) throw new ManifestError(err.message, 'artifact', { cause: err });
      if (err instanceof OverlayError || err instanceof KustomizeError) throw new ManifestError(`kustomize build failed: ${scrub(err.message, dir)}`, 'build', { cause: err });
      throw err;
    } finally {
      restoreKustomizationFiles(saved);
    }
  }
}

async function removeTree(t: Tree): Promise<void> {
  const dir = await t.dir.catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * The kustomization files of the path's folder (content, or `undefined` when absent); nothing when the
 * path does not exist or leaves the tree (the build then fails before writing anything).
 */
function saveKustomizationFiles(root: string, path: string | undefined): Array<{ file: string; text: Buffer | undefined }> {
  let dir: string;
  try {
    dir = resolvePath(root, path); // the folder the overlay writes to, resolved as the build resolves it
  } catch {
    return [];
  }
  return kustomizationFileNames.map((name) => {
    const file = join(dir, name);
    return { file, text: existsSync(file) ? readFileSync(file) : undefined };
  });
}

function restoreKustomizationFiles(saved: ReadonlyArray<{ file: string; text: Buffer | undefined }>): void {
  for (const { file, text } of saved) {
    if (text === undefined) rmSync(file, { force: true });
    else if (!existsSync(file) || !readFileSync(file).equals(text)) writeFileSync(file, text);
  }
}

/** Replaces the scratch folder in messages so they name files relative to the artifact. */
function scrub(message: string, dir: string): string {
  return message.split(dir + '/').join('').split(dir).join('.');
}
