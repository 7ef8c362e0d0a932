import { AppHeader } from '../../components/AppHeader';
import { FraudTriage } from '../../components/fraud/FraudTriage';

export default function FraudPage() {
  return (
    <main className="flex h-screen flex-col">
      <AppHeader />
      <FraudTriage />
    </main>
  );
}
