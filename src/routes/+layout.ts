// Static site: pages are prerendered shells, all retrieval work runs client-side.
export const prerender = true;
export const ssr = false;
