/**
 * A `MaxSimScorer` over several scorers ("shards"), each holding a contiguous range of the documents:
 * a wasm32 memory ends at 4 GiB, so an fp32 collection larger than that (100k documents x 120 vectors
 * x 96 dims is 4.6 GB) goes into several WASM scorers, scored one after the other (each with its own
 * threads). Indices stay global; scores and top-k are the same as one scorer's.
 */
import type { TokenMatrix } from '../types';
import type { MaxSimBackendName, MaxSimScorer, ScoredIndex } from './maxsim';
import { createError } from '../errors';
import { checkK, checkMatrix, checkSubset } from './validate';

interface Shard {
	scorer: MaxSimScorer;
	/** Global index of its first document. */
	first: number;
	/** Bytes of documents it holds (by `bytesOf`). */
	bytes: number;
}

/**
 * Starts a new shard (`makeShard()`) when adding a document would take the current one past
 * `maxShardBytes` (`bytesOf(doc)` each); a document larger than that gets a shard of its own.
 * @example
 * const scorer = await ShardedScorer.create(() => WasmMaxSimScorer.create({ dim }), 2 ** 31, (d) => d.rows * dim * 4);
 */
export class ShardedScorer implements MaxSimScorer {
	private shards: Shard[] = [];
	private count = 0;
	readonly dim: number;
	/** The first shard's backend (kept after `dispose()` lets go of the shards). */
	readonly backend: MaxSimBackendName;
	private disposed = false;

	private constructor(
		first: MaxSimScorer,
		private readonly makeShard: () => Promise<MaxSimScorer>,
		private readonly maxShardBytes: number,
		private readonly bytesOf: (doc: { rows: number }) => number
	) {
		this.shards.push({ scorer: first, first: 0, bytes: 0 });
		this.dim = first.dim;
		this.backend = first.backend;
	}

	/** The first shard is made now, so a backend that cannot start fails here, as an unsharded one would. */
	static async create(makeShard: () => Promise<MaxSimScorer>, maxShardBytes: number, bytesOf: (doc: { rows: number }) => number): Promise<ShardedScorer> {
		return new ShardedScorer(await makeShard(), makeShard, maxShardBytes, bytesOf);
	}

	get threads(): number {
		return this.shards[0]?.scorer.threads ?? 1;
	}
	get size(): number {
		return this.count;
	}
	/** Bytes the shards' documents take in their memories, when every shard reports it (`residentBytes`). */
	get residentBytes(): number | undefined {
		let total = 0;
		for (const { scorer } of this.shards) {
			const bytes = (scorer as { residentBytes?: number }).residentBytes;
			if (bytes === undefined) return undefined;
			total += bytes;
		}
		return total;
	}

	/** Number of shards in use (for messages and tests). */
	get shardCount(): number {
		return this.shards.length;
	}

	async add(docs: TokenMatrix[]): Promise<void> {
		this.assertLive();
		// Dims here (a shard must not take a wrong one); each shard checks the values as it adds them.
		docs.forEach((doc, i) => {
			if (doc.dim !== this.dim) throw createError('DIM_MISMATCH', { expected: this.dim, actual: doc.dim, detail: ` (document ${this.count + i})` });
		});
		let batch: TokenMatrix[] = [];
		for (const doc of docs) {
			const bytes = this.bytesOf(doc);
			let shard = this.shards[this.shards.length - 1];
			if (shard.bytes > 0 && shard.bytes + bytes > this.maxShardBytes) {
				await shard.scorer.add(batch);
				batch = [];
				const scorer = await this.makeShard();
				if (this.disposed) {
					// dispose() ran while this shard was starting: it would be nobody's to dispose.
					await scorer.dispose();
					this.assertLive();
				}
				shard = { scorer, first: this.count, bytes: 0 };
				this.shards.push(shard);
			}
			batch.push(doc);
			shard.bytes += bytes;
			this.count++;
		}
		if (batch.length > 0) await this.shards[this.shards.length - 1].scorer.add(batch);
	}

	/** Passes the documents that fit in the current shard to its `reserve` (later shards grow as they fill). */
	async reserve(rows: readonly number[]): Promise<void> {
		this.assertLive();
		const shard = this.shards[this.shards.length - 1];
		let bytes = shard.bytes;
		let fit = 0;
		for (const r of rows) {
			const b = this.bytesOf({ rows: r });
			if (bytes > 0 && bytes + b > this.maxShardBytes) break;
			bytes += b;
			fit++;
		}
		await shard.scorer.reserve?.(fit === rows.length ? rows : rows.slice(0, fit));
	}

	async score(query: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		this.assertLive();
		checkMatrix(query, this.dim, 'query');
		if (subset) checkSubset(subset, this.count);
		if (this.shards.length === 1) return this.shards[0].scorer.score(query, subset);
		if (!subset) {
			const out = new Float32Array(this.count);
			for (const shard of this.shards) out.set(await shard.scorer.score(query), shard.first);
			return out;
		}
		const out = new Float32Array(subset.length);
		for (const { shard, positions, local } of this.split(subset)) {
			const scores = await shard.scorer.score(query, local);
			positions.forEach((p, i) => (out[p] = scores[i]));
		}
		return out;
	}

	async topK(query: TokenMatrix, k: number, subset?: ArrayLike<number>): Promise<ScoredIndex[]> {
		checkK(k);
		this.assertLive();
		checkMatrix(query, this.dim, 'query');
		if (subset) checkSubset(subset, this.count);
		if (this.shards.length === 1) return this.shards[0].scorer.topK(query, k, subset);
		// Each shard's own best k (its quantised screen included), then the best k of those.
		const hits: ScoredIndex[] = [];
		if (!subset) {
			for (const shard of this.shards) for (const hit of await shard.scorer.topK(query, k)) hits.push({ index: hit.index + shard.first, score: hit.score });
		} else {
			for (const { shard, local } of this.split(subset)) for (const hit of await shard.scorer.topK(query, k, local)) hits.push({ index: hit.index + shard.first, score: hit.score });
		}
		return hits.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
	}

	/** Disposes every shard and lets go of them: `shardCount`, `size` and `residentBytes` read 0 after it. */
	async dispose(): Promise<void> {
		this.disposed = true;
		const shards = this.shards;
		this.shards = [];
		this.count = 0;
		await Promise.all(shards.map((shard) => shard.scorer.dispose()));
	}

	private assertLive(): void {
		if (this.disposed) throw createError('BAD_ARGUMENT', { detail: 'sharded MaxSim scorer used after dispose()' });
	}

	/** `subset` grouped by shard: positions in `subset` and the shard's local indices, in subset order. */
	private split(subset: ArrayLike<number>): { shard: Shard; positions: number[]; local: number[] }[] {
		const groups = this.shards.map((shard) => ({ shard, positions: [] as number[], local: [] as number[] }));
		for (let p = 0; p < subset.length; p++) {
			let lo = 0;
			let hi = this.shards.length - 1;
			while (lo < hi) {
				const mid = (lo + hi + 1) >> 1;
				if (this.shards[mid].first <= subset[p]) lo = mid;
				else hi = mid - 1;
			}
			groups[lo].positions.push(p);
			groups[lo].local.push(subset[p] - this.shards[lo].first);
		}
		return groups.filter((g) => g.positions.length > 0);
	}
}
