/** Health of the Flink jobs as the gateway reads it from Flink's REST API. */
export interface PipelineStatus {
  /** Poll time (epoch ms). */
  readonly at: number;
  /** null when the gateway has no Flink REST URL or Flink did not answer. */
  readonly reachable: boolean;
  readonly error: string | null;
  readonly jobs: FlinkJobStatus[];
}

export interface FlinkJobStatus {
  readonly id: string;
  /** The SQL file's name (pipeline.name), e.g. drivers-positions. */
  readonly name: string;
  /** RUNNING, RESTARTING, FAILED, ... */
  readonly state: string;
  readonly startedAt: number;
  readonly tasksRunning: number;
  readonly tasksTotal: number;
  readonly checkpoints: {
    readonly completed: number;
    readonly failed: number;
    /** Completion time of the latest completed checkpoint (epoch ms), null before the first. */
    readonly lastCompletedAt: number | null;
    readonly lastDurationMs: number | null;
  };
  /** How often the job restarted since it was submitted (a lost TaskManager, a failing sink...). */
  readonly restarts: number;
  /** The checkpoint the job resumed from, when it did (a restart, or a resubmission after a JobManager restart). */
  readonly restoredFrom: { readonly checkpointId: number; readonly at: number } | null;
  /** Records read and written by the job's tasks (Flink refreshes these every few seconds). */
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Event time the job has reached (its slowest operator's input watermark), null before any. */
  readonly watermark: number | null;
  /** Worst backpressure among its operators (Flink's ok / low / high) and where. */
  readonly backpressure: { readonly level: 'ok' | 'low' | 'high'; readonly vertex: string | null };
}
