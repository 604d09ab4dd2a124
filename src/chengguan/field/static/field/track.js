// The patrol track: recorded only while its user is on duty (clocked in during a rostered shift) and
// only with their consent (asked once, withdrawn in the 值班 tab, which deletes the points not yet
// sent). Positions come from geolocation.watchPosition with their accuracy, are buffered on the phone
// and uploaded in batches, each with its own key, so a batch sent twice is stored once. The server
// checks the duty rule again and keeps no point recorded off duty.

import * as store from "./dutydb.js";

const API = "/api/v1/";
// A new fix is kept when it is this far from the last one kept, or this long after it.
const MIN_STEP_M = 10;
const MIN_GAP_MS = 15000;
// Buffered points are sealed into a batch at this many, or this long after the last batch.
const BATCH_POINTS = 30;
const BATCH_EVERY_MS = 60000;

let watch = null;
let last = null;
let lastSeal = Date.now();
let isOnDuty = () => false;
let changed = () => {};

function metres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

export async function consent() {
  return store.meta("consent"); // undefined: not asked yet; {granted, at}
}

export async function setConsent(granted) {
  await store.setMeta("consent", { granted, at: new Date().toISOString() });
  if (!granted) {
    stop();
    // Withdrawn: what was recorded and not yet sent is deleted from the phone.
    for (const batch of await store.all("batches")) await store.del("batches", batch.key);
    await store.seal().then((key) => key && store.del("batches", key));
  }
  changed();
}

async function onFix(pos) {
  const now = new Date(pos.timestamp || Date.now());
  if (!isOnDuty(now)) return; // never kept off duty
  const point = {
    time: now.toISOString(),
    lon: pos.coords.longitude,
    lat: pos.coords.latitude,
    accuracy: Math.round(pos.coords.accuracy || 0),
  };
  if (last && metres(last, point) < MIN_STEP_M && now - new Date(last.time) < MIN_GAP_MS) return;
  last = point;
  await store.put("points", point);
  if ((await store.count("points")) >= BATCH_POINTS || Date.now() - lastSeal > BATCH_EVERY_MS) {
    await flush();
  }
  changed();
}

export function recording() {
  return watch !== null;
}

function stop() {
  if (watch !== null) navigator.geolocation.clearWatch(watch);
  watch = null;
  last = null;
}

// Start or stop watching as the duty state and the consent say.
export async function update() {
  const given = await consent();
  const should = Boolean(given && given.granted && isOnDuty(new Date()) && navigator.geolocation);
  if (should && watch === null) {
    watch = navigator.geolocation.watchPosition(onFix, () => changed("locationFailed"), {
      enableHighAccuracy: true,
      maximumAge: 5000,
      timeout: 60000,
    });
  } else if (!should && watch !== null) {
    stop();
  }
  changed();
}

// Seal what is buffered into a batch, then send every batch waiting.
export async function flush(token) {
  lastSeal = Date.now();
  await store.seal();
  if (token !== undefined) return upload(token);
  return null;
}

export async function upload(token) {
  if (!token || !navigator.onLine) return "offline";
  const batches = (await store.all("batches")).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const batch of batches) {
    let response;
    try {
      response = await fetch(API + "duty/track-points/", {
        method: "POST",
        headers: { Authorization: "Device " + token, "Content-Type": "application/json" },
        body: JSON.stringify({ key: batch.key, crs: "wgs84", points: batch.points }),
      });
    } catch {
      return "offline";
    }
    if (response.status === 401 || response.status === 429 || response.status >= 500) return "later";
    const answer = await response.json().catch(() => ({}));
    const totals = (await store.meta("totals")) || { uploaded: 0, dropped: 0 };
    if (response.ok) {
      totals.uploaded += answer.accepted || 0;
      totals.dropped += answer.dropped || 0;
    } else {
      // Refused (no point on duty, or bad points): the server will never keep these.
      totals.dropped += batch.points.length;
    }
    await store.setMeta("totals", totals);
    await store.del("batches", batch.key);
  }
  changed();
  return "sent";
}

export async function status() {
  const totals = (await store.meta("totals")) || { uploaded: 0, dropped: 0 };
  const waiting = (await store.all("batches")).reduce((n, b) => n + b.points.length, 0);
  return { recording: recording(), buffered: (await store.count("points")) + waiting, ...totals };
}

export function init({ onDuty, onChange }) {
  isOnDuty = onDuty;
  changed = onChange;
}

export function halt() {
  stop();
}
