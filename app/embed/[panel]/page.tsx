import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { LiveEmbed } from '../../../components/embed/LiveEmbed';
import { isEmbedPanel } from '../../../lib/embed-panels';

export const metadata: Metadata = { title: 'Streamwatch panel' };

export default async function EmbedPage({ params }: { params: Promise<{ panel: string }> }) {
  const { panel } = await params;
  if (!isEmbedPanel(panel)) notFound();
  return <LiveEmbed panel={panel} />;
}
