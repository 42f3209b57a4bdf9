import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineFromArgs, type Values } from '../../src/cli/args';
import { PIPELINE_OPTION_TABLE, consumersReading, type OptionRead } from '../../src/cli/pipeline-options';
import { registerCliPipelines } from '../../src/cli/pipelines';
import { pipelineNames } from '../../src/lib/engine/pipelines/registry';
import { removeTempDirs, runCli } from './helpers';

registerCliPipelines();
afterAll(() => removeTempDirs());

const root = join(__dirname, '..', '..');
const cliDoc = readFileSync(join(root, 'docs', 'CLI.md'), 'utf8');

/**
 * The data folder does not exist: the refusal must come before anything is loaded (were the check
 * after loading, the line would be a missing-file error instead).
 */
const NO_DATA = ['--data', join(root, 'no-such-data-folder')];

describe('pipeline options a pipeline does not read exit 2 with one line, before any data is loaded', () => {
	const cases: { args: string[]; named: string[]; says: RegExp }[] = [
		{ args: ['-p', 'colbert-muvera', '--opt', 'storage=int8'], named: ['storage', 'colbert-muvera'], says: /--opt storage does not apply to colbert-muvera \(it reranks with fp32 vectors\); storage is an option of colbert, colbert-rerank/ },
		{ args: ['-p', 'colbert-muvera', '--opt', 'nprobe=2'], named: ['nprobe', 'colbert-plaid'], says: /--opt nprobe does not apply to colbert-muvera; nprobe is an option of colbert-plaid$/ },
		{ args: ['-p', 'colbert', '--opt', 'nprobe=2'], named: ['nprobe'], says: /does not apply to colbert; nprobe is an option of colbert-plaid$/ },
		{ args: ['-p', 'bm25', '--opt', 'nprobe=3', '--opt', 'storage=int8'], named: ['nprobe', 'bm25'], says: /--opt nprobe does not apply to bm25/ },
		{ args: ['-p', 'colbert-plaid', '--opt', 'storage=int8', '--opt', 'k_sim=2'], named: ['storage', 'colbert-plaid'], says: /--opt storage does not apply to colbert-plaid/ },
		{ args: ['-p', 'colbert-plaid', '--opt', 'nprob=8'], named: ['nprob'], says: /^latelab: --opt nprob is not an option of colbert-plaid; did you mean nprobe\? \(its options: .*nprobe\/ncells.*\)$/ },
		{ args: ['-p', 'colbert-muvera', '--opt', 'ksim=2'], named: ['ksim'], says: /--opt ksim is not an option of colbert-muvera; did you mean k_sim\? \(its options: .*k_sim\/kSim/ },
		{ args: ['-p', 'colbert', '--opt', 'storage=int8', '--opt', 'recore=50'], named: ['recore'], says: /--opt recore is not an option of colbert; did you mean rescore\?/ },
		{ args: ['-p', 'colbert-plaid', '--opt', 'nprobe=1', '--opt', 'ncells=2048'], named: ['nprobe', 'ncells'], says: /--opt nprobe and --opt ncells set the same option of colbert-plaid \(ncells is another name of nprobe\); give one/ },
		{ args: ['-p', 'colbert-muvera', '--opt', 'k_sim=2', '--opt', 'kSim=3'], named: ['k_sim', 'kSim'], says: /set the same option of colbert-muvera/ },
		{ args: ['-p', 'colbert-plaid', '--opt', 'threshold=0.4', '--opt', 'centroid_score_threshold=0.5'], named: ['threshold', 'centroid_score_threshold'], says: /set the same option/ },
		{ args: ['-p', 'colbert-muvera', '--first-stage', 'bm25'], named: ['--first-stage', 'colbert-muvera'], says: /--first-stage does not apply to colbert-muvera; --first-stage is an option of cross and colbert-rerank$/ },
		{ args: ['-p', 'colbert-plaid', '--depth', '50'], named: ['--depth', 'colbert-plaid'], says: /--depth does not apply to colbert-plaid/ },
		{ args: ['-p', 'colbert', '--opt', 'storage=residual', '--opt', 'sample=5000'], named: ['sample', 'colbert-plaid'], says: /--opt sample does not apply to colbert; sample is an option of colbert-plaid$/ },
		{ args: ['-p', 'colbert', '--opt', 'storage=int8', '--opt', 'centroids=16'], named: ['centroids', 'storage=residual'], says: /--opt centroids does not apply to colbert with --opt storage=int8; it is read with --opt storage=residual/ },
		{ args: ['-p', 'cross', '--first-stage', 'dense', '--opt', 'stem=false'], named: ['stem', '--first-stage bm25'], says: /--opt stem does not apply to cross with --first-stage dense/ },
		{ args: ['-p', 'colbert-rerank', '--model', 'bi-encoder=Xenova/all-MiniLM-L6-v2'], named: ['bi-encoder', '--first-stage dense'], says: /--model bi-encoder=\.\.\. does not apply to colbert-rerank with --first-stage bm25 \(the default\)/ },
		{ args: ['-p', 'colbert', '--model', 'cross-encoder=Xenova/ms-marco-MiniLM-L-6-v2'], named: ['cross-encoder'], says: /a cross-encoder model is read by cross$/ },
		{ args: ['-p', 'bm25', '--dtype', 'q8'], named: ['--dtype', 'bm25'], says: /--dtype does not apply to bm25 \(it loads no model\)/ },
		{ args: ['-p', 'colbert', '--dtype', 'q8', '--opt', 'dtype=fp16'], named: ['--dtype', '--opt dtype'], says: /set the same option of colbert; give one/ },
		{ args: ['-p', 'colbert', '--opt', 'candidates=muvera'], named: ['candidates', 'colbert-muvera'], says: /--opt candidates is not an option of colbert/ },
		{ args: ['-p', 'dense', '--opt', 'maxsimBackend=js'], named: ['maxsimBackend', 'dense'], says: /--opt maxsimBackend does not apply to dense/ }
	];
	for (const { args, named, says } of cases) {
		it(`latelab eval ${args.join(' ')}`, async () => {
			const r = await runCli(['eval', ...NO_DATA, ...args]);
			expect(r.code).toBe(2);
			expect(r.stdout).toBe('');
			const lines = r.stderr.trimEnd().split('\n');
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(/^latelab: /);
			expect(lines[0]).toMatch(says);
			for (const word of named) expect(lines[0]).toContain(word);
		});
	}

	it('latelab search takes the same check; lancedb reads --depth with mode two-phase only and nprobes / refine with ann only', async () => {
		const store = await runCli(['search', ...NO_DATA, '--query', 'q', '-p', 'lancedb', '--opt', 'store=lancedb:x']);
		expect(store.code).toBe(2);
		expect(store.stderr).toMatch(/^latelab: --opt store: use --store instead\n$/);
		const mode = pipelineError({ pipeline: 'lancedb', depth: '20' });
		expect(mode).toMatch(/--depth does not apply to lancedb with --opt mode=exhaustive \(the default\); it is read with --opt mode=two-phase/);
		expect(pipelineError({ pipeline: 'lancedb', opt: ['mode=two-phase', 'nprobes=4'] })).toMatch(/--opt nprobes does not apply to lancedb with --opt mode=two-phase; it is read with --opt mode=ann/);
		expect(pipelineError({ pipeline: 'lancedb', opt: ['mode=two-phase'], depth: '20' })).toBeUndefined();
		expect(pipelineError({ pipeline: 'lancedb', opt: ['mode=ann', 'nprobes=4', 'refine=2'] })).toBeUndefined();
	});

	it('latelab index build and latelab export refuse what they do not read, before writing anything', async () => {
		const build = await runCli(['index', 'build', ...NO_DATA, '--store', 'lancedb:/tmp/latelab-never-written', '--depth', '5']);
		expect(build.code).toBe(2);
		expect(build.stderr).toMatch(/^latelab: --depth does not apply to latelab index build; --depth is an option of .*\n$/);
		const parts = await runCli(['index', 'build', ...NO_DATA, '--store', 'lancedb:/tmp/latelab-never-written', '--opt', 'partitions=4']);
		expect(parts.stderr).toMatch(/^latelab: --opt partitions does not apply to latelab index build with --opt index=none \(the default\); it is read with --opt index=ivf_pq\n$/);
		const exp = await runCli(['export', '--format', 'qdrant', '--out', '/tmp/latelab-never-written', ...NO_DATA, '--opt', 'rescore=10']);
		expect(exp.code).toBe(2);
		expect(exp.stderr).toMatch(/^latelab: --opt rescore does not apply to latelab export; rescore is an option of colbert and colbert-rerank\n$/);
	});
});

/** The message `pipelineFromArgs` refuses `values` with, or undefined when it accepts them. */
function pipelineError(values: Values, checkAs?: string): string | undefined {
	try {
		pipelineFromArgs(values, checkAs);
		return undefined;
	} catch (error) {
		return (error as Error).message;
	}
}

/**
 * `values` for giving option `key` to `consumer` as a user would: its flag, `--model <role>=`, or
 * `--opt key=<value>`, with the setting it is read under (`storage=residual` for `centroids`).
 */
function valuesFor(consumer: string, key: string): Values {
	const reads = PIPELINE_OPTION_TABLE[consumer];
	const entry = reads.find((r: OptionRead) => r.key === key || r.aliases?.includes(key));
	expect(entry, `${key} is in the table for ${consumer}`).toBeDefined();
	const values: Values & { opt: string[] } = { pipeline: consumer in PIPELINE_OPTION_TABLE && !['index build', 'export'].includes(consumer) ? consumer : 'colbert', opt: [] };
	const when = entry!.when;
	if (when) {
		if (when.option === 'firstStage') values['first-stage'] = String(when.is[0]);
		else values.opt.push(`${when.option}=${String(when.is[0])}`);
	}
	const sample: Record<string, string> = { firstStage: 'bm25', depth: '10', k1: '1.2', b: '0.5' };
	if (key === 'firstStage') values['first-stage'] = values['first-stage'] ?? 'bm25';
	else if (key === 'depth') values.depth = sample.depth;
	else if (key === 'k1' || key === 'b') values[key] = sample[key];
	else if (key.startsWith('models.')) values.model = [`${key.slice(7)}=some/model`];
	else if (!values.opt.some((o) => o.startsWith(`${key}=`))) values.opt.push(`${key}=${OPT_SAMPLES[key] ?? '2'}`);
	return values;
}

/** A value the panel schema or the command accepts, for keys whose value is checked on parsing. */
const OPT_SAMPLES: Record<string, string> = {
	stem: 'false', maxsimBackend: 'js', storage: 'int8', mode: 'ann', index: 'ivf_pq', metric: 'dot', dtype: 'q8', device: 'cpu',
	rerank: 'exact', cache: 'false', cacheDir: '/tmp/c', revision: 'main', quantized: 'true', centroids: '16', ndocs: '8', store: 'lancedb:/x'
};

describe('the table accepts what is documented and used', () => {
	it('every pipeline the CLI registers has an entry in the table (a new pipeline must list what it reads)', () => {
		for (const name of pipelineNames()) expect(PIPELINE_OPTION_TABLE[name], name).toBeDefined();
	});

	/** The rows of the markdown table after `heading`: cells of each row, header and rule skipped. */
	function tableAfter(heading: string): string[][] {
		const start = cliDoc.indexOf(heading);
		expect(start, heading).toBeGreaterThan(-1);
		const lines = cliDoc.slice(start).split('\n');
		const first = lines.findIndex((l) => l.startsWith('|'));
		const rows: string[][] = [];
		for (const line of lines.slice(first + 2)) {
			if (!line.startsWith('|')) break;
			rows.push(line.replace(/\\\|/g, '/').split('|').slice(1, -1).map((c) => c.trim()));
		}
		return rows;
	}

	/** Pipeline option keys a docs/CLI.md cell documents: `--opt key=...`, `--depth`, `--first-stage`, and (options columns) bare `key`s. */
	function keysIn(cell: string, bare: boolean): string[] {
		const out = new Set<string>();
		for (const m of cell.matchAll(/`--opt (\w+)/g)) out.add(m[1]);
		if (/`--depth/.test(cell)) out.add('depth');
		if (/`--first-stage/.test(cell)) out.add('firstStage');
		if (bare) for (const m of cell.matchAll(/`([a-z][A-Za-z_]*)`/g)) out.add(m[1]);
		return [...out];
	}

	/** [pipeline, key] pairs docs/CLI.md's pipeline tables document. */
	function documented(): [string, string][] {
		const pairs: [string, string][] = [];
		for (const [cell, , what] of tableAfter('## Neural pipelines')) for (const key of keysIn(what, false)) pairs.push([cell.replace(/`/g, ''), key]);
		// The storage table documents its options for the pipelines its heading names.
		const heading = /## Storage formats[^\n]*/.exec(cliDoc)![0];
		const storagePipelines = [...heading.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
		expect(storagePipelines).toEqual(['colbert', 'colbert-rerank']);
		for (const row of tableAfter('## Storage formats')) for (const key of keysIn(row.join(' '), false)) for (const p of storagePipelines) pairs.push([p, key]);
		for (const [cell, , options] of tableAfter('## Candidate pipelines')) for (const key of keysIn(options, true)) pairs.push([cell.replace(/`/g, ''), key]);
		return pairs;
	}

	it('the options docs/CLI.md documents per pipeline (neural, storage and candidate tables) are accepted by those pipelines', () => {
		const pairs = documented();
		// The tables still document what they did when this test was written.
		for (const pair of [['dense', 'metric'], ['cross', 'depth'], ['colbert-rerank', 'firstStage'], ['colbert', 'pool'], ['colbert-rerank', 'rescore'], ['colbert', 'centroids'], ['colbert-muvera', 'k_sim'], ['colbert-muvera', 'depth'], ['colbert-plaid', 'nprobe'], ['colbert-plaid', 'iterations']]) {
			expect(pairs).toContainEqual(pair);
		}
		for (const [pipeline, key] of pairs) expect(pipelineError(valuesFor(pipeline, key)), `${pipeline} ${key}`).toBeUndefined();
	});

	it('the options the docs name for the commands and stores (index build, export, lancedb) and in prose are accepted', () => {
		const pairs: [string, string][] = [
			['index build', 'pool'], ['index build', 'index'], ['index build', 'partitions'], ['index build', 'subVectors'], ['index build', 'models.colbert'], ['index build', 'cache'],
			['export', 'pool'], ['export', 'storage'], ['export', 'depth'], ['export', 'models.colbert'],
			['lancedb', 'mode'], ['lancedb', 'nprobes'], ['lancedb', 'refine'], ['lancedb', 'depth'], ['lancedb', 'models.colbert'],
			['bm25', 'k1'], ['bm25', 'b'], ['bm25', 'stem'], ['bm25', 'cache'], ['bm25', 'cacheDir'],
			['cross', 'k1'], ['cross', 'stem'], ['cross', 'models.bi-encoder'], ['colbert-rerank', 'models.bi-encoder'], ['colbert-rerank', 'stem'],
			...['dense', 'cross', 'colbert', 'colbert-rerank', 'colbert-muvera', 'colbert-plaid'].flatMap((p): [string, string][] => [[p, 'dtype'], [p, 'device'], [p, 'revision'], [p, 'cache']]),
			...['dense', 'colbert', 'colbert-rerank', 'colbert-muvera', 'colbert-plaid'].map((p): [string, string] => [p, 'batchSize']),
			...['colbert', 'colbert-rerank', 'colbert-muvera', 'colbert-plaid'].flatMap((p): [string, string][] => [[p, 'maxsimBackend'], [p, 'threads'], [p, 'pool']])
		];
		for (const [consumer, key] of pairs) {
			const values = valuesFor(consumer, key);
			const checkAs = consumer === 'index build' || consumer === 'export' ? consumer : undefined;
			expect(pipelineError(values, checkAs), `${consumer} ${key}`).toBeUndefined();
		}
	});

	it('every --opt key in docs/*.md and README.md is read by some pipeline or command', () => {
		const docs = ['README.md', ...['CLI.md', 'SCALE.md', 'BENCHMARKS.md', 'ARCHITECTURE.md'].map((f) => join('docs', f))];
		for (const file of docs) {
			const text = readFileSync(join(root, file), 'utf8');
			// `--opt key=value` is the syntax itself.
			for (const m of text.matchAll(/--opt (\w+)=/g)) if (m[1] !== 'key') expect(consumersReading(m[1]), `${file}: --opt ${m[1]}`).not.toEqual([]);
		}
	});

	it('every key in the table is accepted by its pipeline (the table and the check agree)', () => {
		for (const [consumer, reads] of Object.entries(PIPELINE_OPTION_TABLE)) {
			for (const { key } of reads) {
				if (key === 'store') continue; // set by --store, not --opt
				const checkAs = consumer === 'index build' || consumer === 'export' ? consumer : undefined;
				const values = valuesFor(consumer, key);
					expect(pipelineError(values, checkAs), `${consumer} ${key}`).toBeUndefined();
			}
		}
	});
});
