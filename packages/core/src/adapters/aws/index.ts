export { EventBridgePublisher, type EventBridgePublisherOptions } from './eventbridge-publisher';
