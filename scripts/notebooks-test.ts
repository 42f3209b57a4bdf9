/**
 * `npm run test:notebooks [-- <name filter>...]`: executes every notebooks/*.ipynb headless on the
 * project-local tslab kernel with the tiny generated test models (LATELAB_MODELS=test unless set),
 * prints the failing cell's diagnostic from the executed notebook, writes
 * test-results/notebooks.json ({"passed","failed","skipped"}) and exits 1 on any failure.
 * Executed copies go to .cache/notebooks/ (git-ignored).
 *
 * Needs Debian's Jupyter: apt-get install -y jupyter-nbconvert python3-ipykernel jupyter-client.
 * Execution uses nbclient through /usr/bin/python3 (so a partly executed notebook is still written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KERNEL = 'latelab-tslab';
const JUPYTER_PATH = join(ROOT, '.jupyter-local');
const OUT_DIR = join(ROOT, '.cache', 'notebooks');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const CELL_TIMEOUT_S = Number(process.env.LATELAB_NOTEBOOK_CELL_TIMEOUT ?? 180);

const EXECUTE_PY = `
import sys, nbformat
from nbclient import NotebookClient
src, out, kernel, timeout, cwd = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, resources={'metadata': {'path': cwd}})
status = 0
try:
    client.execute()
except Exception as e:
    status = 1
    print('nbclient: %s: %s' % (type(e).__name__, str(e).splitlines()[0] if str(e) else ''), file=sys.stderr)
nbformat.write(nb, out)
sys.exit(status)
`;

export interface Output {
	output_type: string;
	name?: string;
	text?: string | string[];
	ename?: string;
	evalue?: string;
	traceback?: string[];
}
export interface Cell {
	id: string;
	cell_type: string;
	source: string | string[];
	outputs?: Output[];
	execution_count?: number | null;
}

const join1 = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));
// Tracebacks carry ANSI colours.
const plain = (t: string) => t.replace(/\u001b\[[0-9;]*m/g, '');

function ensureKernel(): void {
	const spec = join(JUPYTER_PATH, 'kernels', KERNEL, 'kernel.json');
	if (existsSync(spec) && readFileSync(spec, 'utf8').includes(join(ROOT, 'scripts', 'notebooks-kernel.sh'))) return;
	const setup = spawnSync('bash', [join(ROOT, 'scripts', 'notebooks-setup.sh')], { stdio: 'inherit' });
	if (setup.status !== 0) throw new Error('notebooks:setup failed');
}

function ensureTestModels(): void {
	if ((process.env.LATELAB_MODELS ?? 'test') !== 'test') return;
	const generator = join(ROOT, 'tests', 'fixtures', 'generate.ts');
	if (!existsSync(generator)) throw new Error('tests/fixtures/generate.ts is missing: cannot make the test models');
	// Idempotent and quick: rewrites only files whose fingerprint changed.
	const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), generator], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	if (run.status !== 0) throw new Error('generating the test models failed (npx tsx tests/fixtures/generate.ts)');
}

/**
 * The failing cell of an executed notebook, as readable text; null when every cell ran cleanly.
 * A thrown error leaves an `error` output; a type error only stderr text on the cell that stopped the
 * run, which is the last executed cell when a later one never ran.
 */
export function failureReport(cells: Cell[], runFailed: boolean): string | null {
	const code = cells.filter((c) => c.cell_type === 'code');
	let index = code.findIndex((c) => c.outputs?.some((o) => o.output_type === 'error' || (o.name === 'stderr' && /unexpected error/.test(join1(o.text)))));
	if (index < 0) {
		const firstNotRun = code.findIndex((c) => c.execution_count == null);
		if (firstNotRun < 0 && !runFailed) return null;
		index = firstNotRun < 0 ? code.length - 1 : Math.max(0, firstNotRun - 1);
		if (firstNotRun === 0) index = 0;
	}
	const cell = code[index];
	const error = cell.outputs?.find((o) => o.output_type === 'error');
	const stderr = (cell.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => join1(o.text)).join('');
	const source = join1(cell.source).split('\n');
	const lines = [
		`  code cell ${index} (id ${cell.id})${cell.execution_count == null ? ' did not run (the kernel died or did not start)' : ' failed'}:`,
		...source.slice(0, 12).map((l) => `    | ${l}`),
		...(source.length > 12 ? [`    | ... (${source.length - 12} more lines)`] : [])
	];
	if (error) lines.push(`  ${error.ename}: ${error.evalue}`, ...plain((error.traceback ?? []).join('\n')).split('\n').slice(0, 20).map((l) => `    ${l}`));
	if (stderr) lines.push('  stderr (tslab prints type errors as line:column - message, lines counted within the cell):', ...plain(stderr).split('\n').slice(0, 30).map((l) => `    ${l}`));
	return lines.join('\n');
}

function main(): number {
	const filters = process.argv.slice(2);
	const dir = join(ROOT, 'notebooks');
	const notebooks = readdirSync(dir)
		.filter((n) => n.endsWith('.ipynb'))
		.filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
		.sort();
	mkdirSync(join(ROOT, 'test-results'), { recursive: true });
	const result = { passed: 0, failed: 0, skipped: 0 };
	const write = () => writeFileSync(join(ROOT, 'test-results', 'notebooks.json'), JSON.stringify(result) + '\n');
	const jupyterOk = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat'], { stdio: 'ignore' }).status === 0;
	if (!jupyterOk) {
		result.failed = notebooks.length || 1;
		write();
		console.error(`notebooks: ${PYTHON} cannot import nbclient; install Debian's Jupyter: apt-get install -y jupyter-nbconvert python3-ipykernel jupyter-client`);
		return 1;
	}
	ensureKernel();
	ensureTestModels();
	mkdirSync(OUT_DIR, { recursive: true });
	const env = { ...process.env, JUPYTER_PATH, LATELAB_MODELS: process.env.LATELAB_MODELS ?? 'test', PYDEVD_DISABLE_FILE_VALIDATION: '1' };
	for (const name of notebooks) {
		const t0 = Date.now();
		const out = join(OUT_DIR, name);
		const run = spawnSync(PYTHON, ['-Xfrozen_modules=off', '-c', EXECUTE_PY, join(dir, name), out, KERNEL, String(CELL_TIMEOUT_S), ROOT], { cwd: ROOT, env, encoding: 'utf8' });
		const seconds = ((Date.now() - t0) / 1000).toFixed(1);
		let report: string | null = null;
		if (existsSync(out)) report = failureReport((JSON.parse(readFileSync(out, 'utf8')) as { cells: Cell[] }).cells, run.status !== 0);
		if (run.status === 0 && !report) {
			result.passed++;
			console.log(`  ✓ ${name} (${seconds} s)`);
		} else {
			result.failed++;
			console.log(`  ✗ ${name} (${seconds} s)`);
			console.log(report ?? `  ${(run.stderr || 'no executed notebook was written').trim().split('\n').slice(-15).join('\n  ')}`);
		}
	}
	write();
	console.log(`notebooks: ${result.passed} passed, ${result.failed} failed (executed copies in .cache/notebooks/)`);
	return result.failed > 0 || notebooks.length === 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
