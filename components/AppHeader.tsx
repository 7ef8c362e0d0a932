import Link from 'next/link';
import { StatusBar } from './StatusBar';

const pages = [
  ['/', 'Overview'],
  ['/fraud', 'Fraud'],
  ['/lag', 'Lag'],
  ['/pipeline', 'Pipeline'],
  ['/wall', 'Wall'],
] as const;

export function AppHeader() {
  return (
    <header className="flex items-center justify-between border-b border-edge bg-panel px-4 py-2">
      <div className="flex items-center gap-6">
        <h1 className="text-lg font-semibold tracking-tight">Streamwatch</h1>
        <nav aria-label="Pages" className="flex gap-4 text-sm">
          {pages.map(([href, label]) => (
            <Link key={href} href={href} className="text-muted hover:text-ink">
              {label}
            </Link>
          ))}
        </nav>
      </div>
      <StatusBar />
    </header>
  );
}
