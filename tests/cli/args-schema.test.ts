import { describe, expect, it } from 'vitest';
import { parseExtraOptions } from '../../src/cli/args';

describe('--opt keys the panel-option schema knows', () => {
	it('parseExtraOptions(["stem=false"]) passes a valid schema value, and keys the schema does not know pass through', () => {
		expect(parseExtraOptions(['stem=false', 'maxsimBackend=js', 'pool=2'])).toEqual({ stem: false, maxsimBackend: 'js', pool: 2 });
	});

	it('parseExtraOptions(["stem=maybe"]) and an unknown MaxSim backend fail with the schema\'s allowed values', () => {
		expect(() => parseExtraOptions(['stem=maybe'])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT', message: expect.stringContaining('true, false') }));
		expect(() => parseExtraOptions(['maxsimBackend=cuda'])).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION', message: expect.stringContaining('auto, js, wasm, webgpu') }));
	});
});
