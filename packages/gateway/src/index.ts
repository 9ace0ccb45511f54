export { BoothGateway, type BoothGatewayOptions, type CastReceipt } from './booth-gateway';
