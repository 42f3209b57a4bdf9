/**
 * Browser side of the kernel tests: bundled by support/page-server.ts and driven by webgpu.spec.ts
 * through `globalThis.kernelHarness`. Case data is expanded here from the case files' text, so only
 * verdicts cross the DevTools protocol.
 */
import { parseMaxSimCases, type MaxSimCases } from '../../../../kernels/cases/maxsim-cases';
import { createMaxSimScorer, type MaxSimScorerOptions } from '../../../../src/lib/engine/maxsim/select';
import { createWebGpuScorer, isWebGpuAvailable, type WebGpuScorerOptions } from '../../../../src/lib/engine/maxsim/webgpu';
import { fallbackAfterDeviceLoss, selectAndScore } from './select-probes';
import { checkCase, type CaseVerdict } from './verdict';
import { webgpuDeviceLoss, webgpuErrors, webgpuTwoD } from './webgpu-probes';

/** Which scorer a case runs on: the WebGPU backend directly, or whatever `createMaxSimScorer` returns. */
export type BackendSpec = { kind: 'webgpu'; options?: WebGpuScorerOptions } | { kind: 'select'; options: Omit<MaxSimScorerOptions, 'dim'> };

const sets: Record<string, MaxSimCases> = {};

const harness = {
	/** Parses case files (text of `.jsonc`) under names; returns each set's case names. */
	loadCases(texts: Record<string, string>): Record<string, string[]> {
		const names: Record<string, string[]> = {};
		for (const [key, text] of Object.entries(texts)) {
			sets[key] = parseMaxSimCases(text);
			names[key] = sets[key].cases.map((c) => c.name);
		}
		return names;
	},
	async webgpuStatus(): Promise<{ available: boolean; crossOriginIsolated: boolean; adapter?: unknown; subgroups?: boolean; timestamps?: boolean }> {
		const available = await isWebGpuAvailable();
		if (!available) return { available, crossOriginIsolated };
		const scorer = await createWebGpuScorer(4);
		const status = { available, crossOriginIsolated, adapter: scorer.adapter, subgroups: scorer.subgroups, timestamps: scorer.timestamps };
		await scorer.dispose();
		return status;
	},
	async runCase(set: string, index: number, backend: BackendSpec): Promise<CaseVerdict> {
		const { cases, relativeTolerance } = sets[set];
		const c = cases[index];
		const scorer =
			backend.kind === 'webgpu'
				? await createWebGpuScorer(c.dim, backend.options)
				: (await createMaxSimScorer({ ...backend.options, dim: c.dim })).scorer;
		try {
			return await checkCase(scorer, c, relativeTolerance);
		} finally {
			await scorer.dispose();
		}
	},
	webgpuTwoD,
	webgpuErrors,
	webgpuDeviceLoss,
	selectAndScore,
	fallbackAfterDeviceLoss
};

export type KernelHarness = typeof harness;
(globalThis as unknown as { kernelHarness: KernelHarness }).kernelHarness = harness;
