/** Signing of the envelopes a region emits, and checking of those it receives. */

/** Signs this region's envelopes with its current key. */
export interface EnvelopeSigner {
  /** Key id written into each envelope, so receivers pick the right public key. */
  readonly keyId: string;
  /** Signature over `data` (the envelope's bytes without its signature). */
  sign(data: Uint8Array): Uint8Array;
}

/** Checks envelopes against the federation's key registry. */
export interface SignatureVerifier {
  /**
   * Undefined when `signature` is `region`'s key `keyId` signing `data` and
   * the key is valid at `at`; otherwise why not.
   */
  verify(
    region: string,
    keyId: string,
    data: Uint8Array,
    signature: Uint8Array,
    at: Date,
  ): string | undefined;
}
