// My tasks: the caller's own 核实 / 签收 / 处置反馈 / 核查 tasks from /api/v1/field/tasks (their scope
// only, reporters masked by the server), cached in IndexedDB with their photos for reading offline.
// A step taken here is queued like a report (its own idempotency key, its photos with their SHA-256
// and EXIF) and sent by sync.js to the field API, which applies it through the case machine.

import * as db from "./db.js";
import { prepare } from "./photos.js";

let ctx = null; // what app.js lends: api, T, LABELS, el, fill, when, toast, afterQueue, position
const $ = (selector, root = document) => root.querySelector(selector);
const PHOTO = "photo:";

export function initTasks(context) {
  ctx = context;
}

async function cachePhotos(tasks) {
  const wanted = new Set(tasks.flatMap((t) => t.photos.map((p) => PHOTO + p.url)));
  const cached = new Set((await db.all("meta")).filter((row) => row.name.startsWith(PHOTO)).map((row) => row.name));
  for (const name of cached) if (!wanted.has(name)) await db.del("meta", name);
  for (const name of wanted) {
    if (cached.has(name)) continue;
    try {
      const response = await ctx.api(name.slice(PHOTO.length).replace(/^\/api\/v1\//, ""));
      if (response.ok) await db.setMeta(name, await response.blob());
    } catch {
      return; /* the network went: the rest next time */
    }
  }
}

export async function refreshTasks() {
  try {
    const response = await ctx.api("field/tasks");
    if (!response.ok) return false;
    const tasks = await response.json();
    await db.setMeta("tasks", { at: new Date().toISOString(), results: tasks });
    await cachePhotos(tasks);
    return true;
  } catch {
    return false; /* offline: the cached list stays */
  }
}

async function queuedSteps() {
  const steps = new Map();
  const items = (await db.all("queue")).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const item of items) {
    if (item.kind === "action" && item.state !== "sent") steps.set(item.caseId, item); // the latest
  }
  return steps;
}

function photoInput(testid, multiple = false) {
  const { el, T } = ctx;
  const input = el("input", { type: "file", accept: "image/*", capture: "environment", "data-testid": testid });
  if (multiple) input.multiple = true;
  const count = el("span", { class: "muted picked" });
  input.addEventListener("change", () => (count.textContent = input.files.length ? ctx.fill(T.photoCount, { n: input.files.length }) : ""));
  const label = el("label", { class: "photo-button small" }, el("span", { text: T.addPhoto }), input);
  return { node: el("div", { class: "photo-row" }, label, count), input };
}

function choice(name, options, testid) {
  const { el } = ctx;
  const box = el("div", { class: "segmented", role: "radiogroup", "data-testid": testid });
  options.forEach(([value, label], index) => {
    const input = el("input", { type: "radio", name, value });
    if (index === 0) input.checked = true;
    box.append(el("label", {}, input, el("span", { text: label })));
  });
  return box;
}

// The form of one step, built from what the server says the user may do now.
function stepForm(task) {
  const { el, T } = ctx;
  const form = el("form", { class: "step", "data-testid": "step-form", novalidate: "" });
  const error = el("p", { class: "error", role: "alert" });
  const actions = task.actions;
  let photos = null;
  if (actions.includes("check")) {
    form.dataset.action = "check";
    form.append(
      el("h3", { text: T.checkTitle }),
      choice("finding", [["confirmed", T.findingConfirmed], ["not_found", T.findingNotFound]], "finding"),
      el("input", { name: "check_note", maxlength: "200", placeholder: T.checkNote, "data-testid": "check-note" }),
    );
    photos = photoInput("check-photo");
  } else if (actions.includes("handle")) {
    form.dataset.action = "handle";
    form.append(
      el("h3", { text: T.handleTitle }),
      el("textarea", { name: "result", rows: "3", maxlength: "2000", placeholder: T.resultPlaceholder, "data-testid": "handle-result" }),
    );
    photos = photoInput("handle-photo", true);
  } else if (actions.includes("verify")) {
    form.dataset.action = "verify";
    const reason = el("textarea", { name: "reason", rows: "2", maxlength: "2000", placeholder: T.reworkReason, "data-testid": "rework-reason", hidden: "" });
    const pass = choice("outcome", [["verify", T.verifyPass], ["rework", T.verifyFail]], "outcome");
    pass.addEventListener("change", () => (reason.hidden = form.elements.outcome.value !== "rework"));
    form.append(el("h3", { text: T.verifyTitle }), pass, reason);
    photos = photoInput("verify-photo");
  }
  if (photos) form.append(photos.node);
  if (actions.includes("accept")) {
    const accept = el("button", { type: "button", class: "secondary", "data-testid": "accept", text: T.acceptTask });
    accept.addEventListener("click", () => queueStep(task, "accept", {}, []));
    form.append(accept);
  }
  if (form.dataset.action) {
    form.append(error, el("button", { type: "submit", class: "primary", "data-testid": "step-submit", text: T.saveStep }));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    let action = form.dataset.action;
    const fields = {};
    const files = photos ? [...photos.input.files] : [];
    if (action === "check") {
      fields.finding = form.elements.finding.value;
      if (form.elements.check_note.value.trim()) fields.check_note = form.elements.check_note.value.trim();
    } else if (action === "handle") {
      fields.result = form.elements.result.value.trim();
      if (!fields.result || !files.length) return (error.textContent = T.handleMissing);
    } else if (action === "verify") {
      action = form.elements.outcome.value;
      if (action === "rework") {
        fields.reason = form.elements.reason.value.trim();
        if (!fields.reason) return (error.textContent = T.reworkMissing);
      } else if (!files.length) return (error.textContent = T.verifyMissing);
    }
    await queueStep(task, action, fields, files);
  });
  return form;
}

