/**
 * Node entry of the corpus module: load corpora from disk and download BEIR sets. Browser code
 * imports `./index` instead, which never pulls in `fs`, `http` or `path`.
 * @example
 * import { loadCorpusFromPath } from './src/lib/engine/corpus/node-files';
 * const corpus = await loadCorpusFromPath('../shared/data/cacm'); // 3,204 docs, 64 queries
 */
export { type LoadPathOptions, fileSource, loadCorpusFromPath, loadQrelsFile } from './node-load';
export { type FetchBeirOptions, type FetchBeirResult, type FetchProgress, fetchBeirDataset } from './node-fetch-beir';
