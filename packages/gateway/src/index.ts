export {
  BoothGateway,
  type BoothGatewayOptions,
  type CastReceipt,
  type MachineTls,
  type PressRefusal,
  PressRefusedError,
} from './booth-gateway';
export { type CastSummary, DurableQueue, queueKeyOf } from './durable-queue';
export { type GatewayProcessConfig, gatewayProcessConfigSchema } from './process-config';
export { receiptCode, receiptKeyOf } from './receipt';