async function queueStep(task, action, fields, files) {
  const { T, fill } = ctx;
  const position = action === "accept" ? null : await ctx.position();
  const photos = [];
  for (const file of files) photos.push(await prepare(file));
  const words = { check: T.stepCheck, accept: T.stepAccept, handle: T.stepHandle, verify: T.stepVerify, rework: T.stepRework };
  await db.put("queue", {
    key: crypto.randomUUID(),
    kind: "action",
    via: "field",
    action,
    caseId: task.id,
    caseNumber: task.number,
    createdAt: new Date().toISOString(),
    state: "waiting",
    category: { code: task.category.code, name: fill(words[action], { number: task.number }) },
    description: fields.result || fields.reason || fields.check_note || task.category.name,
    fields,
    lon: position ? position.lon : null,
    lat: position ? position.lat : null,
    accuracy: position ? position.accuracy : null,
    capturedAt: new Date().toISOString(),
    photos,
  });
  ctx.toast(T.saved);
  await ctx.afterQueue();
  renderTasks(false, { force: true });
}

async function photoStrip(task) {
  const { el } = ctx;
  const strip = el("div", { class: "photos task-photos", "data-testid": "task-photos" });
  for (const photo of task.photos) {
    const blob = await db.meta(PHOTO + photo.url);
    if (!blob) continue;
    strip.append(el("figure", {}, el("img", { src: URL.createObjectURL(blob), alt: photo.stage_name, title: photo.stage_name })));
  }
  return strip.childElementCount ? strip : null;
}

let generation = 0;

export async function renderTasks(fresh, { force = false } = {}) {
  const { el, T, fill, when, LABELS } = ctx;
  // A step being filled in is not wiped by a background refresh.
  if (!force && document.querySelector("#tasks details.act[open]")) return;
  const mine = ++generation; // a later render wins; an earlier one still building is dropped
  const cached = (await db.meta("tasks")) || { at: null, results: [] };
  const steps = await queuedSteps();
  const rows = [];
  for (const task of cached.results) {
    const head = el(
      "div",
      { class: "item-head" },
      el("strong", { text: task.category.name }),
      el("span", { class: "state task", text: LABELS.states[task.state] || task.state_label }),
    );
    const facts = [task.number, task.grid, LABELS.urgency[task.urgency], task.stage_due_at ? fill(T.dueAt, { time: when(task.stage_due_at) }) : ""];
    const row = el(
      "li",
      { class: "item task " + (task.urgency || ""), "data-testid": "task", "data-case": String(task.id) },
      head,
      el("p", { class: "facts muted", text: facts.filter(Boolean).join(" · ") }),
      el("p", { class: "desc", text: task.description }),
    );
    if (task.address) row.append(el("p", { class: "facts muted", text: task.address }));
    if (task.result) row.append(el("p", { class: "facts", text: fill(T.handledResult, { result: task.result }) }));
    if (task.reporter_phone || task.reporter_name) {
      row.append(el("p", { class: "facts muted", "data-testid": "reporter", text: fill(T.reporter, { name: task.reporter_name || "", phone: task.reporter_phone || "" }) }));
    }
    const strip = await photoStrip(task);
    if (strip) row.append(strip);
    const queued = steps.get(task.id);
    if (queued) {
      row.append(el("p", { class: "note", "data-testid": "task-queued", text: fill(T.stepQueued, { step: queued.category.name }) }));
      // Accepted offline on site: the handling can be queued right after it (sent in that order).
      if (queued.action === "accept" && queued.state === "waiting") {
        const next = { ...task, actions: ["handle"] };
        row.append(el("details", { class: "act" }, el("summary", { "data-testid": "task-open", text: T.actHandle }), stepForm(next)));
      }
    } else {
      const first = ["check", "handle", "verify", "accept"].find((a) => task.actions.includes(a)) || "accept";
      const title = { check: T.actCheck, accept: T.actAccept, handle: T.actHandle, verify: T.actVerify }[first];
      const details = el("details", { class: "act" }, el("summary", { "data-testid": "task-open", text: title }), stepForm(task));
      row.append(details);
    }
    rows.push(row);
  }
  if (mine !== generation) return;
  // A fold opened while the list was being built (its reads are asynchronous) is kept too.
  if (!force && document.querySelector("#tasks details.act[open]")) return;
  $("[data-testid=tasks-note]").textContent = cached.at ? fill(fresh ? T.tasksFetchedAt : T.tasksCachedAt, { time: when(cached.at) }) : "";
  $("[data-testid=tasks]").replaceChildren(...rows);
  $("#tasks .empty").hidden = cached.results.length > 0;
}

// The cached list at once, then the server's when it answers.
export async function showTasks() {
  await renderTasks(false);
  if (navigator.onLine && (await refreshTasks())) await renderTasks(true);
}
