/**
 * `npm run bench` entry for the MaxSim benchmark in headless Chromium (bench/browser/maxsim.ts);
 * flags pass through (`npm run bench -- maxsim-browser --json`).
 */
import { main } from './browser/maxsim';

await main(process.argv.slice(2));
