#!/usr/bin/env node
// Harness around the Digital Credentials Consortium's known-issuer registry client
// (@digitalcredentials/issuer-registry-client, the lookup VerifierPlus and the Learner
// Credential Wallet use), for the microbadges interoperability tests
// (tests/interop/js_reference.py, js_lookup_issuers).
//
// Usage: node registry.mjs   (request JSON on stdin:
//   {"registries": [{"type": "dcc-legacy", "name": "…", "url": "…"}], "issuers": ["…"]})
// Output: one JSON object on stdout, {"lookups": {"<issuer id>": <the client's answer>}};
// on failure {"error": "..."} and exit code 1.
//
// The client fetches each registry itself (the global fetch, real HTTP): the tests point it
// at the service on a loopback port. Nothing here reads or rewrites the registry.
import {RegistryClient} from '@digitalcredentials/issuer-registry-client';

// The client reports an unreachable registry with console.log: keep stdout for the answer.
console.log = (...args) => console.error(...args);

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  const request = JSON.parse(await readStdin());
  if(!Array.isArray(request?.registries) || !Array.isArray(request?.issuers)) {
    throw new Error('The request needs "registries" and "issuers" arrays.');
  }
  const client = new RegistryClient();
  client.use({registries: request.registries});
  const lookups = {};
  for(const issuer of request.issuers) {
    lookups[issuer] = await client.lookupIssuersFor(issuer);
  }
  return {lookups};
}

try {
  process.stdout.write(JSON.stringify(await main()) + '\n');
} catch(error) {
  process.stdout.write(JSON.stringify({error: error?.message || String(error)}) + '\n');
  process.exitCode = 1;
}
