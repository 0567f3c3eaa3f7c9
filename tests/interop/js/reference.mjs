#!/usr/bin/env node
// Harness around the Digital Bazaar reference libraries (@digitalbazaar/vc,
// data-integrity, eddsa-rdfc-2022-cryptosuite, ed25519-multikey,
// vc-bitstring-status-list), used by the microbadges interoperability tests and
// benchmark (tests/interop/js_reference.py).
//
// Usage: node reference.mjs sign|verify|bench   (request JSON on stdin)
// Output: one JSON object on stdout; on failure {"error": "..."} and exit code 1.
//
// verify with `"checkStatus": true` checks BitstringStatusListEntry statuses with
// @digitalbazaar/vc-bitstring-status-list (the list credential is loaded through the
// same offline loader and verified with the same suite); otherwise any status passes.
//
// The document loader is OFFLINE: it serves
//   1. the request's `documents` ({url: document}, exact URL match, fragment included),
//   2. the request's `contexts` ({url: absolute path of a vendored JSON-LD context}),
//   3. did:key DIDs and their `did:key:z6Mk…#z6Mk…` verification methods, built locally,
// and throws an error naming any other URL. (jsonld-signatures additionally serves its
// bundled https://w3id.org/security/v1 and /v2 contexts before reaching this loader.)
import {readFile} from 'node:fs/promises';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus as checkBitstringStatus} from
  '@digitalbazaar/vc-bitstring-status-list';

const HERE = dirname(fileURLToPath(import.meta.url));
const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';
const REPORTED_PACKAGES = [
  '@digitalbazaar/vc',
  '@digitalbazaar/data-integrity',
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
  '@digitalbazaar/ed25519-multikey',
  '@digitalbazaar/vc-bitstring-status-list',
  '@digitalbazaar/bitstring',
  'jsonld-signatures',
  'jsonld',
  'rdf-canonize',
];

function fail(message) {
  const error = new Error(message);
  error.name = 'RequestError';
  throw error;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function loadContexts(contexts) {
  if(contexts === undefined) {
    return new Map();
  }
  if(!isObject(contexts)) {
    fail('"contexts" must be an object mapping context URL -> file path.');
  }
  const entries = await Promise.all(Object.entries(contexts).map(
    async ([url, path]) => {
      if(typeof path !== 'string') {
        fail(`"contexts" entry for "${url}" must be a file path.`);
      }
      let text;
      try {
        text = await readFile(path, 'utf8');
      } catch(e) {
        fail(`Cannot read the context file for "${url}": ${e.message}`);
      }
      return [url, JSON.parse(text)];
    }));
  return new Map(entries);
}

async function didKeyDocument(url) {
  const [did, fragment, ...rest] = url.split('#');
  const key = did.slice('did:key:'.length);
  if(rest.length > 0 || !/^z[1-9A-HJ-NP-Za-km-z]+$/.test(key)) {
    fail(`Malformed did:key URL "${url}".`);
  }
  const vmId = `${did}#${key}`;
  const verificationMethod = {
    id: vmId,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: key,
  };
  // Ed25519Multikey.from decodes the key and checks its multicodec header
  // (0xed01): it throws for any other key type.
  await Ed25519Multikey.from({
    '@context': MULTIKEY_CONTEXT_V1, ...verificationMethod});
  if(fragment !== undefined) {
    if(fragment !== key) {
      fail(`did:key URL "${url}": the fragment must equal the key.`);
    }
    return {'@context': MULTIKEY_CONTEXT_V1, ...verificationMethod};
  }
  return {
    '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
    id: did,
    verificationMethod: [verificationMethod],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId],
  };
}

// Returns {documentLoader, requested}; `requested` lists every URL asked of this
// loader, in order, with where it was served from.
function makeDocumentLoader({contexts, documents}) {
  if(documents !== undefined && !isObject(documents)) {
    fail('"documents" must be an object mapping URL -> document.');
  }
  const docs = new Map(Object.entries(documents ?? {}));
  const requested = [];
  async function documentLoader(url) {
    if(docs.has(url)) {
      requested.push({url, source: 'documents'});
      return {
        contextUrl: null,
        documentUrl: url,
        document: structuredClone(docs.get(url)),
      };
    }
    if(contexts.has(url)) {
      requested.push({url, source: 'contexts'});
      return {
        contextUrl: null,
        documentUrl: url,
        document: contexts.get(url),
        tag: 'static',
      };
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      requested.push({url, source: 'did:key'});
      return {
        contextUrl: null,
        documentUrl: url,
        document: await didKeyDocument(url),
      };
    }
    requested.push({url, source: 'refused'});
    throw new Error(
      `Offline document loader: no document for URL "${url}" ` +
      '(not in the request\'s contexts or documents; the network is never used).');
  }
  return {documentLoader, requested};
}

