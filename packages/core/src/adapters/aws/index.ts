export { conditionExpression, DynamoRecordStore, type DynamoRecordStoreOptions } from './dynamo-record-store';
export { EventBridgePublisher, type EventBridgePublisherOptions } from './eventbridge-publisher';
