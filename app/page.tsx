import { AppHeader } from '../components/AppHeader';
import { LiveDriverMap } from '../components/map/LiveDriverMap';

export default function OverviewPage() {
  return (
    <main className="flex h-screen flex-col">
      <AppHeader />
      <section className="relative flex-1" aria-label="Live driver map">
        <LiveDriverMap />
      </section>
    </main>
  );
}
