import { createError } from '../../src/lib/engine/errors';
import { JsMaxSimScorer } from '../../src/lib/engine/maxsim/js';
import type { TokenMatrix } from '../../src/lib/engine/types';

/** A real JS scorer whose backend "dies" after `healthyCalls` scoring calls, as a lost GPU does. */
export class DyingScorer extends JsMaxSimScorer {
	constructor(dim: number, private healthyCalls: number) {
		super(dim);
	}
	override async score(q: TokenMatrix, subset?: ArrayLike<number>): Promise<Float32Array> {
		if (this.healthyCalls-- <= 0) throw createError('DEVICE_LOST', { detail: 'test device destroyed' });
		return super.score(q, subset);
	}
}
