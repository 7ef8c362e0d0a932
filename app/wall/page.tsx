import type { Metadata } from 'next';
import { LiveWall } from '../../components/wall/LiveWall';
import { rotationSeconds } from '../../lib/wall-options';

export const metadata: Metadata = { title: 'Streamwatch wall' };

export default async function WallPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { rotate } = await searchParams;
  return <LiveWall rotateSeconds={rotationSeconds(rotate)} />;
}
