import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of every handler; its level comes from POWERTOOLS_LOG_LEVEL (WARN locally). */
export const logger = new Logger({ serviceName: 'ballotstream' });

const rejections = new Map<string, number>();

/** Counts a refused input by handler and reason, so bad traffic is visible and never silent. */
export function countRejection(handler: string, reason: string): void {
  const key = `${handler}:${reason}`;
  rejections.set(key, (rejections.get(key) ?? 0) + 1);
}

/** The rejection counts of this process, as `handler:reason → count`. */
export function rejectionCounts(): ReadonlyMap<string, number> {
  return rejections;
}

/** Sets all rejection counts back to zero (tests, and a restarted local runtime). */
export function resetRejectionCounts(): void {
  rejections.clear();
}
