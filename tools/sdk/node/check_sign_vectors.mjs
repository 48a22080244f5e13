// Checks the hand-made "node-sdk-by-hand" signing vectors against the real Node intl SDK.
//
// tools/sdk/node_style.py restates the Node SDK's signing rules in Python; this script runs
// the actual SDK (tencentcloud-sdk-nodejs-intl-en, pinned in package.json) with the clock,
// nonce and trace id pinned and node-fetch replaced by a recorder, then compares what it would
// send with each vector. No network is used and no server is needed.
//   node tools/sdk/node/check_sign_vectors.mjs
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, "../../../crates/ekyc-server/tests/data");
const require = createRequire(import.meta.url);

// The SDK loads node-fetch through its own require; plant a recorder in the module cache
// under node-fetch's resolved path before the SDK is loaded.
const sdkFetchPath = require.resolve("tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/http/fetch.js");
const nodeFetchPath = createRequire(sdkFetchPath).resolve("node-fetch");
let lastSent = null;
function recordingFetch(url, options) {
  lastSent = { url, options };
  const body = JSON.stringify({ Response: { RequestId: "00000000-0000-4000-8000-000000000000" } });
  return Promise.resolve({
    status: 200,
    statusText: "OK",
    headers: new Map([["content-type", "application/json"]]),
    json: () => Promise.resolve(JSON.parse(body)),
  });
}
require.cache[nodeFetchPath] = { id: nodeFetchPath, filename: nodeFetchPath, loaded: true, exports: recordingFetch };
const tc = require("tencentcloud-sdk-nodejs-intl-en");

// Pin "now" for both `Date.now()` (v1) and `new Date()` (TC3).
const RealDate = Date;
function pinClock(seconds) {
  const ms = seconds * 1000;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(ms);
      else super(...args);
    }
    static now() {
      return ms;
    }
  };
}

function clientFor(vector, signMethod) {
  const profile = new tc.common.ClientProfile(signMethod);
  profile.httpProfile.endpoint = vector.endpoint;
  profile.httpProfile.protocol = vector.url.split("//")[0] + "//";
  profile.httpProfile.headers = { "X-TC-TraceId": vector.headers["X-TC-TraceId"] };
  const cred = new tc.common.Credential(vector.secret_id, vector.secret_key);
  const product = { ocr: tc.ocr.v20181119, faceid: tc.faceid.v20180301 }[vector.product];
  return new product.Client(cred, vector.region, profile);
}

function call(client, action, params) {
  return new Promise((resolve, reject) => {
    client[action](params, (err, resp) => (err ? reject(err) : resolve(resp)));
  });
}

// Request params the user passed, recovered from each vector (TC3: JSON body; v1: the form
// params minus the ones the SDK adds itself).
const SDK_ADDED = ["Action", "RequestClient", "Nonce", "Timestamp", "Version", "Language", "SecretId", "Region", "SignatureMethod"];
function userParams(vector, isV1) {
  if (!isV1) return JSON.parse(vector.body);
  const out = {};
  for (const [k, v] of Object.entries(vector.params)) {
    if (SDK_ADDED.includes(k)) continue;
    out[k] = v === "true" ? true : v === "false" ? false : v;
  }
  return out;
}

async function checkVector(vector, isV1) {
  pinClock(Number(vector.timestamp));
  const realRandom = Math.random;
  if (isV1) Math.random = () => Number(vector.nonce) / 65535;
  try {
    const client = clientFor(vector, isV1 ? vector.sign_method : "TC3-HMAC-SHA256");
    await call(client, vector.action, userParams(vector, isV1));
  } finally {
    globalThis.Date = RealDate;
    Math.random = realRandom;
  }
  assert.equal(lastSent.url, vector.url, "url");
  assert.equal(lastSent.options.method, vector.method, "method");
  assert.equal(lastSent.options.body, vector.body, "body");
  const sentHeaders = Object.fromEntries(Object.entries(lastSent.options.headers).map(([k, v]) => [k, String(v)]));
  assert.deepEqual(sentHeaders, vector.headers, "headers");
}

let passed = 0;
let failed = 0;
for (const [file, isV1] of [["tc3_vectors.json", false], ["v1_vectors.json", true]]) {
  const vectors = JSON.parse(readFileSync(join(dataDir, file), "utf8"));
  for (const vector of vectors.filter((v) => v.style === "node-sdk-by-hand")) {
    try {
      await checkVector(vector, isV1);
      passed += 1;
      console.log(`ok   ${vector.name}`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${vector.name}: ${err.message}`);
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
