import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

// Every page is rendered per request: its scripts carry that answer's CSP nonce (server/auth/page-gate.ts).
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'Streamwatch',
  description: 'Live operations dashboard: drivers, surge, fraud and pipeline health',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="antialiased">{children}</body>
    </html>
  );
}
