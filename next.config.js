/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-sent events must not be buffered by compression.
  compress: false,
  poweredByHeader: false,
  // dockerode pulls optional native modules (ssh2, cpu-features) and the history store is one (better-sqlite3):
  // native modules must not be bundled.
  serverExternalPackages: ['dockerode', 'docker-modem', 'ssh2', 'cpu-features', 'better-sqlite3'],
};

export default nextConfig;
