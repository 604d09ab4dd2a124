// The 值班 tab: my current and next shift from the roster, clock in and out (queued with a key and
// the device's time when offline: the server applies the roster's rule at that time, within bounds,
// and records when it received it), and the patrol track (track.js) while on duty, with consent.

import * as db from "./db.js";
import * as store from "./dutydb.js";
import * as track from "./track.js";

const API = "/api/v1/";
let ctx = null; // the page's helpers: T, CONFIG, toast, fill, when, el
let shifts = [];
let queue = [];
let syncing = false;
let problem = "";

const $ = (selector) => document.querySelector(selector);
const at = (iso) => (iso ? new Date(iso) : null);

function hm(iso) {
  return new Date(iso).toLocaleTimeString(ctx.CONFIG.lang === "en" ? "en-GB" : "zh-CN", {
    hour: "2-digit",
    minute: "2-digit",
  });
}

// What the phone knows of an assignment: the server's clock-in and -out, or the ones queued here.
function stateOf(a) {
  const mine = queue.filter((i) => i.assignment === a.id && i.state !== "refused");
  const queuedIn = a.clock_in_at ? null : mine.find((i) => i.direction === "in");
  const queuedOut = a.clock_out_at ? null : mine.find((i) => i.direction === "out");
  return {
    in: a.clock_in_at || (queuedIn && queuedIn.at) || null,
    out: a.clock_out_at || (queuedOut && queuedOut.at) || null,
    queuedIn,
    queuedOut,
  };
}

// On duty: clocked in during a rostered shift, not on leave, not clocked out (the server's rule too).
function onDutyAt(moment) {
  return shifts.some((a) => {
    const s = stateOf(a);
    if (a.on_leave || !s.in) return false;
    const start = Math.max(at(a.shift.starts_at), at(s.in));
    const end = s.out ? Math.min(at(a.shift.ends_at), at(s.out)) : at(a.shift.ends_at);
    return start <= moment && moment < end;
  });
}

function currentAndNext(now) {
  const live = shifts.filter((a) => !a.on_leave);
  const open = live.find((a) => stateOf(a).in && !stateOf(a).out);
  const running = live.find((a) => at(a.shift.starts_at) <= now && now < at(a.shift.ends_at));
  const current = open || running || live.find((a) => !stateOf(a).in && at(a.shift.ends_at) > now) || null;
  const next = live.find((a) => a !== current && at(a.shift.starts_at) > (current ? at(current.shift.starts_at) : now));
  return { current, next };
}

function span(a) {
  const { when } = ctx;
  return `${when(a.shift.starts_at)} – ${when(a.shift.ends_at)}`;
}

function shiftCard(a, heading) {
  const { el, T } = ctx;
  return el(
    "div",
    { class: "shift", "data-testid": "shift", "data-id": String(a.id) },
    el("p", { class: "muted shift-heading", text: heading }),
    el("strong", { text: `${a.shift.unit} · ${a.shift.name}` }),
    el("p", { class: "facts", text: `${span(a)} · ${T["post_" + a.post] || a.post_label}` }),
  );
}

