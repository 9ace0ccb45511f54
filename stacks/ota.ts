/**
 * Over-the-air updates of the booth gateway (docs/deploy.md, "Over-the-air updates"): the bucket
 * update packages are uploaded to, the role IoT Jobs pre-signs their URLs with (read-only on the
 * bucket), and, when the stage names the ACM certificate of its code-signing key
 * (`OTA_SIGNING_CERTIFICATE_ARN`), an AWS Signer profile on the IoT platform (ECDSA P-256 with
 * SHA-256), which signs each package's manifest. The jobs of a rollout are created per rollout
 * (`stacks/lib/ota.ts`), not per deploy.
 */
export const gatewayUpdates = new sst.aws.Bucket('GatewayUpdates');

/** The role IoT Jobs assumes to pre-sign the package URLs in a job document. */
export const gatewayUpdateUrlRole = new aws.iam.Role('GatewayUpdateUrlRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
  inlinePolicies: [
    {
      name: 'read-update-packages',
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: $interpolate`${gatewayUpdates.arn}/*` },
        ],
      }),
    },
  ],
});

const certificateArn = process.env.OTA_SIGNING_CERTIFICATE_ARN;

/** The Signer profile packages are signed with; without a certificate the stage signs them with the CLI's key. */
export const codeSigningProfile =
  certificateArn === undefined
    ? undefined
    : new aws.signer.SigningProfile('GatewayCodeSigning', {
        name: `ballotstream_${$app.stage.replace(/[^A-Za-z0-9]/g, '_')}_gateway`.slice(0, 64),
        platformId: 'AWSIoTDeviceManagement-SHA256-ECDSA',
        signingMaterial: { certificateArn },
        signatureValidityPeriod: { value: 2, type: 'YEARS' },
      });
