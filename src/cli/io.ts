/**
 * Where the CLI writes. `main` takes this as a parameter so tests can run commands in-process and
 * read what they printed; `bin/latelab.js` passes the real process streams.
 */
export interface OutStream {
	write(text: string): unknown;
	/** True when a terminal is attached (progress bars redraw in place only then). */
	isTTY?: boolean;
	/** Terminal width, when known. */
	columns?: number;
}

export interface CliIo {
	stdout: OutStream;
	stderr: OutStream;
	env: Record<string, string | undefined>;
	/** Folder relative paths resolve against. */
	cwd: string;
}

/** The real process streams and environment. */
export function processIo(): CliIo {
	return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
