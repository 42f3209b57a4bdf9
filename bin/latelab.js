#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it on load so `npx latelab` needs no build step.
import { register } from 'tsx/esm/api';

// `latelab ... | head` closes the pipe early: that is the reader's choice, not an error worth a stack.
for (const stream of [process.stdout, process.stderr]) {
	stream.on('error', (error) => {
		if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
		throw error;
	});
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
