/**
 * Next calls register() once when the server starts. Starting the hub's first collection here overlaps it with
 * Next's own start-up and the loading of the page's modules, instead of making the first visitor wait for both in
 * turn (the first picture of a fresh dashboard).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { serveMode } = await import('./server/serve/mode');
  if (serveMode().file) return; // `netatlas open FILE`: this host is never collected
  const { hub } = await import('./server/live/hub');
  hub()
    .latest()
    .catch(() => {}); // a failed first collection is retried (and reported) by the first request
}
