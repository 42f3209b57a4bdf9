/// <reference types="@webgpu/types" />
/**
 * WebGPU adapter and device acquisition for the MaxSim kernel: which `GPU` object to use, which
 * optional features to turn on (`subgroups` for the reduction, `timestamp-query` for kernel timing)
 * and the storage limits the resident document buffer needs.
 */
import { createError } from '../errors';

/** How to obtain the device. Every field is optional; defaults suit a browser page or worker. */
export interface WebGpuDeviceOptions {
	/**
	 * The `GPU` entry point; defaults to `navigator.gpu`. In Node, npm `webgpu` (dawn) offers one via
	 * `create([])`, after `Object.assign(globalThis, globals)` for `GPUBufferUsage` and `GPUMapMode`
	 * (unreliable for this kernel there, see ../shared/docs/ENVIRONMENT.md).
	 */
	gpu?: GPU;
	powerPreference?: GPUPowerPreference;
	/** Use `subgroupMax` in the reduction when the adapter has `subgroups` (default true). */
	useSubgroups?: boolean;
	/** Measure kernel time with `timestamp-query` when the adapter has it (default true). */
	useTimestamps?: boolean;
}

/** What the adapter is, for display ("webgpu: google swiftshader (fallback adapter)"). */
export interface WebGpuAdapterSummary {
	vendor: string;
	architecture: string;
	description: string;
	/** True for software adapters such as SwiftShader: timings say nothing about GPUs. */
	isFallbackAdapter: boolean;
}

/** A device with the features this kernel uses, and what the adapter offered. */
export interface AcquiredDevice {
	device: GPUDevice;
	adapter: WebGpuAdapterSummary;
	subgroups: boolean;
	timestamps: boolean;
}

/** `navigator.gpu` where it exists (browsers, workers, Deno), else undefined. Never throws. */
export function defaultGpu(): GPU | undefined {
	const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
	return nav?.gpu ?? undefined;
}

/**
 * Requests an adapter and a device whose storage limits are raised to the adapter's maxima (the
 * defaults, 128 MiB per binding, are below workload B's 492 MB of documents).
 * Throws `BACKEND_UNAVAILABLE` with the reason when there is no WebGPU or no adapter.
 * @example
 * const { device, subgroups } = await acquireDevice(); // in Chromium with --enable-unsafe-webgpu
 */
export async function acquireDevice(options: WebGpuDeviceOptions = {}): Promise<AcquiredDevice> {
	const gpu = options.gpu ?? defaultGpu();
	if (!gpu) {
		throw createError('BACKEND_UNAVAILABLE', {
			backend: 'webgpu',
			detail: 'this runtime has no navigator.gpu (a browser without WebGPU, or Node without a GPU binding)'
		});
	}
	let adapter: GPUAdapter | null = null;
	try {
		adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
	} catch (cause) {
		throw createError('BACKEND_UNAVAILABLE', { backend: 'webgpu', detail: `requestAdapter failed: ${String(cause)}` }, {}, cause);
	}
	if (!adapter) {
		throw createError('BACKEND_UNAVAILABLE', { backend: 'webgpu', detail: 'no WebGPU adapter (no GPU, or WebGPU disabled)' });
	}
	const subgroups = options.useSubgroups !== false && adapter.features.has('subgroups');
	const timestamps = options.useTimestamps !== false && adapter.features.has('timestamp-query');
	const requiredFeatures: GPUFeatureName[] = [];
	if (subgroups) requiredFeatures.push('subgroups');
	if (timestamps) requiredFeatures.push('timestamp-query');
	let device: GPUDevice;
	try {
		device = await adapter.requestDevice({
			requiredFeatures,
			requiredLimits: {
				maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
				maxBufferSize: adapter.limits.maxBufferSize
			}
		});
	} catch (cause) {
		throw createError('BACKEND_UNAVAILABLE', { backend: 'webgpu', detail: `requestDevice failed: ${String(cause)}` }, {}, cause);
	}
	return { device, adapter: summarizeAdapter(adapter), subgroups, timestamps };
}

/**
 * True when a WebGPU adapter can be obtained here. Never throws.
 * @example await isWebGpuAvailable() // false in plain Node, true in Chromium with --enable-unsafe-webgpu
 */
export async function isWebGpuAvailable(gpu: GPU | undefined = defaultGpu()): Promise<boolean> {
	if (!gpu) return false;
	try {
		return (await gpu.requestAdapter()) !== null;
	} catch {
		return false;
	}
}

function summarizeAdapter(adapter: GPUAdapter): WebGpuAdapterSummary {
	// `adapter.info` is current; older runtimes only had the deprecated `isFallbackAdapter` flag.
	const info = (adapter as { info?: GPUAdapterInfo }).info;
	const legacyFallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
	return {
		vendor: info?.vendor ?? '',
		architecture: info?.architecture ?? '',
		description: info?.description ?? '',
		isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? legacyFallback)
	};
}
