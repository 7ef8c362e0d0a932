import { AppHeader } from '../../components/AppHeader';
import { LivePipeline } from '../../components/pipeline/LivePipeline';

export default function PipelinePage() {
  return (
    <main className="flex h-screen flex-col">
      <AppHeader />
      <LivePipeline />
    </main>
  );
}
