/**
 * The WebAssembly memory the MaxSim kernels read: documents stay resident in a growing arena at the
 * bottom; per call, a scratch area after it holds the doc table, the query and the scores.
 */
import { createError } from '../errors';

const PAGE = 65536;
/** wasm32 limit, and the maximum the shared kernel build declares. */
const MAX_PAGES = 65536;

/** Rounds up to a multiple of 16 bytes (v128 alignment). */
export function align16(bytes: number): number {
	return Math.ceil(bytes / 16) * 16;
}

/**
 * A WebAssembly.Memory that grows on demand; shared (for worker threads) or not.
 * @example const m = new KernelMemory(false); m.ensure(1 << 20); m.bytes().length >= 1 << 20 // true
 */
export class KernelMemory {
	readonly memory: WebAssembly.Memory;
	readonly shared: boolean;

	constructor(shared: boolean) {
		this.shared = shared;
		if (!shared) {
			this.memory = new WebAssembly.Memory({ initial: 16 });
			return;
		}
		// Shared memories need a maximum; a browser may refuse to reserve 4 GiB, so retry smaller.
		let memory: WebAssembly.Memory | undefined;
		let lastError: unknown;
		for (const maximum of [MAX_PAGES, MAX_PAGES / 4, MAX_PAGES / 16]) {
			try {
				memory = new WebAssembly.Memory({ initial: 16, maximum, shared: true });
				break;
			} catch (error) {
				lastError = error;
			}
		}
		if (!memory) throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `no shared memory: ${String(lastError)}` });
		this.memory = memory;
	}

	/** Current size in bytes. */
	get byteLength(): number {
		return this.memory.buffer.byteLength;
	}

	/** Grows (by at least half the current size, to amortise) until `bytes` fit. */
	ensure(bytes: number): void {
		const have = this.byteLength;
		if (bytes <= have) return;
		const needPages = Math.ceil((bytes - have) / PAGE);
		const pages = Math.max(needPages, Math.min(have / PAGE / 2, MAX_PAGES - have / PAGE));
		try {
			this.memory.grow(pages);
		} catch (error) {
			try {
				this.memory.grow(needPages);
			} catch {
				throw createError('BACKEND_UNAVAILABLE', {
					backend: 'wasm',
					detail: `cannot grow WebAssembly memory to ${bytes} bytes (${String(error)}); use fewer documents or the webgpu/js backend`
				});
			}
		}
	}

	/**
	 * Grows to exactly `bytes` (whole pages) when that is more than the current size: for a total known
	 * up front, where `ensure`'s amortising growth would leave up to a third of the memory unused.
	 * @example const m = new KernelMemory(false); m.reserve(3 * 65536 + 1); m.byteLength // 4 * 65536 (when it started smaller)
	 */
	reserve(bytes: number): void {
		const have = this.byteLength;
		if (bytes <= have) return;
		try {
			this.memory.grow(Math.ceil((bytes - have) / PAGE));
		} catch (error) {
			throw createError('BACKEND_UNAVAILABLE', { backend: 'wasm', detail: `cannot grow WebAssembly memory to ${bytes} bytes (${String(error)}); use fewer documents or the webgpu/js backend` });
		}
	}

	/** Byte view of the whole memory (re-made after growth). */
	bytes(): Uint8Array {
		return new Uint8Array(this.memory.buffer);
	}

	/** Float32 view of `count` values at byte offset `at` (16-byte aligned). */
	f32(at: number, count: number): Float32Array {
		return new Float32Array(this.memory.buffer, at, count);
	}

	/** Int16 view of `count` values at byte offset `at`. */
	i16(at: number, count: number): Int16Array {
		return new Int16Array(this.memory.buffer, at, count);
	}
}
