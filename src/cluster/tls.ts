/**
 * The cluster's PKI: a self-signed CA, a serving certificate for 127.0.0.1/localhost signed by it, and
 * client certificates (CN = user, O = groups) for kubeconfig identities. Keys come from node's crypto
 * (fast RSA keygen); certificates are built with node-forge. With a data directory the files are written
 * there on first start (`ca.crt`, `ca.key`, `server.crt`, `server.key`) and reused afterwards.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/** PEM-encoded key material of the cluster. */
export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

/** A certificate and its key, PEM. */
export interface CertKeyPair {
  cert: string;
  key: string;
}

function newKeyPem(): { priv: string; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { priv: privateKey, pub: publicKey };
}

function serial(): string {
  // positive: first hex digit below 8
  return '1' + randomBytes(15).toString('hex');
}

interface CertSpec {
  subject: forge.pki.CertificateField[];
  publicKeyPem: string;
  signerKeyPem: string;
  issuer?: forge.pki.Certificate;
  extensions: object[];
  years: number;
}

function buildCert(spec: CertSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + spec.years * 365 * 24 * 60 * 60 * 1000);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer ? spec.issuer.subject.attributes : spec.subject);
  cert.setExtensions(spec.extensions);
  cert.sign(forge.pki.privateKeyFromPem(spec.signerKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** Creates a new CA and serving certificate for `hosts` (IPs and DNS names). */
export function generatePki(hosts: readonly string[] = ['127.0.0.1', 'localhost']): ClusterPki {
  const ca = newKeyPem();
  const caCert = buildCert({
    subject: [{ name: 'commonName', value: 'lockstep-local-cluster-ca' }],
    publicKeyPem: ca.pub,
    signerKeyPem: ca.priv,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
    years: 10,
  });
  const srv = newKeyPem();
  const altNames = hosts.map((h) => (/^[0-9.]+$/.test(h) || h.includes(':') ? { type: 7, ip: h } : { type: 2, value: h }));
  const serverCert = buildCert({
    subject: [{ name: 'commonName', value: 'lockstep-apiserver' }],
    publicKeyPem: srv.pub,
    signerKeyPem: ca.priv,
    issuer: forge.pki.certificateFromPem(caCert),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
    years: 5,
  });
  return { caCert, caKey: ca.priv, serverCert, serverKey: srv.priv };
}

const files = { caCert: 'ca.crt', caKey: 'ca.key', serverCert: 'server.crt', serverKey: 'server.key' } as const;

/** Loads the PKI from `dir`, generating and writing it on first use (keys mode 0600). */
export function loadOrCreatePki(dir: string): ClusterPki {
  const paths = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dir, f)])) as Record<keyof ClusterPki, string>;
  if (Object.values(paths).every((p) => existsSync(p))) {
    return {
      caCert: readFileSync(paths.caCert, 'utf8'),
      caKey: readFileSync(paths.caKey, 'utf8'),
      serverCert: readFileSync(paths.serverCert, 'utf8'),
      serverKey: readFileSync(paths.serverKey, 'utf8'),
    };
  }
  mkdirSync(dir, { recursive: true });
  const pki = generatePki();
  writeFileSync(paths.caCert, pki.caCert);
  writeFileSync(paths.caKey, pki.caKey, { mode: 0o600 });
  writeFileSync(paths.serverCert, pki.serverCert);
  writeFileSync(paths.serverKey, pki.serverKey, { mode: 0o600 });
  return pki;
}

/** Issues a client certificate signed by the cluster CA: CN = user, O = each group. */
export function issueClientCert(pki: Pick<ClusterPki, 'caCert' | 'caKey'>, user: { name: string; groups?: readonly string[] }): CertKeyPair {
  const k = newKeyPem();
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: user.name }];
  for (const g of user.groups ?? []) subject.push({ name: 'organizationName', value: g });
  const cert = buildCert({
    subject,
    publicKeyPem: k.pub,
    signerKeyPem: pki.caKey,
    issuer: forge.pki.certificateFromPem(pki.caCert),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
    years: 1,
  });
  return { cert, key: k.priv };
}
