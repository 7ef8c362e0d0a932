import type { Metadata } from 'next';
import { AppHeader } from '../../components/AppHeader';
import { FlinkJobs } from '../../components/lag/FlinkJobs';
import { LagFreshness } from '../../components/lag/LagFreshness';
import { LagTable } from '../../components/lag/LagTable';

export const metadata: Metadata = { title: 'Consumer lag · Streamwatch' };

export default function LagPage() {
  return (
    <main className="flex min-h-screen flex-col">
      <AppHeader />
      <FlinkJobs />
      <section className="flex-1 overflow-auto" aria-label="Consumer lag">
        <div className="flex justify-end px-4 text-sm">
          <LagFreshness />
        </div>
        <LagTable />
      </section>
    </main>
  );
}
