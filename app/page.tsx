import { AppHeader } from '../components/AppHeader';
import { LiveOverview } from '../components/overview/LiveOverview';

export default function OverviewPage() {
  return (
    <main className="flex h-screen flex-col">
      <AppHeader />
      <LiveOverview />
    </main>
  );
}
