/** The native kustomize engine: `build(dir, options)` equal to `kustomize build` v5.5.0. */
export { build, defaultBuildOptions } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
export { KustomizeError } from './errors.js';
export { diskFs } from './fs.js';
export type { KustomizeFs, LoadRestrictor } from './fs.js';
export { emitDocument, ParseCache, parseYamlDocuments, YamlParseError } from './yaml.js';