function errorMessages(error, out = []) {
  if(error === undefined || error === null) {
    return out;
  }
  if(Array.isArray(error)) {
    for(const e of error) {
      errorMessages(e, out);
    }
    return out;
  }
  if(Array.isArray(error.errors) && error.errors.length > 0) {
    errorMessages(error.errors, out);
    return out;
  }
  let message = error.message ?? String(error);
  // jsonld.js wraps loader failures and safe-mode events in `details`
  const cause = error.details?.cause;
  if(cause?.message) {
    message += ` Cause: ${cause.message}`;
  }
  const event = error.details?.event;
  if(event?.code) {
    message += ` Event: ${event.code}` +
      (event.message ? ` (${event.message})` : '');
  }
  const text = error.name && error.name !== 'Error' ?
    `${error.name}: ${message}` : message;
  if(!out.includes(text)) {
    out.push(text);
  }
  // vc-bitstring-status-list wraps loader and list-verification failures in `cause`
  if(error.cause !== undefined && error.cause !== cause) {
    errorMessages(error.cause, out);
  }
  return out;
}

function verifyErrors(result) {
  const out = [];
  errorMessages(result.error, out);
  for(const r of result.results ?? []) {
    errorMessages(r.error, out);
    errorMessages(r.purposeResult?.error, out);
  }
  if(result.statusResult && !result.statusResult.verified) {
    errorMessages(result.statusResult.error ?? new Error('status check failed'), out);
  }
  if(!result.verified && out.length === 0) {
    out.push('verification failed (no error reported)');
  }
  return out;
}

async function makeSuite({secretKeyMultibase, publicKeyMultibase,
  verificationMethod, controller, created}) {
  for(const [name, value] of Object.entries(
    {secretKeyMultibase, publicKeyMultibase, verificationMethod, controller})) {
    if(typeof value !== 'string' || value.length === 0) {
      fail(`"${name}" must be a non-empty string.`);
    }
  }
  const keyPair = await Ed25519Multikey.from({
    '@context': MULTIKEY_CONTEXT_V1,
    type: 'Multikey',
    id: verificationMethod,
    controller,
    publicKeyMultibase,
    secretKeyMultibase,
  });
  return () => new DataIntegrityProof({
    signer: keyPair.signer(),
    cryptosuite: eddsaRdfc2022CryptoSuite,
    ...(created === undefined || created === null ? {} : {date: created}),
  });
}

const SET_STATUS_WORDS = {revocation: 'revoked', suspension: 'suspended'};

// The package's checkStatus answers {verified, results: [{credentialStatus, status}]}
// where `verified` only says the list could be loaded, verified and decoded; `status`
// is the bit. A set bit must fail the credential, so it is turned into an error here.
async function checkStatusStrictly(options) {
  const result = await checkBitstringStatus(options);
  if(!result.verified) {
    return result;
  }
  const set = result.results.filter(r => r.status === true);
  if(set.length === 0) {
    return result;
  }
  const errors = set.map(({credentialStatus: cs}) => {
    const word = SET_STATUS_WORDS[cs.statusPurpose] ?? 'set';
    const error = new Error(
      `The "${cs.statusPurpose}" status bit ${cs.statusListIndex} of ` +
      `"${cs.statusListCredential}" is set: the credential is ${word}.`);
    error.name = 'CredentialStatusError';
    return error;
  });
  return {...result, verified: false, error: errors.length === 1 ? errors[0] : errors};
}

function verifyOptions(credential, documentLoader, now, checkStatus = false) {
  return {
    credential,
    suite: new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite}),
    documentLoader,
    // @digitalbazaar/vc refuses a credential with `credentialStatus` unless a
    // `checkStatus` function is given; without "checkStatus": true any status passes.
    checkStatus: checkStatus ? checkStatusStrictly : async () => ({verified: true}),
    ...(now === undefined || now === null ? {} : {now}),
  };
}

// What the status check said, or null when it did not run (no "checkStatus": true,
// no credentialStatus, or the proof already failed: @digitalbazaar/vc then skips it).
function statusReport(statusResult) {
  if(statusResult === undefined) {
    return null;
  }
  return {
    verified: statusResult.verified === true,
    entries: (statusResult.results ?? []).map(({credentialStatus: cs, status}) => ({
      statusPurpose: cs.statusPurpose,
      statusListIndex: cs.statusListIndex,
      statusListCredential: cs.statusListCredential,
      set: status === true,
    })),
    errors: errorMessages(statusResult.error),
  };
}

