// Contract tests: the official Node intl SDK (tencentcloud-sdk-nodejs-intl-en 3.0.1335) against
// a real `ekyc serve` that this script starts and stops.
//   EKYC_BIN=... EKYC_TEST_DATA=... node tools/sdk/node/contract_test.mjs
// Binary: $EKYC_BIN, else target/release/ekyc, else target/debug/ekyc. Data: $EKYC_TEST_DATA,
// else ../shared/data from the repo root. Prints "N passed, N failed"; exit code 1 on failure.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// node-fetch would send loopback calls through an environment proxy.
for (const v of ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"]) delete process.env[v];

const require = createRequire(import.meta.url);
const tc = require("tencentcloud-sdk-nodejs-intl-en");

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Remove an action when its pipeline lands: UnsupportedOperation then stops being accepted.
const PENDING_PIPELINES = new Set([]);
const READY_TIMEOUT_MS = 120_000;

function findBinary() {
  if (process.env.EKYC_BIN) {
    const p = process.env.EKYC_BIN;
    return isAbsolute(p) ? p : join(repoRoot, p);
  }
  const target = resolve(repoRoot, process.env.CARGO_TARGET_DIR || "target");
  return ["release", "debug"].map((p) => join(target, p, "ekyc")).find((p) => existsSync(p));
}

function findDataDir() {
  return resolve(process.env.EKYC_TEST_DATA || join(repoRoot, "..", "shared", "data"));
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function startServer(binary, workDir) {
  const dataDir = join(workDir, "data");
  const key = JSON.parse(
    execFileSync(binary, ["keys", "create", "--data-dir", dataDir, "--json"], { encoding: "utf8" }),
  );
  const port = await freePort();
  const logPath = join(workDir, "server.log");
  const log = openSync(logPath, "w");
  const child = spawn(binary, ["serve", "--addr", `127.0.0.1:${port}`, "--data-dir", dataDir], {
    stdio: ["ignore", log, log],
  });
  const server = { child, port, logPath, secretId: key.SecretId, secretKey: key.SecretKey };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ekyc serve exited with ${child.exitCode}:\n${logTail(server)}`);
    try {
      const resp = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (resp.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopServer(server);
  throw new Error(`ekyc serve not healthy after ${READY_TIMEOUT_MS / 1000} s:\n${logTail(server)}`);
}

function logTail(server) {
  try {
    return readFileSync(server.logPath, "utf8").split("\n").slice(-40).join("\n");
  } catch {
    return "";
  }
}

async function stopServer(server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once("exit", r));
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

// First TD1 (ID card) document in labels.csv: there is no HKID specimen in the data set.
function pickIdCard(dataDir) {
  const lines = readFileSync(join(dataDir, "documents", "labels.csv"), "utf8").trim().split("\n");
  const row = lines.slice(1).map((l) => l.split(",")).find((cols) => cols[1] === "TD1");
  if (!row) throw new Error("no TD1 document in labels.csv");
  return readFileSync(join(dataDir, "documents", row[0])).toString("base64");
}

// The SDK hands models only deserialised fields; wrap deserialize to keep the raw Response.
const HKIDResponse = tc.ocr.v20181119.Models.HKIDCardOCRResponse;
let lastRaw = null;
const realDeserialize = HKIDResponse.prototype.deserialize;
HKIDResponse.prototype.deserialize = function (params) {
  lastRaw = params;
  return realDeserialize.call(this, params);
};

function client(server, { signMethod, secretKey } = {}) {
  const profile = new tc.common.ClientProfile(signMethod); // undefined -> SDK default HmacSHA256
  profile.httpProfile.endpoint = `127.0.0.1:${server.port}`;
  profile.httpProfile.protocol = "http://";
  const cred = new tc.common.Credential(server.secretId, secretKey ?? server.secretKey);
  return new tc.ocr.v20181119.Client(cred, "ap-singapore", profile);
}

function hkidCall(c, params) {
  lastRaw = null;
  return new Promise((r) => c.HKIDCardOCR(params, (err, resp) => r({ err, resp, raw: lastRaw })));
}

// Contract §5.2: field -> [type, required, nullable].
const HKID_SCHEMA = {
  CnName: ["string", true], EnName: ["string", true], TelexCode: ["string", true],
  Sex: ["string", true], Birthday: ["string", true], Permanent: ["int", true],
  IdNum: ["string", true], Symbol: ["string", true], FirstIssueDate: ["string", true],
  CurrentIssueDate: ["string", true], FakeDetectResult: ["int", false, true],
  HeadImage: ["string", false, true], SmallHeadImage: ["string", false, true],
  WarningCode: ["int[]", true], WarnCardInfos: ["int[]", false], WindowEmbeddedText: ["string", false],
  HKIDVersion: ["string", false, true], RequestId: ["string", true],
};
const WARN_CODES = new Set([-9101, -9102, -9103, -9104, -9107, -9108, -9109]);

function typeOk(kind, v) {
  if (kind === "string") return typeof v === "string";
  if (kind === "int") return Number.isInteger(v);
  return Array.isArray(v) && v.every(Number.isInteger);
}

function assertHkidShape(raw) {
  for (const k of Object.keys(raw)) assert.ok(k in HKID_SCHEMA, `unexpected field ${k}`);
  for (const [k, [kind, required, nullable]] of Object.entries(HKID_SCHEMA)) {
    if (!(k in raw)) {
      assert.ok(!required, `missing field ${k}`);
      continue;
    }
    if (raw[k] === null) assert.ok(nullable, `${k} is null`);
    else assert.ok(typeOk(kind, raw[k]), `${k} should be ${kind}`);
  }
  assert.match(raw.RequestId, UUID_RE);
  for (const code of raw.WarnCardInfos ?? []) assert.ok(WARN_CODES.has(code), `unknown alarm ${code}`);
}

function assertHkidAnswer({ err, raw }) {
  if (err) {
    const accepted = new Set(["FailedOperation.NoHKIDCard"]);
    if (PENDING_PIPELINES.has("HKIDCardOCR")) accepted.add("UnsupportedOperation");
    assert.ok(accepted.has(err.code), `error ${err.code}: ${err.message}`);
    if (err.code === "UnsupportedOperation") assert.match(err.message, /pipeline/i, "message should name the missing pipeline");
    assert.match(err.requestId, UUID_RE);
    return;
  }
  assert.ok(raw, "no raw response recorded");
  assertHkidShape(raw);
}

function assertAuthFailure({ err }) {
  assert.ok(err, "wrong key was accepted");
  assert.ok(String(err.code).startsWith("AuthFailure."), `got ${err.code}: ${err.message}`);
  assert.match(err.requestId, UUID_RE);
}

function sameAnswer(a, b) {
  if (a.err || b.err) return Boolean(a.err && b.err && a.err.code === b.err.code);
  const strip = ({ RequestId, ...rest }) => rest;
  assert.deepEqual(strip(a.raw), strip(b.raw));
  return true;
}

async function main() {
  const binary = findBinary();
  if (!binary || !existsSync(binary)) {
    console.log("ekyc binary not found: build it with `cargo build -p ekyc` or set EKYC_BIN");
    return 1;
  }
  const dataDir = findDataDir();
  if (!existsSync(join(dataDir, "README.md"))) {
    console.log(`SKIPPED: test data not found at ${dataDir} (set EKYC_TEST_DATA)`);
    return 0;
  }
  const image = pickIdCard(dataDir);
  const workDir = mkdtempSync(join(tmpdir(), "ekyc-node-contract-"));
  const server = await startServer(binary, workDir);
  const params = { ImageBase64: image, ReturnHeadImage: true };
  const tests = [
    ["default client (HmacSHA256) HKIDCardOCR", async () => assertHkidAnswer(await hkidCall(client(server), params))],
    ["HmacSHA1 client HKIDCardOCR", async () => assertHkidAnswer(await hkidCall(client(server, { signMethod: "HmacSHA1" }), params))],
    ["TC3 client HKIDCardOCR", async () => assertHkidAnswer(await hkidCall(client(server, { signMethod: "TC3-HMAC-SHA256" }), params))],
    ["TC3 and default client get the same answer", async () => {
      const v1 = await hkidCall(client(server), params);
      const tc3 = await hkidCall(client(server, { signMethod: "TC3-HMAC-SHA256" }), params);
      assert.ok(sameAnswer(v1, tc3), `v1: ${v1.err?.code} / tc3: ${tc3.err?.code}`);
    }],
    ["wrong key, default client -> AuthFailure.*", async () => assertAuthFailure(await hkidCall(client(server, { secretKey: "x".repeat(32) }), params))],
    ["wrong key, TC3 client -> AuthFailure.*", async () => assertAuthFailure(await hkidCall(client(server, { signMethod: "TC3-HMAC-SHA256", secretKey: "x".repeat(32) }), params))],
  ];
  let passed = 0;
  let failed = 0;
  try {
    for (const [name, fn] of tests) {
      try {
        await fn();
        passed += 1;
        console.log(`ok   ${name}`);
      } catch (err) {
        failed += 1;
        console.log(`FAIL ${name}: ${err.message}`);
      }
    }
  } finally {
    await stopServer(server);
    if (failed > 0) console.log(`server log tail:\n${logTail(server)}`);
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.log(`contract run aborted: ${err.stack || err}`);
    process.exitCode = 1;
  },
);
