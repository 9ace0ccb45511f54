import type { HandlerRef } from '@ballotstream/functions/triggers';
import type { Context } from 'aws-lambda';

type LambdaEntry = (event: unknown, context: Context) => Promise<unknown>;

/** Loads the Lambda entry a trigger names, exactly as the deployed function would export it. */
export async function loadHandler(ref: HandlerRef): Promise<LambdaEntry> {
  const url = new URL(`../../../functions/src/${ref.file}.ts`, import.meta.url).href;
  const module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  const entry = module[ref.export];
  if (typeof entry !== 'function')
    throw new Error(`${ref.file}.ts does not export a function named ${ref.export}`);
  return entry as LambdaEntry;
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
