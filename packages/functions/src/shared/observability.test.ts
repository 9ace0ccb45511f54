import { afterEach, describe, expect, it, vi } from 'vitest';
import { countRejection, rejectionCounts, resetRejectionCounts } from './observability';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetRejectionCounts();
});

describe('counting refused input', () => {
  it('counts by handler and reason in the process', () => {
    countRejection('ingestVote', 'off-ballot');
    countRejection('ingestVote', 'off-ballot');
    expect(rejectionCounts().get('ingestVote:off-ballot')).toBe(2);
  });

  it('in Lambda, also emits a CloudWatch metric (EMF) with the handler and reason as dimensions', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'FnIngestVote');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    countRejection('ingestVote', 'off-ballot');
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws !== undefined);
    expect(emf).toMatchObject({ handler: 'ingestVote', reason: 'off-ballot', Rejected: 1 });
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(
      expect.arrayContaining(['handler', 'reason']),
    );
  });
});
