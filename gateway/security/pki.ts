/**
 * The federation's certificates for mutual TLS between gateways: a CA and one
 * certificate per region, the region code as the subject's common name (the
 * server reads the caller's region from it). ECDSA P-256: small, fast, and
 * accepted by every TLS stack the partners run. Pure: returns PEM text; the
 * caller decides where it goes.
 */
import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 types through tsyringe, which needs it
import { randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// Node's WebCrypto is the standard one; the cast bridges Node's and the DOM's declarations.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

/** A certificate and its private key, PEM-encoded. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

function serial(): string {
  // Positive 16-byte serial: RFC 5280 wants unique, non-negative, at most 20 octets.
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString("hex");
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function privatePem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/** Creates a self-signed federation CA valid for `days`. */
export async function generateCa(federationName: string, days = 3650): Promise<PemPair> {
  const keys = await keyPair();
  const name = `CN=xr federation CA, O=${escapeDn(federationName)}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + days * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await privatePem(keys.privateKey) };
}

/** What a region certificate names. */
export interface RegionSubject {
  /** GB/T 2260 code: becomes the common name, which the server maps to the caller's region. */
  readonly region: string;
  readonly federationName: string;
  /** DNS names and IP addresses the region's gRPC server is reached at. */
  readonly hosts: readonly string[];
}

/** Issues a region's certificate, good for serving and for calling (server and client auth). */
export async function issueRegionCert(ca: PemPair, s: RegionSubject, days = 825): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await webcrypto.subtle.importKey("pkcs8", x509.PemConverter.decodeFirst(ca.key), ALG, false, [
    "sign",
  ]);
  const keys = await keyPair();
  const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(":");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${s.region}, OU=xr-gateway, O=${escapeDn(s.federationName)}`,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + days * DAY_MS),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension(
        s.hosts.map((h) =>
          isIp(h) ? { type: "ip" as const, value: h } : { type: "dns" as const, value: h },
        ),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { cert: cert.toString("pem"), key: await privatePem(keys.privateKey) };
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, "\\$1");
}
