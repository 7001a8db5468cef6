/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-sent events must not be buffered by compression.
  compress: false,
  poweredByHeader: false,
  // dockerode pulls optional native modules (ssh2, cpu-features) that must not be bundled.
  serverExternalPackages: ['dockerode', 'docker-modem', 'ssh2', 'cpu-features'],
};

export default nextConfig;
