export { InlineSignatureChecker } from '../shared/inline-signature-checker';
export { CognitoStaffPool } from './cognito-staff-pool';
export { conditionExpression, DynamoRecordStore, type DynamoRecordStoreOptions } from './dynamo-record-store';
export { EventBridgePublisher, type EventBridgePublisherOptions } from './eventbridge-publisher';
export {
  buildBiometricsClient,
  buildRegistryClient,
  type ExternalApiLink,
  externalApiLinkSchema,
  secretApiKey,
  UNSET_API_URL,
} from './external-apis';
export { IotBrokerProbe, probePublishOf } from './iot-broker-probe';
export { certificateIdOf, IotMachineCertificates } from './iot-machine-certificates';
export { controlPublishOf, IotMachineCommands } from './iot-machine-commands';
export { KmsElectionKey } from './kms-election-key';
export { type KmsPseudonymsOptions, loadKmsPseudonyms, pseudonymSecretLabel } from './kms-pseudonyms';
export {
  type KmsTicketKeyRef,
  KmsTicketKeys,
  loadKmsTicketKeys,
  signRequestOf,
  ticketKeyIdOf,
} from './kms-ticket-keys';
export {
  geofenceEntriesOf,
  LocationGeofenceCollection,
  LocationTracker,
  type NamedShard,
  positionUpdateOf,
  putBoothGeofences,
  shardNameOf,
} from './location-tracker';
export { namedStatementOf, RdsDataSqlClient, type RdsDataSqlClientOptions } from './rds-data-sql-client';
export { publishInputOf, SnsNotifier } from './sns-notifier';
export {
  TIMESTREAM_BATCH,
  TimestreamVoteStore,
  type TimestreamVoteStoreOptions,
  tallyQueryOf,
  votesQueryOf,
  writeRequestsOf,
} from './timestream-vote-store';
