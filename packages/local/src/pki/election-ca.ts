// tsyringe (used by @peculiar/x509) needs the Reflect metadata polyfill before it loads.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { writePrivateFile } from '../runtime/data-dir';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600_000;

/** The election's certificate authority: it signs every machine's and the broker's certificate. */
export interface ElectionCa {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A key and the certificate the election CA issued for it, both PEM. */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
}

/** Creates a new election CA (P-256, valid for `days`). */
export async function createElectionCa(name = 'ballotstream election CA', days = 365): Promise<ElectionCa> {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + days * DAY_MS),
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
}

/** Issues a machine's client certificate: its common name is the machine id, which the broker requires as client id. */
export function issueMachineCertificate(
  ca: ElectionCa,
  machineId: string,
  days = 30,
): Promise<IssuedCertificate> {
  return issue(ca, machineId, days, 'client');
}

/** Issues the broker's server certificate for the host names clients dial. */
export function issueServerCertificate(
  ca: ElectionCa,
  hosts: readonly string[] = ['localhost', '127.0.0.1'],
  days = 30,
): Promise<IssuedCertificate> {
  return issue(ca, hosts[0] ?? 'localhost', days, 'server', hosts);
}

/** Loads the CA kept in a directory, creating it on first use. */
export async function loadOrCreateElectionCa(dir: string): Promise<ElectionCa> {
  const certPath = join(dir, 'ca.cert.pem');
  const keyPath = join(dir, 'ca.key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
  }
  const ca = await createElectionCa();
  writePrivateFile(keyPath, ca.keyPem);
  writePrivateFile(certPath, ca.certPem);
  return ca;
}

async function issue(
  ca: ElectionCa,
  commonName: string,
  days: number,
  usage: 'client' | 'server',
  hosts: readonly string[] = [],
): Promise<IssuedCertificate> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(ca.keyPem), algorithm, false, ['sign']);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension(
      [usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth],
      false,
    ),
  ];
  if (hosts.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 'ip', value: h } : { type: 'dns', value: h })),
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${commonName}`,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + days * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: algorithm,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey), caPem: ca.certPem };
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function serial(): string {
  // A positive 64-bit serial: the high bit cleared so DER does not read it as negative.
  const bytes = randomBytes(8);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
