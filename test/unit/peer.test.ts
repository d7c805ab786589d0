/** The caller's region from its client certificate: read once per TLS connection, never across connections. */
import { Socket } from "node:net";
import { join } from "node:path";
import { TLSSocket } from "node:tls";
import { Metadata } from "@grpc/grpc-js";
import { expect } from "chai";
import { loadConfig } from "../../gateway/config/load.js";
import { PROJECT_ROOT } from "../../gateway/paths.js";
import { callerRegion } from "../../gateway/transports/grpc/peer.js";
import type { RegionContext } from "../../gateway/usecases/context.js";

/** A server call shaped as grpc-js builds it (an interceptor layer over the stream), over `socket`. */
function callOver(socket: TLSSocket, cn: string, reads: { n: number }) {
  return {
    metadata: new Metadata(),
    call: { nextCall: { stream: { session: { socket } } } },
    getAuthContext: () => {
      reads.n++;
      return { transportSecurityType: "ssl", sslPeerCertificate: { subject: { CN: cn } } } as never;
    },
  };
}

function authorisedSocket(): TLSSocket {
  const s = new TLSSocket(new Socket());
  s.authorized = true;
  return s;
}

describe("gRPC caller identity", () => {
  let ctx: RegionContext;
  const sockets: TLSSocket[] = [];
  before(async () => {
    const config = await loadConfig(join(PROJECT_ROOT, "config"), join(PROJECT_ROOT, "adapters"));
    ctx = { region: "430100", federation: config.federation } as unknown as RegionContext;
  });
  after(() => {
    for (const s of sockets) s.destroy();
  });

  it("reads the certificate once per connection, and afresh on another connection", () => {
    const reads = { n: 0 };
    const first = authorisedSocket();
    const second = authorisedSocket();
    sockets.push(first, second);
    for (let i = 0; i < 5; i++)
      expect(callerRegion(ctx, "mtls", callOver(first, "440100", reads))).to.equal("440100");
    expect(reads.n).to.equal(1);
    // Another connection is another peer, whatever the first one said.
    expect(() => callerRegion(ctx, "mtls", callOver(second, "999999", reads))).to.throw(/not a member/);
    expect(reads.n).to.equal(2);
  });

  it("does not remember a socket that is not authorised, nor a certificate without a region", () => {
    const reads = { n: 0 };
    const unverified = new TLSSocket(new Socket());
    const nameless = authorisedSocket();
    sockets.push(unverified, nameless);
    for (let i = 0; i < 3; i++) callerRegion(ctx, "mtls", callOver(unverified, "440100", reads));
    expect(reads.n).to.equal(3);
    for (let i = 0; i < 2; i++)
      expect(() => callerRegion(ctx, "mtls", callOver(nameless, "", reads))).to.throw(/names no region/);
    expect(reads.n).to.equal(5);
  });
});
