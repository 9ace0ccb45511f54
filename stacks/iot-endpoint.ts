import { LINKS } from '@ballotstream/functions/links';
import { inRegion } from './context';

/** The account's IoT data endpoint, for the steps that publish control messages to machines. */
export const iotDataEndpoint = new sst.Linkable(LINKS.iotDataEndpoint, {
  properties: { address: aws.iot.getEndpointOutput({ endpointType: 'iot:Data-ATS' }).endpointAddress },
});

/** The secondary region's IoT data endpoint, for copies of those steps (and the broker health check) there. */
export const iotDataEndpointSecondary = new sst.Linkable(LINKS.inSecondary(LINKS.iotDataEndpoint), {
  properties: {
    address: aws.iot.getEndpointOutput({ endpointType: 'iot:Data-ATS' }, inRegion('secondary'))
      .endpointAddress,
  },
});
