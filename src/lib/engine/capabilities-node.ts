/** Node-only capability probes; imported lazily by `capabilities.ts` so browser bundles never load `node:os`. */
import { availableParallelism } from 'node:os';

/** Logical CPU cores available to this process. @example nodeCpuCount() // 2 */
export function nodeCpuCount(): number {
	return availableParallelism();
}