export async function render() {
  if (!ctx) return;
  const { T, fill, el } = ctx;
  const root = $("#duty");
  if (!root || root.hidden) return;
  const now = new Date();
  const { current, next } = currentAndNext(now);
  const box = el("div", { class: "card duty-shift" }, el("h2", { text: T.dutyMyShift }));
  if (!current && !next) box.append(el("p", { class: "muted", "data-testid": "no-shift", text: T.dutyNoShift }));
  if (current) {
    const s = stateOf(current);
    box.append(shiftCard(current, at(current.shift.starts_at) <= now ? T.dutyNow : T.dutyNext));
    const lines = [];
    if (s.in) lines.push(fill(s.queuedIn ? T.dutyInQueued : T.dutyIn, { time: hm(s.in) }));
    // A tap sent later (queued offline) counts at the device's time; when it arrived is shown too.
    const late = current.clock_in_received_at && at(current.clock_in_received_at) - at(current.clock_in_at) >= 60000;
    if (late) {
      lines.push(fill(T.dutyReceived, { time: hm(current.clock_in_received_at) }));
    }
    if (s.out) lines.push(fill(s.queuedOut ? T.dutyOutQueued : T.dutyOut, { time: hm(s.out) }));
    box.append(el("p", { class: "clock-state", "data-testid": "clock-state", text: lines.join(" · ") || T.dutyNotIn }));
    if (!s.in) {
      const opens = at(current.clock_in_from);
      const button = el("button", { type: "button", class: "primary big", "data-testid": "clock-in", text: T.dutyClockIn });
      if (now < opens) {
        button.disabled = true;
        box.append(el("p", { class: "muted", text: fill(T.dutyOpensAt, { time: hm(current.clock_in_from) }) }));
      }
      button.addEventListener("click", () => tap(current, "in"));
      box.append(button);
    } else if (!s.out) {
      const button = el("button", { type: "button", class: "danger", "data-testid": "clock-out", text: T.dutyClockOut });
      button.addEventListener("click", () => tap(current, "out"));
      box.append(button);
    }
  }
  if (next && next !== current) box.append(shiftCard(next, T.dutyNext));
  for (const item of queue.filter((i) => i.state === "refused")) {
    const row = el(
      "div",
      { class: "refusal", "data-testid": "clock-refused" },
      el("strong", { text: fill(item.direction === "in" ? T.dutyInRefused : T.dutyOutRefused, { time: hm(item.at) }) }),
      el("p", { class: "reason", text: item.reason }),
    );
    const dismiss = el("button", { type: "button", class: "link", text: T.dutyDismiss });
    dismiss.addEventListener("click", async () => {
      await store.del("clock", item.key);
      queue = await store.all("clock");
      render();
    });
    row.append(dismiss);
    box.append(row);
  }
  const syncButton = el("button", { type: "button", class: "secondary", "data-testid": "duty-sync", text: "⟳ " + T.dutySync });
  syncButton.addEventListener("click", () => sync());
  box.append(el("div", { class: "duty-foot" }, el("span", { class: "muted", text: problem }), syncButton));

  root.replaceChildren(box, await trackCard());
}

async function trackCard() {
  const { T, fill, el } = ctx;
  const given = await track.consent();
  const card = el("div", { class: "card duty-track" }, el("h2", { text: T.trackTitle }));
  card.append(el("p", { class: "muted", text: T.trackPurpose }));
  if (!given) {
    const yes = el("button", { type: "button", class: "primary", "data-testid": "consent-yes", text: T.trackAgree });
    const no = el("button", { type: "button", class: "link", "data-testid": "consent-no", text: T.trackDecline });
    yes.addEventListener("click", () => decide(true));
    no.addEventListener("click", () => decide(false));
    card.append(el("div", { class: "actions" }, yes, no));
    return card;
  }
  const s = await track.status();
  const state = !given.granted ? T.trackDeclined : s.recording ? T.trackRecording : T.trackIdle;
  card.append(el("p", { class: "track-state " + (s.recording ? "on" : ""), "data-testid": "track-state", text: state }));
  if (given.granted) {
    card.append(el("p", { class: "facts muted", "data-testid": "track-counts", text: fill(T.trackCounts, { waiting: s.buffered, sent: s.uploaded }) }));
  }
  const change = el("button", {
    type: "button",
    class: given.granted ? "link danger-text" : "secondary",
    "data-testid": given.granted ? "consent-revoke" : "consent-yes",
    text: given.granted ? T.trackRevoke : T.trackAgree,
  });
  change.addEventListener("click", () => {
    if (given.granted && !confirm(T.trackRevokeConfirm)) return;
    decide(!given.granted);
  });
  card.append(change);
  return card;
}

async function decide(granted) {
  await track.setConsent(granted);
  await track.update();
  render();
}

