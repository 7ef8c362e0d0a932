import type { Metadata } from 'next';
import { AdminView } from '../../components/admin/AdminView';
import { PageShell } from '../../components/PageShell';

export const metadata: Metadata = { title: 'Admin · Streamwatch' };

/** Tokens and audit trail; the gateway lets only admins load it and streams the trail only to them. */
export default function AdminPage() {
  return (
    <PageShell>
      <AdminView />
    </PageShell>
  );
}
