// Reports signed on the device (docs/log.md, "Signed reports"): an Ed25519 key made here by
// WebCrypto, its private half not extractable, kept in IndexedDB beside the reports and registered
// with the server (POST /v1/keys) for the token before the first signed report is sent. Each
// report is sent as a DSSE envelope of its exact JSON, so the record can later show the observer's
// own words, unaltered. Ed25519 signatures are deterministic: signing the same body again gives
// the same bytes, so a retried report stays the same request for its Idempotency-Key.
// A browser without Ed25519 in WebCrypto sends reports with the token alone, as before.
import { getDevice, putDevice } from './report-store.js';

export const PAYLOAD_TYPE = 'application/vnd.truceline.observation+json';

const utf8 = new TextEncoder();

// DSSE's pre-authentication encoding: "DSSEv1 <len(type)> <type> <len(body)> <body>", lengths in
// bytes; the signature covers this, not the bare body, so the type cannot be swapped.
export function pae(type, body) {
  const head = utf8.encode(`DSSEv1 ${utf8.encode(type).length} ${type} ${body.length} `);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

// The envelope of a report's JSON text, as the text to send.
export async function envelopeOf(bodyText, privateKey, subtle = crypto.subtle) {
  const body = utf8.encode(bodyText);
  const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, privateKey, pae(PAYLOAD_TYPE, body)));
  return JSON.stringify({ payloadType: PAYLOAD_TYPE, payload: base64(body), signatures: [{ sig: base64(sig) }] });
}

async function sha256Hex(text) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(text)));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class DeviceKey {
  // The device's key, made on first use; null where the browser cannot make Ed25519 keys (or
  // keep them: IndexedDB must store CryptoKey objects).
  static async load() {
    if (!globalThis.crypto?.subtle) return null;
    try {
      const kept = await getDevice('key');
      if (kept) return new DeviceKey(kept.pair, kept.public_key);
      const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      const publicKey = base64(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
      await putDevice({ name: 'key', pair, public_key: publicKey });
      return new DeviceKey(pair, publicKey);
    } catch {
      return null;
    }
  }

  constructor(pair, publicKey) {
    this.pair = pair;
    this.publicKey = publicKey;
  }

  envelope(bodyText) {
    return envelopeOf(bodyText, this.pair.privateKey);
  }

  // The keyid the server gave for this token, or null before it is registered. Kept per token
  // (by its hash), since a device may be handed from one observer to another.
  async keyidFor(token) {
    return (await getDevice(`registered:${await sha256Hex(token)}`))?.keyid ?? null;
  }

  async registered(token, keyid) {
    await putDevice({ name: `registered:${await sha256Hex(token)}`, keyid });
  }
}
