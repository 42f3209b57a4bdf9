// Loaded by notebooks-kernel.sh before tslab (node --import). tslab's TypeScript watch program keeps
// real file and directory watchers on every imported source; when any of them fires between two cells
// (someone saves a file, npm touches node_modules) the next cell fails with "Unexpected pending
// rebuildTimer". tslab compiles each imported file once per kernel anyway (Node caches the module), so
// the watchers buy nothing: replace them with no-ops.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ts = require('@tslab/typescript-for-tslab');
const noWatch = () => ({ close() {} });
ts.sys.watchFile = noWatch;
ts.sys.watchDirectory = noWatch;
