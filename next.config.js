/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  devIndicators: false,
  poweredByHeader: false,
  // The gateway (server/) and the pipeline are not part of the Next build.
  typescript: { tsconfigPath: 'tsconfig.json' },
};

export default nextConfig;
