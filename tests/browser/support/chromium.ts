/**
 * How Debian's Chromium must be started here (see ../shared/docs/ENVIRONMENT.md): Playwright cannot
 * download its own browser offline, and without the background-networking flags Chromium keeps
 * dialling hosts this machine cannot reach. `--enable-unsafe-webgpu` gives a software WebGPU adapter.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
	'--enable-unsafe-webgpu'
];
