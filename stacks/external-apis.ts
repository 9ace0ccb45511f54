import { LINKS } from '@ballotstream/functions/links';
import { keepsData } from './context';
import type { ExternalApiName } from './lib/permissions';

/**
 * The two external APIs (docs/voter-registry-api.yaml, docs/biometric-api.yaml). Per API: the
 * stage's base URL, an SST secret set with `sst secret set <Name>Url <url>`; a Secrets Manager
 * secret the operator puts the API key in; and a link carrying both to the steps that reach the
 * API. The link grants nothing: each step may read only the key its `reaches` names
 * (`statementsFor`). See docs/deploy.md, "Pointing a stage at the real registry and biometric API".
 */
function externalApi(linkName: string, description: string) {
  // The adapters refuse this placeholder with a message naming the secret to set
  // (UNSET_API_URL in @ballotstream/core/adapters/aws), so an unconfigured stage still deploys.
  const url = new sst.Secret(`${linkName}Url`, 'unset');
  const key = new aws.secretsmanager.Secret(`${linkName}Key`, {
    description: `ballotstream ${$app.stage}: ${description} API key (put the key here; see docs/deploy.md)`,
    // The AWS-managed key: the functions' GetSecretValue needs no KMS grant of its own.
    recoveryWindowInDays: keepsData ? 30 : 0,
  });
  const link = new sst.Linkable(linkName, { properties: { url: url.value, secretArn: key.arn } });
  return { url, key, link };
}

export const externalApis: Record<ExternalApiName, ReturnType<typeof externalApi>> = {
  voterRegistry: externalApi(LINKS.voterRegistryApi, 'national voter registry'),
  biometrics: externalApi(LINKS.biometricApi, 'biometric'),
};
