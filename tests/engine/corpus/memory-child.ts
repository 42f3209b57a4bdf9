/**
 * Child process of `memory.test.ts`: loads one corpus file with a capped heap and prints one JSON line
 * with the document count and memory figures. Run as `node --import tsx --max-old-space-size=N memory-child.ts <path>`.
 */
import { loadCorpusFromPath } from '../../../src/lib/engine/corpus/node-files';

const path = process.argv[2];
const started = performance.now();
let peakHeap = 0;
const corpus = await loadCorpusFromPath(path, {
	onProgress: () => {
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	}
});
const { heapUsed, rss } = process.memoryUsage();
console.log(
	JSON.stringify({
		docs: corpus.docs.length,
		chars: corpus.docs.reduce((n, d) => n + d.text.length, 0),
		heapUsed,
		peakHeap: Math.max(peakHeap, heapUsed),
		rss,
		maxRss: process.resourceUsage().maxRSS * 1024,
		ms: Math.round(performance.now() - started)
	})
);
