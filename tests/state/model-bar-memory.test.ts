import { describe, expect, it } from 'vitest';
import { readModelBar } from '../../src/lib/state/model-bar-memory';

describe('readModelBar (localStorage latelab:models)', () => {
	it('reads what the model bar saved', () => {
		const saved = { hub: 'http://127.0.0.1:9/', choices: { colbert: { spec: 'org/colbert', dtype: 'fp32', device: 'webgpu', revision: 'v2' } }, loaded: ['colbert'] };
		expect(readModelBar(JSON.stringify(saved))).toEqual(saved);
	});

	it('reads nothing saved from an empty store, broken JSON or a value of the wrong shape', () => {
		expect(readModelBar(null)).toEqual({});
		expect(readModelBar('{"hub": "http://x/"')).toEqual({});
		expect(readModelBar('[1, 2]')).toEqual({});
		expect(readModelBar('"colbert"')).toEqual({});
	});

	it('drops fields that do not check out and keeps the rest (an older version or a hand edit)', () => {
		const text = JSON.stringify({
			hub: 42,
			choices: { colbert: { spec: 'org/m', dtype: 'q3', device: 'gpu' }, 'bi-encoder': 'org/b', nope: { spec: 'x' }, 'cross-encoder': { spec: '  ' } },
			loaded: ['colbert', 'nope', 7]
		});
		expect(readModelBar(text)).toEqual({ choices: { colbert: { spec: 'org/m' } }, loaded: ['colbert'] });
	});
});
