/** Parsing API paths into what they address. */

/** A resource request: `/api/v1/namespaces/ns/pods/name/status` and friends. */
export interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

/** Any request path. */
export type ParsedPath =
  | { kind: 'resource'; path: ResourcePath }
  | { kind: 'discovery-core' }
  | { kind: 'discovery-groups' }
  | { kind: 'discovery-group'; group: string }
  | { kind: 'discovery-version'; group: string; version: string }
  | { kind: 'other'; path: string };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses the path (without query) of a request. Segments are URL-decoded. */
export function parsePath(pathname: string): ParsedPath {
  const segs = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  if (segs[0] === 'api') {
    if (segs.length === 1) return { kind: 'discovery-core' };
    if (segs.length === 2) return { kind: 'discovery-version', group: '', version: segs[1] ?? '' };
    return resourcePath('', segs[1] ?? '', segs.slice(2), pathname);
  }
  if (segs[0] === 'apis') {
    if (segs.length === 1) return { kind: 'discovery-groups' };
    if (segs.length === 2) return { kind: 'discovery-group', group: segs[1] ?? '' };
    if (segs.length === 3) return { kind: 'discovery-version', group: segs[1] ?? '', version: segs[2] ?? '' };
    return resourcePath(segs[1] ?? '', segs[2] ?? '', segs.slice(3), pathname);
  }
  return { kind: 'other', path: pathname };
}

function resourcePath(group: string, version: string, rest: string[], raw: string): ParsedPath {
  let namespace: string | undefined;
  let r = rest;
  // /namespaces/{ns}/{resource}…, but /namespaces/{name} and /namespaces/{name}/status|finalize address the namespace
  if (group === '' && r[0] === 'namespaces' && r.length >= 3 && !(r.length === 3 && NAMESPACE_SUBRESOURCES.has(r[2] ?? ''))) {
    namespace = r[1];
    r = r.slice(2);
  } else if (group !== '' && r[0] === 'namespaces' && r.length >= 3) {
    namespace = r[1];
    r = r.slice(2);
  }
  if (r.length < 1 || r.length > 3) return { kind: 'other', path: raw };
  return { kind: 'resource', path: { group, version, namespace, resource: r[0] ?? '', name: r[1], subresource: r[2] } };
}
