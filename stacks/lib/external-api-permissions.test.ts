import type { Trigger } from '@ballotstream/functions/triggers';
import { triggers } from '@ballotstream/functions/triggers';
import { describe, expect, it } from 'vitest';
import { exampleArns } from './example-arns';
import { statementsFor } from './permissions';

const all = triggers as readonly Trigger[];
const byName = (name: string) => all.find((t) => t.name === name)!;
const secretReads = (name: string) =>
  statementsFor(byName(name), exampleArns('timestream'))
    .filter((s) => s.actions.includes('secretsmanager:GetSecretValue'))
    .flatMap((s) => s.resources);

describe('IAM for the external APIs', () => {
  it("let the issue centre read the API keys of the registry and the biometric API, and nothing else's", () => {
    const arns = exampleArns('timestream');
    expect(secretReads('issueTicket').sort()).toEqual(
      [arns.externalApiSecret('voterRegistry'), arns.externalApiSecret('biometrics')].sort(),
    );
  });

  it("let verification and a reissue read the biometric API's key only", () => {
    const biometrics = exampleArns('timestream').externalApiSecret('biometrics');
    expect(secretReads('verifyVoter')).toEqual([biometrics]);
    expect(secretReads('reissueTicket')).toEqual([biometrics]);
  });

  it('give no other step either key', () => {
    const arns = exampleArns('timestream');
    const keys = new Set([arns.externalApiSecret('voterRegistry'), arns.externalApiSecret('biometrics')]);
    for (const trigger of all) {
      if (trigger.reaches?.biometrics || trigger.reaches?.voterRegistry) continue;
      expect(
        secretReads(trigger.name).filter((r) => keys.has(r)),
        trigger.name,
      ).toEqual([]);
    }
  });
});
