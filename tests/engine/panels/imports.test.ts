/**
 * The panel schema is what the page bundle imports from the engine, so its runtime imports (not
 * `import type`) must stay within a few dependency-free modules (docs/ARCHITECTURE.md, "Layers").
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = 'src/lib/engine';

/** Engine modules reached from `entry` through runtime imports and re-exports (type-only ones skipped). */
function runtimeClosure(entry: string): string[] {
	const seen = new Set<string>();
	const visit = (file: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		const text = readFileSync(file, 'utf8');
		for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm)) {
			if (m[1] || /^export\s+type\s/.test(m[0])) continue;
			const spec = m[2];
			expect(spec.startsWith('.'), `${file} imports package ${spec} at runtime`).toBe(true);
			visit(`${join(dirname(file), spec)}.ts`);
		}
	};
	visit(entry);
	return [...seen].map((f) => relative(ENGINE, f)).sort();
}

describe('engine/panels runtime imports', () => {
	it('the panel schema reaches only its own modules, errors.ts and the backend, role and first-stage lists', () => {
		expect(runtimeClosure(`${ENGINE}/panels/index.ts`)).toEqual(
			['errors.ts', 'maxsim/backends.ts', 'panels/index.ts', 'panels/options.ts', 'panels/schema.ts', 'pipelines/first-stage-names.ts', 'pipelines/roles.ts'].sort()
		);
	});
});
