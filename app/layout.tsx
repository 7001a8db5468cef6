import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { THEME_INIT_SCRIPT } from '@/components/dashboard/theme';
import { csrfSecret, CSRF_META } from '@/server/serve/csrf';
import { NONCE_HEADER } from '@/server/serve/headers';
import { SCOPE_HEADER } from '@/server/serve/scope';
import './globals.css';

export const metadata: Metadata = {
  title: 'netatlas',
  description: "A live, explained picture of this Docker host's network",
  icons: { icon: { url: '/favicon.svg', type: 'image/svg+xml' } },
};

// Every page renders per request: the CSP nonce (set by `netatlas serve`) changes each time.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const h = await headers();
  const nonce = h.get(NONCE_HEADER) ?? undefined;
  // Someone holding only a share link can write nothing, so their page does not get the write secret.
  const canWrite = h.get(SCOPE_HEADER) !== 'share';
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {canWrite && <meta name={CSRF_META} content={csrfSecret()} />}
        {/* A constant (no user data): applies the remembered theme before first paint. */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body className="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">{children}</body>
    </html>
  );
}
