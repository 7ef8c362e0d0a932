import { LiveDriverMap } from '../components/map/LiveDriverMap';
import { StatusBar } from '../components/StatusBar';

export default function OverviewPage() {
  return (
    <main className="flex h-screen flex-col">
      <header className="flex items-center justify-between border-b border-edge bg-panel px-4 py-2">
        <h1 className="text-lg font-semibold tracking-tight">Streamwatch</h1>
        <StatusBar />
      </header>
      <section className="relative flex-1" aria-label="Live driver map">
        <LiveDriverMap />
      </section>
    </main>
  );
}
