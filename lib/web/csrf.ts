/** Where the page carries the per-process CSRF secret (a meta tag) and how the client sends it back. */
export const CSRF_HEADER = 'x-netatlas-csrf';
export const CSRF_META = 'netatlas-csrf';