async function tap(a, direction) {
  const { T } = ctx;
  if (direction === "out") {
    track.halt(); // nothing is recorded after the tap
    await track.flush();
  }
  const item = {
    key: crypto.randomUUID(),
    assignment: a.id,
    direction,
    at: new Date().toISOString(),
    createdAt: new Date().toISOString(),
    state: "waiting",
  };
  await store.put("clock", item);
  queue = await store.all("clock");
  ctx.toast(navigator.onLine ? (direction === "in" ? T.dutyClockedIn : T.dutyClockedOut) : T.dutySavedOffline);
  await track.update();
  render();
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("field-duty");
  } catch {
    /* no Background Sync: the page sends when it sees the network */
  }
  sync();
}

function reasonOf(answer) {
  const lines = [answer.message || ""];
  for (const messages of Object.values(answer.fields || {})) {
    for (const m of [].concat(messages)) if (m && !lines.includes(m)) lines.push(m);
  }
  return lines.filter(Boolean).join(" ");
}

// The queued taps first (in the order they were made), then the shifts as the server has them, then
// the track batches (whose points count only once the clock-in they follow is applied).
async function sendClock(token) {
  const waiting = (await store.all("clock"))
    .filter((i) => i.state === "waiting")
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const item of waiting) {
    let response;
    try {
      response = await fetch(`${API}duty/assignments/${item.assignment}/clock-${item.direction}/`, {
        method: "POST",
        headers: { Authorization: "Device " + token, "Content-Type": "application/json", "Idempotency-Key": item.key },
        body: JSON.stringify({ at: item.at }),
      });
    } catch {
      return false;
    }
    if (response.status === 401 || response.status === 429 || response.status >= 500) return false;
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      item.state = "sent";
      shifts = shifts.map((a) => (a.id === answer.id ? answer : a));
    } else {
      item.state = "refused";
      item.reason = reasonOf(answer) || String(response.status);
    }
    await store.put("clock", item);
  }
  return true;
}

async function refreshShifts(token) {
  try {
    const response = await fetch(API + "duty/assignments/", { headers: { Authorization: "Device " + token } });
    if (!response.ok) return;
    shifts = await response.json();
    await store.setMeta("shifts", { at: new Date().toISOString(), results: shifts });
    // Taps the server has applied are in its answer now; the refused stay until dismissed.
    for (const item of await store.all("clock")) if (item.state === "sent") await store.del("clock", item.key);
  } catch {
    /* offline: the cached shifts stay */
  }
}

// One sender at a time across the page and the service worker (Web Locks where there are); the
// service worker runs this too, for Background Sync (no page, so nothing is drawn there).
export function sync() {
  if (globalThis.navigator && navigator.locks) return navigator.locks.request("field-duty-sync", syncOnce);
  return syncOnce();
}

async function syncOnce() {
  if (syncing) return;
  syncing = true;
  try {
    const auth = await db.meta("auth");
    if (!auth || !auth.token || auth.revoked || !navigator.onLine) return;
    const sent = await sendClock(auth.token);
    if (sent) await refreshShifts(auth.token);
    queue = await store.all("clock");
    await track.update();
    if (sent) await track.flush(auth.token);
  } finally {
    syncing = false;
    render();
  }
}

export async function wipe() {
  track.halt();
  shifts = [];
  queue = [];
  await store.wipe();
}

export async function start(helpers) {
  if (ctx) return sync(); // signed in again: the timers run already
  ctx = helpers;
  track.init({
    onDuty: onDutyAt,
    onChange: (why) => {
      problem = why === "locationFailed" ? ctx.T.locationFailed : "";
      render();
    },
  });
  shifts = ((await store.meta("shifts")) || {}).results || [];
  queue = await store.all("clock");
  await track.update();
  window.addEventListener("online", () => sync());
  setInterval(() => {
    track.update();
    if (navigator.onLine) sync();
  }, 30000);
  if (navigator.onLine) sync();
}
