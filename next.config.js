/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-sent events must not be buffered by compression.
  compress: false,
  poweredByHeader: false,
  // Native modules and tools that must not be bundled: dockerode's optional ssh2/cpu-features, the history store
  // (better-sqlite3), and the offline page's builder (server/share/offline-assets.ts: esbuild and Tailwind).
  serverExternalPackages: ['dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'better-sqlite3', 'esbuild', 'postcss', '@tailwindcss/postcss', 'tailwindcss', 'lightningcss'],
};

export default nextConfig;
