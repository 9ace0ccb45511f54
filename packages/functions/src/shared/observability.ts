import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The one logger of every handler; its level comes from POWERTOOLS_LOG_LEVEL (WARN locally). */
export const logger = new Logger({ serviceName: 'ballotstream' });

/** Middy middleware that adds the Lambda context (function, request id, cold start) to every log line. */
export const withLambdaContext = () => injectLambdaContext(logger, { resetKeys: true });

// Metrics go to CloudWatch as EMF log lines; only Lambda has a log agent that reads them.
let metrics: Metrics | undefined;
const inLambda = () => process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

const rejections = new Map<string, number>();

/**
 * Counts a refused input by handler and reason, so bad traffic is visible and never silent: in
 * the process, and in Lambda as the CloudWatch metric `Rejected` with both as dimensions.
 */
export function countRejection(handler: string, reason: string): void {
  const key = `${handler}:${reason}`;
  rejections.set(key, (rejections.get(key) ?? 0) + 1);
  if (!inLambda()) return;
  metrics ??= new Metrics({
    serviceName: 'ballotstream',
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ballotstream',
  });
  const single = metrics.singleMetric();
  single.addDimensions({ handler, reason });
  single.addMetric('Rejected', MetricUnit.Count, 1);
}

/** The rejection counts of this process, as `handler:reason → count`. */
export function rejectionCounts(): ReadonlyMap<string, number> {
  return rejections;
}

/** Sets all rejection counts back to zero (tests, and a restarted local runtime). */
export function resetRejectionCounts(): void {
  rejections.clear();
}
