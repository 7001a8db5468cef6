import { offlineAssets } from '@/server/share/offline-assets';

// The offline page's app, for the browser to write an .html export around the snapshot it shows.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET() {
  return Response.json(await offlineAssets(), { headers: { 'Cache-Control': 'no-store' } });
}
