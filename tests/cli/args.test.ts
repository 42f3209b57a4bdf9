import { describe, expect, it } from 'vitest';
import { listOption, modelRunFlags, numberIn, parseCommand, parseModels, pipelineFromArgs, positiveInt } from '../../src/cli/args';
import { registerCliPipelines } from '../../src/cli/pipelines';
import { registerPipeline } from '../../src/lib/engine/pipelines/registry';
import { isLatelabError } from '../../src/lib/engine/errors';

registerCliPipelines();
registerPipeline('test-late', async () => ({ name: 'test-late', search: async () => ({ hits: [], timings: [] }) }), 'a reranker', { role: 'colbert' });

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (e) {
		return isLatelabError(e) ? e.code : 'other';
	}
	return undefined;
}

describe('parseModels', () => {
	it('parseModels(values, pipeline) reads role=value and gives a plain value the pipeline\'s role', () => {
		expect(parseModels(['bi-encoder=Xenova/all-MiniLM-L6-v2', './models/colbert'], 'test-late')).toEqual({
			'bi-encoder': 'Xenova/all-MiniLM-L6-v2',
			colbert: './models/colbert'
		});
		expect(parseModels(['cross-encoder=a=b'], 'bm25')).toEqual({ 'cross-encoder': 'a=b' });
	});

	it('parseModels(values, pipeline) rejects a role given twice, unknown roles, empty values, and plain models for model-free pipelines', () => {
		expect(codeOf(() => parseModels(['colbert=a', 'b'], 'test-late'))).toBe('BAD_ARGUMENT');
		expect(codeOf(() => parseModels(['dense=a'], 'test-late'))).toBe('UNKNOWN_OPTION');
		expect(codeOf(() => parseModels(['colbert='], 'test-late'))).toBe('BAD_ARGUMENT');
		expect(codeOf(() => parseModels(['some/model'], 'bm25'))).toBe('BAD_ARGUMENT');
	});
});

describe('pipelineFromArgs', () => {
	it('pipelineFromArgs(values) defaults to bm25 and passes every pipeline flag through', () => {
		expect(pipelineFromArgs({})).toEqual({ name: 'bm25', options: {} });
		const { values } = parseCommand(
			'latelab eval',
			['--pipeline', 'test-late', '--k1', '1.2', '--b', '0.75', '--model', 'x', '--first-stage', 'bm25', '--depth', '100'],
			{ pipeline: { type: 'string' }, k1: { type: 'string' }, b: { type: 'string' }, model: { type: 'string', multiple: true }, 'first-stage': { type: 'string' }, depth: { type: 'string' } },
			0
		);
		expect(pipelineFromArgs(values)).toEqual({
			name: 'test-late',
			options: { k1: 1.2, b: 0.75, models: { colbert: 'x' }, firstStage: 'bm25', depth: 100 }
		});
	});

	it('pipelineFromArgs(values) rejects unknown pipelines and first stages', () => {
		expect(codeOf(() => pipelineFromArgs({ pipeline: 'nope' }))).toBe('UNKNOWN_OPTION');
		expect(codeOf(() => pipelineFromArgs({ 'first-stage': 'nope' }))).toBe('UNKNOWN_OPTION');
	});
});

describe('modelRunFlags', () => {
	it('modelRunFlags(values) passes known --dtype / --device values, leaves absent ones out and names the allowed values otherwise', () => {
		expect(modelRunFlags({ dtype: 'q8', device: 'cpu' })).toEqual({ dtype: 'q8', device: 'cpu' });
		expect(modelRunFlags({})).toEqual({});
		expect(pipelineFromArgs({ pipeline: 'dense', dtype: 'fp16' }).options.dtype).toBe('fp16');
		for (const [values, message] of [
			[{ dtype: 'fp64' }, /unknown dtype "fp64".*fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4/],
			[{ device: 'gpu' }, /unknown device "gpu".*cpu, wasm, webgpu/]
		] as const) {
			let error: unknown;
			try {
				modelRunFlags(values);
			} catch (e) {
				error = e;
			}
			expect(isLatelabError(error) && error.code).toBe('UNKNOWN_OPTION');
			expect(String((error as Error).message)).toMatch(message);
		}
	});
});

describe('number and list options', () => {
	it('positiveInt / numberIn / listOption validate and split', () => {
		expect(positiveInt({ k: '25' }, 'k', 10)).toBe(25);
		expect(positiveInt({}, 'k', 10)).toBe(10);
		for (const bad of ['0', '-1', '1.5', '1e3', 'x', '']) expect(codeOf(() => positiveInt({ k: bad }, 'k')), bad).toBe('BAD_ARGUMENT');
		expect(numberIn({ b: '0.75' }, 'b', 0, 1)).toBe(0.75);
		for (const bad of ['1.01', '-0.1', 'NaN', '', 'Infinity']) expect(codeOf(() => numberIn({ b: bad }, 'b', 0, 1)), bad).toBe('BAD_ARGUMENT');
		expect(listOption({ metrics: ['ndcg@10, map', 'p@5'] }, 'metrics')).toEqual(['ndcg@10', 'map', 'p@5']);
		expect(listOption({}, 'metrics')).toBeUndefined();
	});
});

describe('parseExtraOptions', () => {
	it('parseExtraOptions(values) types booleans and numbers and keeps other strings', async () => {
		const { parseExtraOptions } = await import('../../src/cli/args');
		expect(parseExtraOptions(['dtype=q8', 'threads=2', 'scale=-1.5e-2', 'cache=false', 'name=v1.2'])).toEqual({
			dtype: 'q8',
			threads: 2,
			scale: -0.015,
			cache: false,
			name: 'v1.2'
		});
	});

	it('parseExtraOptions(values) rejects malformed pairs, repeated keys and keys that have their own flag', async () => {
		const { parseExtraOptions } = await import('../../src/cli/args');
		for (const bad of [['dtype'], ['=x'], ['a=1', 'a=2'], ['k1=1.2'], ['depth=5'], ['first-stage=bm25']]) {
			expect(codeOf(() => parseExtraOptions(bad)), bad.join(' ')).toBe('BAD_ARGUMENT');
		}
	});

	it('pipelineFromArgs(values) merges --opt values into the options', () => {
		expect(pipelineFromArgs({ opt: ['stem=false'], k1: '1.5' })).toEqual({ name: 'bm25', options: { stem: false, k1: 1.5 } });
		expect(pipelineFromArgs({ pipeline: 'dense', opt: ['dtype=q8'] })).toEqual({ name: 'dense', options: { dtype: 'q8' } });
	});
});
