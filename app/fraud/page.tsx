import type { Metadata } from 'next';
import { PageShell } from '../../components/PageShell';
import { FraudTriage } from '../../components/fraud/FraudTriage';

export const metadata: Metadata = { title: 'Fraud triage · Streamwatch' };

export default function FraudPage() {
  return (
    <PageShell>
      <FraudTriage />
    </PageShell>
  );
}
