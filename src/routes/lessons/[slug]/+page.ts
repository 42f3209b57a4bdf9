import { error } from '@sveltejs/kit';
import { LESSONS } from '$lib/lessons/generated/index';
import type { EntryGenerator, PageLoad } from './$types';

// Prerender one shell per lesson; the lesson's cells run client-side.
export const entries: EntryGenerator = () => LESSONS.map((l) => ({ slug: l.slug }));

export const load: PageLoad = ({ params }) => {
	const summary = LESSONS.find((l) => l.slug === params.slug);
	if (!summary) error(404, `No lesson "${params.slug}"`);
	return { summary };
};
