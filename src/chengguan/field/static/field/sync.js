// Sends the queue: each waiting report once, with the key the phone gave it (Idempotency-Key), so a
// report sent twice (a lost answer, the page and the service worker at once) is still one case.
// Only the server's answer decides an item's fate: a case number (sent), a refusal with its reason
// (refused, kept for correction), or nothing (waiting, tried again later). Never deleted here.

import * as db from "./db.js";

export const CHANNEL = "field-queue";
const API = "/api/v1/";

function announce() {
  try {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage("changed");
    channel.close();
  } catch {
    /* no BroadcastChannel: the page refreshes on its own */
  }
}

function formOf(item) {
  const body = new FormData();
  body.append("category", item.category.code);
  body.append("description", item.description);
  if (item.lon != null) {
    body.append("lon", String(item.lon));
    body.append("lat", String(item.lat));
  }
  if (item.accuracy != null) body.append("accuracy_m", String(Math.round(item.accuracy * 10) / 10));
  body.append("captured_at", item.capturedAt);
  // Photos of an item already sent are gone from the phone (the server has them): a resend of it
  // carries none, and the server answers with the first case all the same.
  appendPhotos(body, item);
  return body;
}

// Each photo with the SHA-256 of the bytes sent and the EXIF read from its original (photos.js).
function appendPhotos(body, item) {
  for (const photo of item.photos.filter((p) => p.blob)) {
    body.append("photos", photo.blob, photo.name);
    body.append("photo_sha256", photo.sha256);
    body.append("photo_exif", JSON.stringify(photo.exif || {}));
  }
}

// A step on a task (tasks.js) goes to the field API, which takes it through the case machine.
function taskFormOf(item) {
  const body = new FormData();
  for (const [name, value] of Object.entries(item.fields || {})) body.append(name, value);
  if (item.lon != null) {
    body.append("photo_lon", String(item.lon));
    body.append("photo_lat", String(item.lat));
  }
  body.append("captured_at", item.capturedAt);
  appendPhotos(body, item);
  return body;
}

function reasonOf(answer) {
  if (!answer || typeof answer !== "object") return "";
  const lines = [answer.message || ""];
  for (const messages of Object.values(answer.fields || {})) {
    for (const message of [].concat(messages)) if (message && !lines.includes(message)) lines.push(message);
  }
  return lines.filter(Boolean).join(" ");
}

// A step on a case queued offline (核查通过 with its photo) goes to the case machine's endpoint.
function actionFormOf(item) {
  const body = new FormData();
  const photo = item.photos[0];
  if (photo && photo.blob) body.append("photo", photo.blob, photo.name);
  if (item.lon != null) {
    body.append("photo_lon", String(item.lon));
    body.append("photo_lat", String(item.lat));
  }
  body.append("photo_taken_at", item.capturedAt);
  return body;
}

async function caseStateOf(item, token) {
  try {
    const response = await fetch(`${API}cases/${item.caseId}/`, { headers: { Authorization: "Device " + token } });
    if (response.ok) return await response.json();
  } catch {
    /* the state is a courtesy */
  }
  return {};
}

async function sendOne(item, token) {
  item.state = "sending";
  item.tries = (item.tries || 0) + 1;
  item.triedAt = new Date().toISOString();
  await db.put("queue", item);
  announce();
  let response;
  try {
    const isAction = item.kind === "action";
    const viaField = isAction && item.via === "field";
    const url = viaField
      ? `${API}field/tasks/${item.caseId}/${item.action}`
      : isAction
        ? `${API}cases/${item.caseId}/${item.action}/`
        : API + "field/reports";
    response = await fetch(url, {
      method: "POST",
      headers: { Authorization: "Device " + token, "Idempotency-Key": item.key },
      body: viaField ? taskFormOf(item) : isAction ? actionFormOf(item) : formOf(item),
    });
  } catch {
    item.state = "waiting";
    item.note = "network";
    await db.put("queue", item);
    return "offline";
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (response.ok && item.kind === "action") {
    item.state = "sent";
    item.note = "";
    const now = (answer && answer.case) || answer || {};
    item.caseState = now.state_label || now.state_name || "";
    item.caseStateCode = now.state || "";
    item.receivedAt = (answer && answer.received_at) || new Date().toISOString();
    item.photos = item.photos.map(({ name, sha256 }) => ({ name, sha256 }));
    await db.put("queue", item);
    return "sent";
  }
  if (response.ok && answer && answer.case) {
    item.state = "sent";
    item.note = "";
    item.caseNumber = answer.case.number;
    item.caseState = answer.case.state_label;
    item.serverGrid = answer.case.grid || "";
    item.receivedAt = answer.received_at;
    item.photos = item.photos.map(({ name, sha256 }) => ({ name, sha256 })); // the server has them now
    await db.put("queue", item);
    return "sent";
  }
  if (response.status === 401) {
    item.state = "waiting";
    item.note = "auth";
    await db.put("queue", item);
    return "auth";
  }
  if (response.status === 429 || response.status >= 500) {
    item.state = "waiting";
    item.note = "network";
    await db.put("queue", item);
    return "later";
  }
  item.state = "refused";
  item.status = response.status;
  item.reason = reasonOf(answer) || String(response.status);
  // The case moved on meanwhile (409): show where it is now; the queued data stays for the user.
  // The field API says it in its 409; an older queued step asks the case.
  if (item.kind === "action") {
    const now = answer && answer.case ? answer.case : await caseStateOf(item, token);
    item.caseState = now.state_label || now.state_name || "";
    item.caseStateCode = now.state || "";
  }
  await db.put("queue", item);
  return "refused";
}

async function sendAll() {
  const auth = await db.meta("auth");
  if (!auth || !auth.token || auth.revoked) return { sent: 0, stopped: "auth" };
  const items = (await db.all("queue"))
    .filter((item) => item.state === "waiting" || item.state === "sending")
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  let sent = 0;
  for (const item of items) {
    const outcome = await sendOne(item, auth.token);
    announce();
    if (outcome === "sent") sent += 1;
    if (outcome === "auth") {
      await db.setMeta("auth", { ...auth, revoked: true });
      return { sent, stopped: "auth" };
    }
    if (outcome === "offline" || outcome === "later") return { sent, stopped: outcome };
  }
  await db.setMeta("lastSync", new Date().toISOString());
  announce();
  return { sent, stopped: "" };
}

// One sender at a time across the page and the service worker (Web Locks where there are).
export function syncQueue() {
  if (globalThis.navigator && navigator.locks) return navigator.locks.request("field-sync", sendAll);
  return sendAll();
}
