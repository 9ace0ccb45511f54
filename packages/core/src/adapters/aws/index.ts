export { InlineSignatureChecker } from '../shared/inline-signature-checker';
export { conditionExpression, DynamoRecordStore, type DynamoRecordStoreOptions } from './dynamo-record-store';
export { EventBridgePublisher, type EventBridgePublisherOptions } from './eventbridge-publisher';
export { IotBrokerProbe, probePublishOf } from './iot-broker-probe';
export { controlPublishOf, IotMachineCommands } from './iot-machine-commands';
export { type KmsPseudonymsOptions, loadKmsPseudonyms, pseudonymSecretLabel } from './kms-pseudonyms';
export {
  type KmsTicketKeyRef,
  KmsTicketKeys,
  loadKmsTicketKeys,
  signRequestOf,
  ticketKeyIdOf,
} from './kms-ticket-keys';
export { geofenceEntriesOf, LocationTracker, positionUpdateOf, putBoothGeofences } from './location-tracker';
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
