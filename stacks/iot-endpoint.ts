import { LINKS } from '@ballotstream/functions/links';

/** The account's IoT data endpoint, for the steps that publish control messages to machines. */
export const iotDataEndpoint = new sst.Linkable(LINKS.iotDataEndpoint, {
  properties: { address: aws.iot.getEndpointOutput({ endpointType: 'iot:Data-ATS' }).endpointAddress },
});
