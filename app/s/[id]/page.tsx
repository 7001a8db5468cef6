import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { FixedSnapshot } from '@/components/share/FixedSnapshot';
import { shareLinks } from '@/server/share/links-store';

// A share link: the frozen snapshot it was made with, read-only. `netatlas serve` has already checked that the link
// is live (a dead one never gets here) and that the request may read it; this checks again, in case it died since.
export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'netatlas · shared snapshot', robots: { index: false, follow: false } };

export default async function SharedSnapshotPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const links = shareLinks();
  if (!links.ok) throw new Error(links.reason);
  const got = links.store.open(id);
  if (got.state !== 'live') notFound();
  const { snapshot, ...header } = got.envelope;
  return (
    <Suspense>
      <FixedSnapshot file={{ name: `of ${header.host.name}`, kind: 'shared link', snapshot, header }} offlineAssets={false} />
    </Suspense>
  );
}
