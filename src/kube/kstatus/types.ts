/** kstatus result types (a port of sigs.k8s.io/cli-utils pkg/kstatus/status). */

/** The computed status of an object. */
export const Status = {
  /** Fully reconciled: the desired state is reached. */
  Current: 'Current',
  /** Still being reconciled. */
  InProgress: 'InProgress',
  /** Reconciliation failed and will not heal by itself (deadline exceeded, Stalled, Job failed…). */
  Failed: 'Failed',
  /** Being deleted (deletionTimestamp set). */
  Terminating: 'Terminating',
  /** Absent from the cluster. */
  NotFound: 'NotFound',
  /** Could not be determined (e.g. read error). */
  Unknown: 'Unknown',
} as const;
export type Status = (typeof Status)[keyof typeof Status];

/** A status and a human message explaining it. */
export interface HealthStatus {
  status: Status;
  message: string;
}
