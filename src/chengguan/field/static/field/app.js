// The field app's page: sign-in with a device token, the report form (category from the cached
// taxonomy, photos with their SHA-256, GPS with accuracy), and the queue with each item's state.
// Texts come from the page's catalog (Django i18n), so the app speaks the page's language offline.

import * as db from "./db.js";
import * as duty from "./duty.js";
import { cachedGrids, gridAt, refreshGrids } from "./grids.js";
import { prepare } from "./photos.js";
import { CHANNEL, syncQueue } from "./sync.js";
import { initTasks, refreshTasks, showTasks } from "./tasks.js";

const T = JSON.parse(document.getElementById("field-strings").textContent);
const CONFIG = JSON.parse(document.getElementById("field-config").textContent);
const LABELS = JSON.parse(document.getElementById("field-labels").textContent);
const $ = (selector, root = document) => root.querySelector(selector);
const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));

const draft = { category: null, photos: [], position: null, editing: null };
let categories = [];
let toastTimer = null;

// ---------------------------------------------------------------------------------------------
// Small helpers

function toast(text) {
  const el = $(".toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 3500);
}

function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(CONFIG.lang === "en" ? "en-GB" : "zh-CN", {
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Views

function show(view) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== view;
  $(".tabs").hidden = view === "signin";
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.setAttribute("aria-current", tab.dataset.tab === view ? "page" : "false");
  }
  if (view === "queue") renderQueue();
  if (view === "me") renderMe();
  if (view === "tasks") showTasks();
  if (view === "duty") duty.render();
}

function setNetwork() {
  const pill = $("[data-testid=net]");
  pill.dataset.state = navigator.onLine ? "online" : "offline";
  pill.textContent = navigator.onLine ? T.online : T.offline;
}

// ---------------------------------------------------------------------------------------------
// Sign-in and sign-out

async function api(path, options = {}) {
  const auth = await db.meta("auth");
  const headers = { ...(options.headers || {}) };
  if (auth && auth.token) headers.Authorization = "Device " + auth.token;
  return fetch(CONFIG.api + path, { ...options, headers });
}

async function refreshCategories() {
  try {
    const response = await api("field/categories");
    if (!response.ok) return;
    categories = await response.json();
    await db.putMany("categories", categories);
  } catch {
    /* offline: keep the cached taxonomy */
  }
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const error = $("[data-testid=signin-error]");
  error.textContent = "";
  if (!navigator.onLine) {
    error.textContent = T.needNetwork;
    return;
  }
  const data = Object.fromEntries(new FormData(form));
  let response;
  try {
    response = await fetch(CONFIG.api + "auth/devices", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
    });
  } catch {
    error.textContent = T.needNetwork;
    return;
  }
  const answer = await response.json().catch(() => ({}));
  if (response.status !== 201) {
    if (answer.code && answer.code.startsWith("auth.otp")) $(".otp", form).hidden = false;
    error.textContent = answer.message || String(response.status);
    return;
  }
  const previous = await db.meta("auth");
  await db.setMeta("auth", { token: answer.token, id: answer.id, device: answer.name, username: data.username });
  if (previous && previous.username !== data.username) await db.clear("queue");
  form.reset();
  try {
    const me = await api("me");
    if (me.ok) {
      const profile = await me.json();
      await db.setMeta("auth", { ...(await db.meta("auth")), fullName: profile.full_name });
    }
  } catch {
    /* the name is a nicety */
  }
  // Everything the phone needs offline, before the app shows: taxonomy, grid outlines, tasks.
  await Promise.all([refreshCategories(), refreshGrids(api), refreshTasks()]);
  show("report");
  sync();
  duty.start({ T, CONFIG, toast, fill, when, el });
}

async function signOut() {
  const unsent = (await db.all("queue")).filter((i) => i.state !== "sent").length;
  if (unsent && !confirm(fill(T.signOutUnsent, { n: unsent }))) return;
  try {
    await api("auth/devices/current", { method: "DELETE" });
  } catch {
    /* offline: the token is forgotten here; an administrator can revoke it */
  }
  for (const store of db.STORES) await db.clear(store);
  await duty.wipe();
  categories = [];
  resetDraft();
  show("signin");
}

// ---------------------------------------------------------------------------------------------
// The report form

function searchCategories(query) {
  const list = $("[data-testid=category-results]");
  list.replaceChildren();
  const q = query.trim().toLowerCase();
  if (!q) return;
  const hits = categories
    .filter((c) => c.name.toLowerCase().includes(q) || c.major.toLowerCase().includes(q) || c.code.startsWith(q))
    .slice(0, 12);
  if (!hits.length) {
    list.append(el("li", { class: "none", text: T.categoryNone }));
    return;
  }
  for (const category of hits) {
    const button = el(
      "button",
      { type: "button", "data-code": category.code },
      el("span", { class: "name", text: category.name }),
      el("span", { class: "major", text: category.major + " · " + category.code }),
    );
    button.addEventListener("click", () => chooseCategory(category));
    list.append(el("li", {}, button));
  }
}

