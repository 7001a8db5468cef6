import { Suspense } from 'react';
import { CompareView } from '@/components/compare/CompareView';
import { TrpcProviders } from '@/components/live/trpc';

// Compare mode: two snapshots named in the URL (`?a=…&b=…`, lib/snapshot/ref.ts), their union drawn and diffed.
export const dynamic = 'force-dynamic';

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : null);
  return (
    <TrpcProviders>
      <Suspense>
        <CompareView a={one(q.a)} b={one(q.b)} />
      </Suspense>
    </TrpcProviders>
  );
}
