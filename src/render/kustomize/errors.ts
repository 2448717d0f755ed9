/** Errors of the kustomize engine: each names the file (or object) it is about and the reason. */

/** A build failure; `file` is the kustomization or resource file concerned, when there is one. */
export class KustomizeError extends Error {
  constructor(
    readonly reason: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${reason}` : reason);
    this.name = 'KustomizeError';
  }
}
