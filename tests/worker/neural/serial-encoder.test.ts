import { describe, expect, it } from 'vitest';
import { serialEncoder } from '../../../src/lib/worker/neural/serial-encoder';

describe('serialEncoder(encoder)', () => {
	it('serialEncoder(e) runs model calls one after the other, keeps results per call and passes fields through', async () => {
		const log: string[] = [];
		const slow = {
			kind: 'colbert' as const,
			modelId: 'm',
			async encodeQuery(text: string) {
				log.push(`start ${text}`);
				await new Promise((r) => setTimeout(r, text === 'a' ? 30 : 1));
				log.push(`end ${text}`);
				return text.toUpperCase();
			},
			async dispose() {}
		};
		const safe = serialEncoder(slow);
		expect(safe.modelId).toBe('m');
		const results = await Promise.all([safe.encodeQuery('a'), safe.encodeQuery('b')]);
		expect(results).toEqual(['A', 'B']);
		expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
	});

	it('serialEncoder(e) keeps going after a failed call', async () => {
		let calls = 0;
		const safe = serialEncoder({
			async score() {
				calls++;
				if (calls === 1) throw new Error('boom');
				return calls;
			}
		});
		await expect(safe.score()).rejects.toThrow('boom');
		await expect(safe.score()).resolves.toBe(2);
	});
});
