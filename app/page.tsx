import { PageShell } from '../components/PageShell';
import { LiveOverview } from '../components/overview/LiveOverview';

export default function OverviewPage() {
  return (
    <PageShell>
      <LiveOverview />
    </PageShell>
  );
}
