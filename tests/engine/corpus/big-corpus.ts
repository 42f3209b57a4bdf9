import { createWriteStream } from 'node:fs';

/**
 * Writes a deterministic ASCII JSONL corpus of about `targetBytes` (documents of ~1 KB drawn from a
 * small vocabulary) and returns the number of documents. Used by the memory test and the load benchmark.
 */
export async function writeBigCorpus(path: string, targetBytes: number): Promise<number> {
	const out = createWriteStream(path);
	const words = 'retrieval late interaction token vector query document score ranking index model embedding colbert lexical dense sparse'.split(' ');
	let seed = 1;
	let bytes = 0;
	let docs = 0;
	while (bytes < targetBytes) {
		let text = '';
		while (text.length < 1000) {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			text += `${words[seed % words.length]} `;
		}
		const line = `${JSON.stringify({ _id: `d${docs}`, title: `Document ${docs}`, text })}\n`;
		bytes += line.length;
		docs++;
		if (!out.write(line)) await new Promise<void>((done) => out.once('drain', done));
	}
	out.end();
	await new Promise<void>((done) => out.on('finish', done));
	return docs;
}
