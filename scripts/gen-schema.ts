/**
 * Regenerates src/kube/schema/builtin.generated.ts from the Kubernetes OpenAPI reference spec.
 * Usage: npm run gen:schema [-- <spec.json[.gz]>]   (default: ../shared/reference/kubernetes-openapi/…)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_MODULE, defaultSpecPath, generateBuiltinModule } from '../src/kube/schema/generate/generate.js';
import { packageRoot } from '../src/util/paths.js';

const specPath = process.argv[2] ?? defaultSpecPath();
const text = generateBuiltinModule(specPath);
const out = join(packageRoot(), GENERATED_MODULE);
writeFileSync(out, text);
process.stdout.write(`gen-schema: wrote ${out} (${text.length} bytes) from ${specPath}\n`);
