import { type HandlerPath, handlerRef } from '@ballotstream/functions/trigger-builders';
import {
  type HandlerRef,
  type LambdaEntry,
  loadHandler as loadEntry,
} from '@ballotstream/functions/triggers';
import type { Context } from 'aws-lambda';

/**
 * Loads the Lambda entry of a module and export under `packages/functions/src`, through the trigger
 * index's loader, for drills and benches that call one handler without a runtime around it.
 */
export function loadHandler(ref: Pick<HandlerRef, 'file' | 'export'>): Promise<LambdaEntry> {
  return loadEntry(handlerRef(`${ref.file}.${ref.export}` as HandlerPath));
}

// Made once: every local invocation builds a context, and fresh closures per call showed in profiles.
const remainingTime = () => 30_000;
const ignore = () => undefined;

/** A Lambda context for a local invocation. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: remainingTime,
    done: ignore,
    fail: ignore,
    succeed: ignore,
  };
}