function chooseCategory(category) {
  draft.category = category ? { code: category.code, name: category.name } : null;
  $(".chosen").hidden = !draft.category;
  $(".picker").hidden = Boolean(draft.category);
  $("[data-testid=chosen-category]").textContent = draft.category ? draft.category.name : "";
  $("[data-testid=category-search]").value = "";
  $("[data-testid=category-results]").replaceChildren();
}

function renderPhotos() {
  const box = $("[data-testid=photos]");
  box.replaceChildren();
  draft.photos.forEach((photo, index) => {
    const img = el("img", { src: URL.createObjectURL(photo.blob), alt: photo.name });
    const remove = el("button", { type: "button", class: "remove", "aria-label": T.removePhoto, text: "×" });
    remove.addEventListener("click", () => {
      draft.photos.splice(index, 1);
      renderPhotos();
    });
    box.append(el("figure", {}, img, remove));
  });
}

async function addPhotos(event) {
  for (const file of event.target.files) {
    draft.photos.push(await prepare(file)); // compressed when large or the link slow, EXIF kept aside
  }
  event.target.value = "";
  renderPhotos();
}

async function renderWhere() {
  const p = draft.position;
  $("[data-testid=where]").textContent = p
    ? `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)} · ${fill(T.located, { m: Math.round(p.accuracy) })}`
    : "";
  // The grid from the cached outlines (on the device, offline too); the server computes its own.
  if (p) p.grid = await gridAt(p.lon, p.lat);
  $("[data-testid=where-grid]").textContent = p ? (p.grid ? fill(T.gridOnDevice, { code: p.grid }) : T.gridUnknown) : "";
}

function locate() {
  const where = $("[data-testid=where]");
  if (!navigator.geolocation) {
    where.textContent = T.locationFailed;
    return;
  }
  where.textContent = T.locating;
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      draft.position = {
        lon: pos.coords.longitude,
        lat: pos.coords.latitude,
        accuracy: pos.coords.accuracy,
        at: new Date(pos.timestamp).toISOString(),
      };
      renderWhere();
    },
    () => (where.textContent = T.locationFailed),
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 },
  );
}

function resetDraft() {
  draft.photos = [];
  draft.position = null;
  draft.editing = null;
  chooseCategory(null);
  $("[data-testid=description]").value = "";
  $("[data-testid=report-error]").textContent = "";
  renderPhotos();
  renderWhere();
}

async function saveReport(event) {
  event.preventDefault();
  const description = $("[data-testid=description]").value.trim();
  if (!draft.category || !draft.position || !description) {
    $("[data-testid=report-error]").textContent = T.missing;
    return;
  }
  const item = {
    key: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    state: "waiting",
    category: draft.category,
    description,
    lon: draft.position.lon,
    lat: draft.position.lat,
    accuracy: draft.position.accuracy,
    capturedAt: draft.position.at || new Date().toISOString(),
    grid: draft.position.grid || "",
    photos: draft.photos,
  };
  // A corrected refusal replaces the refused item (which the server never stored) with a new key.
  if (draft.editing) await db.del("queue", draft.editing);
  await db.put("queue", item);
  resetDraft();
  toast(T.saved);
  await renderBadge();
  requestSync();
}

// ---------------------------------------------------------------------------------------------
// The queue

const STATE_TEXT = { waiting: "stateWaiting", sending: "stateSending", sent: "stateSent", refused: "stateRefused" };

async function renderBadge() {
  const pending = (await db.all("queue")).filter((i) => i.state !== "sent").length;
  const badge = $("[data-testid=badge]");
  badge.textContent = String(pending);
  badge.hidden = pending === 0;
}

function editRefused(item) {
  draft.editing = item.key;
  chooseCategory(null);
  $("[data-testid=description]").value = item.description;
  draft.photos = item.photos.filter((p) => p.blob);
  draft.position = { lon: item.lon, lat: item.lat, accuracy: item.accuracy, at: item.capturedAt };
  renderPhotos();
  renderWhere();
  show("report");
}

