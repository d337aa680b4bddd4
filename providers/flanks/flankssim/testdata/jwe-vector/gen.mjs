// Generates the JWE interop vectors used by providers/flanks/flankssim/jwe_vector_test.go.
//
// The point is to prove that the simulator decrypts JWEs made by an independent
// implementation (panva/jose on Node), not only by go-jose. Run it from a copy of this
// folder after `npm ci` (node_modules is not committed; package-lock.json pins jose):
//
//   cp -r testdata/jwe-vector /tmp/jwe-vector && cd /tmp/jwe-vector && npm ci && node gen.mjs OUTDIR
//
// It writes into OUTDIR (default: the folder of this script):
//   private.jwk.json        RSA-2048 private JWK (kid, use "enc", alg "RSA-OAEP-256")
//   a256cbc-hs512.jwe       compact JWE, alg RSA-OAEP-256, enc A256CBC-HS512, typ JWE (the Flanks seed header)
//   a256gcm.jwe             compact JWE, alg RSA-OAEP-256, enc A256GCM
//   plaintext.json          the JSON body both tokens carry
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompactEncrypt, exportJWK, generateKeyPair } from 'jose';

const outDir = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
const kid = 'jwe-vector-2026-01';
// A fixed credentials_token: the Go test registers credentials under this token.
const body = JSON.stringify({ credentials_token: '6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60' });

const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', {
  modulusLength: 2048,
  extractable: true,
});

const jwk = await exportJWK(privateKey);
const privateJWK = { ...jwk, kid, use: 'enc', alg: 'RSA-OAEP-256' };

async function seal(enc, extra) {
  return new CompactEncrypt(new TextEncoder().encode(body))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc, kid, ...extra })
    .encrypt(publicKey);
}

writeFileSync(join(outDir, 'private.jwk.json'), JSON.stringify(privateJWK, null, 2) + '\n');
writeFileSync(join(outDir, 'a256cbc-hs512.jwe'), (await seal('A256CBC-HS512', { typ: 'JWE' })) + '\n');
writeFileSync(join(outDir, 'a256gcm.jwe'), (await seal('A256GCM', { cty: 'application/json' })) + '\n');
writeFileSync(join(outDir, 'plaintext.json'), body + '\n');
