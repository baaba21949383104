// Signs observations as docs/log.md ("Signed reports") shows a browser or a phone doing it, with
// WebCrypto's Ed25519, so that the integration suite checks the documented way against the server.
// Reads one observation per line (JSON) on stdin; prints the raw public key (base64) on the first
// line, then one DSSE envelope per observation.
import { webcrypto as crypto } from "node:crypto";
import { createInterface } from "node:readline";

const key = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
const pub = new Uint8Array(await crypto.subtle.exportKey("raw", key.publicKey));
const b64 = (bytes) => Buffer.from(bytes).toString("base64");

async function envelope(observation) {
  const t = "application/vnd.truceline.observation+json";
  const body = new TextEncoder().encode(JSON.stringify(observation));
  const head = new TextEncoder().encode(`DSSEv1 ${t.length} ${t} ${body.length} `);
  const pae = new Uint8Array(head.length + body.length);
  pae.set(head);
  pae.set(body, head.length);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, pae));
  return { payloadType: t, payload: b64(body), signatures: [{ sig: b64(sig) }] };
}

console.log(b64(pub));
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) console.log(JSON.stringify(await envelope(JSON.parse(line))));
}