async function renderQueue() {
  const items = (await db.all("queue")).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const list = $("[data-testid=queue]");
  list.replaceChildren();
  $("#queue .empty").hidden = items.length > 0;
  for (const item of items) {
    const head = el(
      "div",
      { class: "item-head" },
      el("strong", { text: item.category.name }),
      el("span", { class: "state " + item.state, "data-testid": "state", text: T[STATE_TEXT[item.state]] }),
    );
    const body = el("p", { class: "desc", text: item.description });
    const facts = el("p", { class: "facts muted" });
    facts.textContent = [
      fill(T.capturedAt, { time: when(item.capturedAt) }),
      item.photos.length ? fill(T.photoCount, { n: item.photos.length }) : "",
      item.grid ? fill(T.gridOf, { code: item.grid }) : "",
      item.serverGrid && item.serverGrid !== item.grid ? fill(T.gridServer, { code: item.serverGrid }) : "",
      item.receivedAt ? fill(T.receivedAt, { time: when(item.receivedAt) }) : "",
    ]
      .filter(Boolean)
      .join(" · ");
    const row = el("li", { class: "item " + item.state, "data-key": item.key }, head, body, facts);
    if (item.state === "sent") {
      row.append(el("p", { class: "number", "data-testid": "case-number", text: fill(T.caseNumber, { number: item.caseNumber }) }));
    }
    if (item.kind === "action" && item.caseState) {
      row.append(el("p", { class: "note", "data-testid": "case-state", text: fill(T.caseStateNow, { state: LABELS.states[item.caseStateCode] || item.caseState }) }));
    }
    if (item.state === "waiting" && item.note) {
      row.append(el("p", { class: "note muted", text: item.note === "auth" ? T.signInAgain : T.networkError }));
    }
    if (item.state === "refused") {
      row.append(el("p", { class: "reason", "data-testid": "reason", text: item.reason }));
      const edit = item.kind === "action" ? null : el("button", { type: "button", class: "secondary", text: T.edit });
      edit?.addEventListener("click", () => editRefused(item));
      const discard = el("button", { type: "button", class: "link danger-text", text: T.discard });
      discard.addEventListener("click", async () => {
        if (!confirm(T.discardConfirm)) return;
        await db.del("queue", item.key);
        renderQueue();
        renderBadge();
      });
      row.append(el("div", { class: "actions" }, edit, discard));
    }
    list.append(row);
  }
  const last = await db.meta("lastSync");
  $("[data-testid=last-sync]").textContent = last ? fill(T.lastSync, { time: when(last) }) : "";
  renderBadge();
}

// ---------------------------------------------------------------------------------------------
// My tasks: tasks.js (cached with their photos; steps queued like reports)

function currentPosition() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({ lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
    );
  });
}

async function renderMe() {
  const auth = (await db.meta("auth")) || {};
  $("[data-testid=who]").textContent = [auth.fullName, auth.username].filter(Boolean).join(" · ");
  $("#me .device").textContent = auth.device || "";
  $("#me .cached").textContent = fill(T.categoriesCached, { n: categories.length });
  $("#me .grids").textContent = fill(T.gridsCached, { n: (await cachedGrids()).grids.length });
}

// ---------------------------------------------------------------------------------------------
// Sending

let syncing = false;
let again = false;

// One run at a time in this page; a request during a run makes one more run after it.
async function sync() {
  if (syncing) {
    again = true;
    return;
  }
  syncing = true;
  try {
    do {
      again = false;
      const outcome = await syncQueue();
      if (outcome && outcome.stopped === "auth" && (await db.meta("auth"))?.revoked) {
        $("[data-testid=signin-error]").textContent = T.signInAgain;
        show("signin");
        again = false;
      }
    } while (again);
  } finally {
    syncing = false;
    if (!$("#queue").hidden) renderQueue();
    if (!$("#tasks").hidden) showTasks();
    renderBadge();
  }
}

async function requestSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("field-queue");
  } catch {
    /* no Background Sync: the page sends when it sees the network */
  }
  if (navigator.onLine) sync();
}

// ---------------------------------------------------------------------------------------------
// Start

function wire() {
  initTasks({ api, T, LABELS, el, fill, when, toast, position: currentPosition, afterQueue: () => renderBadge().then(requestSync) });
  $("#signin-form").addEventListener("submit", signIn);
  $("#report-form").addEventListener("submit", saveReport);
  $("[data-testid=category-search]").addEventListener("input", (e) => searchCategories(e.target.value));
  $("[data-testid=photo-input]").addEventListener("change", addPhotos);
  $("[data-action=locate]").addEventListener("click", locate);
  $("[data-action=change-category]").addEventListener("click", () => chooseCategory(null));
  $("[data-action=sync]").addEventListener("click", sync);
  $("[data-action=signout]").addEventListener("click", signOut);
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.addEventListener("click", () => show(tab.dataset.tab));
  }
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => {
      document.cookie = `${CONFIG.languageCookie}=${button.dataset.lang}; path=/; max-age=31536000; SameSite=Lax`;
      location.reload();
    });
  }
  window.addEventListener("online", () => {
    setNetwork();
    sync();
  });
  window.addEventListener("offline", setNetwork);
  try {
    new BroadcastChannel(CHANNEL).onmessage = () => {
      if (!$("#queue").hidden) renderQueue();
      renderBadge();
    };
  } catch {
    /* no BroadcastChannel */
  }
  setInterval(() => navigator.onLine && sync(), 30000);
}

async function start() {
  wire();
  setNetwork();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(CONFIG.sw, { scope: CONFIG.scope, type: "module" }).catch(() => {});
  }
  navigator.storage?.persist?.().catch(() => {});
  $("#signin-form [name=name]").value = T.deviceNameDefault;
  categories = await db.all("categories");
  const auth = await db.meta("auth");
  if (!auth || !auth.token || auth.revoked) {
    if (auth?.revoked) $("[data-testid=signin-error]").textContent = T.signInAgain;
    show("signin");
    return;
  }
  show("report");
  renderBadge();
  duty.start({ T, CONFIG, toast, fill, when, el });
  if (navigator.onLine) {
    refreshCategories();
    refreshTasks();
    refreshGrids(api);
    sync();
  }
}

start().finally(() => (document.documentElement.dataset.ready = "1"));
