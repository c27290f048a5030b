/** The names of zod's exports the given files read, or undefined when one of them needs all of zod. */
export function zodNames(files: Iterable<string>): Set<string> | undefined;
