import { LINKS } from '@ballotstream/functions/links';
import { inRegion, keepsData } from './context';

const deletionWindowInDays = keepsData ? 30 : 7;

/**
 * The key at-rest encryption uses (tables, queues, topics, vote stores): one multi-region key
 * with a replica in the secondary region, so a replica table there decrypts with a local key.
 */
export const dataKey = new aws.kms.Key('DataKey', {
  description: `ballotstream ${$app.stage}: at-rest encryption`,
  multiRegion: true,
  enableKeyRotation: true,
  deletionWindowInDays,
});
export const dataKeySecondary = new aws.kms.ReplicaKey(
  'DataKeySecondary',
  { primaryKeyArn: dataKey.arn, deletionWindowInDays },
  inRegion('secondary'),
);

/**
 * The ticket-signing key: Ed25519, as the local key files, so a ticket verifies the same way
 * offline. The issue centre signs; booths' verification only verifies. Multi-region, so the
 * secondary region verifies tickets with its replica if the primary is impaired.
 */
export const ticketKey = new aws.kms.Key('TicketKey', {
  description: `ballotstream ${$app.stage}: ticket signing (Ed25519)`,
  customerMasterKeySpec: 'ECC_NIST_EDWARDS25519',
  keyUsage: 'SIGN_VERIFY',
  multiRegion: true,
  deletionWindowInDays,
});

/**
 * The ticket key's replica in the secondary region: the same key material, so the secondary's
 * issue centre signs and its booths verify with a local key while the primary is down.
 */
export const ticketKeySecondary = new aws.kms.ReplicaKey(
  'TicketKeySecondary',
  {
    primaryKeyArn: ticketKey.arn,
    deletionWindowInDays,
    description: `ballotstream ${$app.stage}: ticket signing (replica)`,
  },
  inRegion('secondary'),
);

/** The HMAC key that turns a voter id into the pseudonym tickets and claims carry. */
export const pseudonymKey = new aws.kms.Key('PseudonymKey', {
  description: `ballotstream ${$app.stage}: voter pseudonyms (HMAC)`,
  customerMasterKeySpec: 'HMAC_256',
  keyUsage: 'GENERATE_VERIFY_MAC',
  multiRegion: true,
  deletionWindowInDays,
});

/**
 * The pseudonym key's replica: both regions derive the same pseudonym for a voter (the same MAC
 * under the same key material), so voter statuses written in either region name the same voter.
 */
export const pseudonymKeySecondary = new aws.kms.ReplicaKey(
  'PseudonymKeySecondary',
  {
    primaryKeyArn: pseudonymKey.arn,
    deletionWindowInDays,
    description: `ballotstream ${$app.stage}: voter pseudonyms (replica)`,
  },
  inRegion('secondary'),
);

/**
 * The election key: ECDSA P-256 in KMS, the bulletin's signature (the local key file is P-256
 * too, so `verify-election` checks either the same way). Its private half never leaves KMS; only
 * the bulletin route may sign with it. Single-region: the bulletin is served from the primary.
 */
export const electionKey = new aws.kms.Key('ElectionKey', {
  description: `ballotstream ${$app.stage}: election key (bulletin signing, P-256)`,
  customerMasterKeySpec: 'ECC_NIST_P256',
  keyUsage: 'SIGN_VERIFY',
  deletionWindowInDays,
});

/**
 * The same links for a copy of a step in the secondary region: the replicas, so the copy signs,
 * verifies and derives pseudonyms with keys of its own region while the primary is gone.
 */
export const keyLinksSecondary = {
  ticket: new sst.Linkable(LINKS.inSecondary(LINKS.ticketKey), {
    properties: { arn: ticketKeySecondary.arn, id: ticketKeySecondary.keyId },
  }),
  pseudonym: new sst.Linkable(LINKS.inSecondary(LINKS.pseudonymKey), {
    properties: { arn: pseudonymKeySecondary.arn, id: pseudonymKeySecondary.keyId },
  }),
};

/** Links that carry key ids to handlers; permissions come from the trigger table, not from the link. */
export const keyLinks = {
  ticket: new sst.Linkable(LINKS.ticketKey, { properties: { arn: ticketKey.arn, id: ticketKey.keyId } }),
  pseudonym: new sst.Linkable(LINKS.pseudonymKey, {
    properties: { arn: pseudonymKey.arn, id: pseudonymKey.keyId },
  }),
  election: new sst.Linkable(LINKS.electionKey, {
    properties: { arn: electionKey.arn, id: electionKey.keyId },
  }),
};
