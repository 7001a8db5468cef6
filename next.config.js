/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-sent events must not be buffered by compression.
  compress: false,
  poweredByHeader: false,
  // dockerode pulls optional native modules (ssh2, cpu-features) that must not be bundled; the offline page's
  // builder (server/share/offline-assets.ts) runs esbuild and Tailwind, native too.
  serverExternalPackages: ['dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'esbuild', 'postcss', '@tailwindcss/postcss', 'tailwindcss', 'lightningcss'],
};

export default nextConfig;
