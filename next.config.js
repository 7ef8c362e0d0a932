/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  devIndicators: false,
  poweredByHeader: false,
  // A second dev server in the same checkout (a browser test's own gateway) needs its own build folder.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // The gateway (server/) and the pipeline are not part of the Next build.
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default nextConfig;
