/** What a failed panel or page shows: that it failed, why, and a way to try again. */
export function FailureNotice({ title, error, onRetry, testId, className = '' }: { title: string; error: unknown; onRetry: () => void; testId: string; className?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className={`flex flex-col items-start gap-2 ${className}`} data-testid={testId}>
      <p className="font-semibold text-red-300">{title}</p>
      <p className="font-mono text-xs text-muted">{message.slice(0, 300)}</p>
      <button type="button" onClick={onRetry} className="rounded border border-edge px-2 py-1 hover:bg-edge/40">
        Try again
      </button>
    </div>
  );
}
