/** An in-memory stand-in for the OPFS root, for Node tests of `multivector-opfs.ts` (Node has no OPFS). */
import type { OpfsAccessHandle, OpfsDirectory } from '../../../src/lib/engine/corpus/multivector-opfs';

/** An OPFS root in memory: files grow on write, a sync access handle locks its file (as in Chromium). */
export class FakeDirectory implements OpfsDirectory {
	readonly files = new Map<string, { bytes: Uint8Array; locked: boolean }>();

	async getFileHandle(name: string, options?: { create?: boolean }) {
		if (!this.files.has(name)) {
			if (!options?.create) throw new DOMException(`${name} not found`, 'NotFoundError');
			this.files.set(name, { bytes: new Uint8Array(0), locked: false });
		}
		const file = this.files.get(name)!;
		return {
			createSyncAccessHandle: async (): Promise<OpfsAccessHandle> => {
				if (file.locked) throw new DOMException(`${name} is locked`, 'NoModificationAllowedError');
				file.locked = true;
				return {
					read: (buffer, { at }) => {
						const got = file.bytes.subarray(at, at + buffer.byteLength);
						buffer.set(got);
						return got.byteLength;
					},
					write: (buffer, { at }) => {
						if (at + buffer.byteLength > file.bytes.byteLength) {
							const grown = new Uint8Array(at + buffer.byteLength);
							grown.set(file.bytes);
							file.bytes = grown;
						}
						file.bytes.set(buffer, at);
						return buffer.byteLength;
					},
					close: () => void (file.locked = false)
				};
			}
		};
	}

	async removeEntry(name: string) {
		const file = this.files.get(name);
		if (!file) throw new DOMException(`${name} not found`, 'NotFoundError');
		if (file.locked) throw new DOMException(`${name} is locked`, 'NoModificationAllowedError');
		this.files.delete(name);
	}

	async *keys() {
		yield* [...this.files.keys()];
	}
}
