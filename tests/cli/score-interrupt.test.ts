import { describe, expect, it } from 'vitest';
import { withInterrupt } from '../../src/cli/interrupt';

describe('withInterrupt', () => {
	it('withInterrupt(stderr, work) aborts the signal on SIGINT, says so, and removes its listener afterwards', async () => {
		let said = '';
		const before = process.listenerCount('SIGINT');
		const result = withInterrupt({ write: (s: string) => (said += s) }, (signal) =>
			new Promise<string>((resolve) => {
				signal.addEventListener('abort', () => resolve('stopped'));
				// What Ctrl-C delivers; the listener turns it into an abort instead of killing the process.
				setTimeout(() => process.emit('SIGINT'), 5);
			})
		);
		expect(await result).toBe('stopped');
		expect(said).toMatch(/interrupted: stopping after the current batch/);
		expect(process.listenerCount('SIGINT')).toBe(before);
	});
});
