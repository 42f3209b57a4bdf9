/**
 * Corpus loading, browser-safe part: parsers over byte chunks, BEIR from named sources or Blobs,
 * user documents, fingerprints. Node file access and the BEIR download live in `node-files.ts`.
 */
export { type ByteSource, type LoadProgress, blobSource, bytesSource, stringSource, withByteCount } from './sources';
export { type Line, type ReadLinesOptions, firstInvalidUtf8, readLines } from './lines';
export { type DocsResult, type JsonlDocsOptions, readJsonlDocs, readJsonlQueries } from './jsonl-docs';
export { type QrelsResult, crossCheckQrels, readQrels } from './qrels';
export { type BeirSources, type NamedSource, loadBeirSources } from './beir';
export { type TextDocsOptions, type TextMode, detectTextMode, readTextDocs } from './text-docs';
export { type CsvColumns, type CsvDocsOptions, endsInsideQuotes, readCsvDocs } from './csv-docs';
export { type DocFormat, type UserDocsOptions, corpusName, formatFromName, loadPastedText, loadUserDocs } from './user-docs';
export { type BlobBeirOptions, type NamedBlob, loadBeirFromBlobs, namedBlobsFromZip } from './blobs';
export { zipEntries, zipPaths } from './zip-entries';
export { corpusFingerprint } from './fingerprint';
export { type DuplicateIdPolicy, checkDocs, IdRegistry, parseJsonObject, readId, readString } from './validate';
