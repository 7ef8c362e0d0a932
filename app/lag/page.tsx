import type { Metadata } from 'next';
import { AppHeader } from '../../components/AppHeader';
import { FlinkJobs } from '../../components/lag/FlinkJobs';
import { LagTable } from '../../components/lag/LagTable';

export const metadata: Metadata = { title: 'Consumer lag · Streamwatch' };

export default function LagPage() {
  return (
    <main className="flex min-h-screen flex-col">
      <AppHeader />
      <FlinkJobs />
      <section className="flex-1 overflow-auto" aria-label="Consumer lag">
        <LagTable />
      </section>
    </main>
  );
}
