import type { Metadata } from 'next';
import { PageShell } from '../../components/PageShell';
import { LivePipeline } from '../../components/pipeline/LivePipeline';

export const metadata: Metadata = { title: 'Pipeline · Streamwatch' };

export default function PipelinePage() {
  return (
    <PageShell>
      <LivePipeline />
    </PageShell>
  );
}