function versions() {
  const result = {node: process.versions.node};
  for(const name of REPORTED_PACKAGES) {
    try {
      const pkg = JSON.parse(readFileSync(
        join(HERE, 'node_modules', name, 'package.json'), 'utf8'));
      result[name] = pkg.version;
    } catch{
      result[name] = null;
    }
  }
  return result;
}

function requireCredential(request) {
  if(!isObject(request.credential)) {
    fail('"credential" must be a JSON object.');
  }
  return request.credential;
}

async function sign(request) {
  const credential = requireCredential(request);
  const contexts = await loadContexts(request.contexts);
  const {documentLoader, requested} = makeDocumentLoader(
    {contexts, documents: request.documents});
  const newSuite = await makeSuite(request);
  const signed = await vc.issue({
    credential: structuredClone(credential),
    suite: newSuite(),
    documentLoader,
  });
  return {signed, loaderRequests: requested};
}

async function verify(request) {
  const credential = requireCredential(request);
  const checkStatus = request.checkStatus ?? false;
  if(typeof checkStatus !== 'boolean') {
    fail('"checkStatus" must be a boolean.');
  }
  const contexts = await loadContexts(request.contexts);
  const {documentLoader, requested} = makeDocumentLoader(
    {contexts, documents: request.documents});
  const result = await vc.verifyCredential(
    verifyOptions(credential, documentLoader, request.now, checkStatus));
  return {
    verified: result.verified === true,
    errors: result.verified === true ? [] : verifyErrors(result),
    status: checkStatus ? statusReport(result.statusResult) : null,
    loaderRequests: requested,
  };
}

function elapsedMs(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function bench(request) {
  const credential = requireCredential(request);
  const iterations = request.iterations ?? 100;
  const warmup = request.warmup ?? 20;
  if(!Number.isInteger(iterations) || iterations < 1 ||
    !Number.isInteger(warmup) || warmup < 0) {
    fail('"iterations" must be an integer >= 1 and "warmup" an integer >= 0.');
  }
  const contexts = await loadContexts(request.contexts);
  const {documentLoader} = makeDocumentLoader(
    {contexts, documents: request.documents});
  const newSuite = await makeSuite(request);

  // A fresh suite per operation (as a service would do per request); the
  // credential copy is made outside the timed region.
  const signOnce = () => vc.issue({
    credential: structuredClone(credential), suite: newSuite(), documentLoader});
  const verifyOnce = signed => vc.verifyCredential(
    verifyOptions(signed, documentLoader, request.now));

  const signed = await signOnce();
  const check = await verifyOnce(signed);
  if(!check.verified) {
    fail('bench: the signed credential does not verify: ' +
      verifyErrors(check).join('; '));
  }

  for(let i = 0; i < warmup; ++i) {
    await signOnce();
  }
  const signMs = [];
  for(let i = 0; i < iterations; ++i) {
    const input = structuredClone(credential);
    const start = process.hrtime.bigint();
    await vc.issue({credential: input, suite: newSuite(), documentLoader});
    signMs.push(elapsedMs(start));
  }

  for(let i = 0; i < warmup; ++i) {
    await verifyOnce(signed);
  }
  const verifyMs = [];
  for(let i = 0; i < iterations; ++i) {
    const start = process.hrtime.bigint();
    const result = await verifyOnce(signed);
    verifyMs.push(elapsedMs(start));
    if(!result.verified) {
      fail('bench: verification failed during the timed rounds.');
    }
  }
  return {sign_ms: signMs, verify_ms: verifyMs, versions: versions()};
}

const MODES = {sign, verify, bench, versions: async () => ({versions: versions()})};

async function main() {
  const mode = process.argv[2];
  const handler = MODES[mode];
  if(!handler) {
    fail(`Unknown mode "${mode}"; expected one of: ${Object.keys(MODES).join(', ')}.`);
  }
  const text = mode === 'versions' ? '{}' : await readStdin();
  let request;
  try {
    request = JSON.parse(text);
  } catch(e) {
    fail(`The request on stdin is not valid JSON: ${e.message}`);
  }
  if(!isObject(request)) {
    fail('The request must be a JSON object.');
  }
  return handler(request);
}

try {
  const output = await main();
  process.stdout.write(JSON.stringify(output) + '\n');
} catch(error) {
  process.stdout.write(JSON.stringify({
    error: errorMessages(error).join('; ') || String(error),
  }) + '\n');
  process.exitCode = 1;
}
