/* The resumable, chunked upload of a live session's recording (recordings run to gigabytes).

   The server's protocol (outreach API): POST /api/v1/outreach/broadcasts/<id>/recordings/ {name, size}
   opens an upload; POST /api/v1/outreach/recordings/<id>/chunks/ (multipart: offset, chunk) appends
   one part at `offset`, which must equal the bytes received so far; GET /api/v1/outreach/recordings/<id>/
   says `received`. After the last part the server joins the parts and computes the SHA-256, which
   this page then shows (no SHA-256 library is vendored and WebCrypto cannot hash a file piecewise, so
   the browser does not hash the file itself).

   Resuming: after a failed part the uploader asks the server for `received` and carries on from there
   (a part may have arrived even if its answer was lost); after a reload, picking the same file (same
   name and size as an unfinished upload of this session, and — when this browser started it — the
   same modification time) carries on where the server stopped. */
(function () {
  "use strict";

  const CHUNK = 8 * 1024 * 1024;
  const RETRIES = [1000, 2000, 4000]; // waits before the 1st, 2nd, 3rd retry of a failed part

  function setup(root) {
    const input = root.querySelector("input[type=file]");
    const button = root.querySelector("[data-role=start]");
    const bar = root.querySelector("progress");
    const status = root.querySelector("[data-role=status]");
    const result = root.querySelector("[data-role=result]");
    const csrf = root.dataset.csrf;
    const msg = (key) => root.dataset["msg" + key] || key;
    const unfinished = JSON.parse(document.getElementById(root.dataset.unfinished).textContent || "[]");
    let busy = false;
    let current = null; // {id, file}

    const headers = (json) => {
      const h = { "X-CSRFToken": csrf, Accept: "application/json" };
      if (json) h["Content-Type"] = "application/json";
      return h;
    };
    const mb = (n) => (n / 1048576).toFixed(1);
    const say = (text, state) => {
      status.textContent = text;
      root.dataset.state = state;
    };
    const show = (received, size) => {
      bar.max = size;
      bar.value = received;
      const pct = size ? Math.floor((received * 100) / size) : 0;
      bar.textContent = pct + "%";
      say(msg("Progress").replace("{done}", mb(received)).replace("{size}", mb(size)).replace("{pct}", pct + "%"), "uploading");
    };
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    async function answer(response) {
      let body = {};
      try {
        body = await response.json();
      } catch (e) {
        /* not JSON */
      }
      if (!response.ok) {
        const fields = body.fields || {};
        const first = Object.values(fields)[0];
        const err = new Error((first && first[0]) || body.message || response.statusText);
        err.status = response.status;
        err.code = body.code || "";
        throw err;
      }
      return body;
    }

    async function received(id) {
      const r = await fetch(root.dataset.recordingUrl.replace("/0/", "/" + id + "/"), {
        headers: headers(false),
        credentials: "same-origin",
      });
      return (await answer(r)).received;
    }

    // Which file (by its modification time) each upload of this browser came from, so that another
    // file that merely has the same name and size is not appended to it.
    const seen = (id) => {
      try {
        return window.localStorage.getItem("recording-upload:" + id);
      } catch (e) {
        return null;
      }
    };
    const remember = (id, file) => {
      try {
        window.localStorage.setItem("recording-upload:" + id, String(file.lastModified));
      } catch (e) {
        /* private mode: the name and size alone */
      }
    };

    async function open(file) {
      const again = unfinished.find(
        (u) =>
          u.name === file.name &&
          u.size === file.size &&
          (seen(u.id) === null || seen(u.id) === String(file.lastModified))
      );
      if (again) return again.id;
      const r = await fetch(root.dataset.startUrl, {
        method: "POST",
        headers: headers(true),
        credentials: "same-origin",
        body: JSON.stringify({ name: file.name, size: file.size }),
      });
      const rec = await answer(r);
      unfinished.push({ id: rec.id, name: file.name, size: file.size });
      remember(rec.id, file);
      return rec.id;
    }

    async function send(id, file, offset) {
      const form = new FormData();
      form.append("offset", String(offset));
      form.append("chunk", file.slice(offset, Math.min(offset + CHUNK, file.size)), file.name);
      const r = await fetch(root.dataset.chunkUrl.replace("/0/", "/" + id + "/"), {
        method: "POST",
        headers: headers(false),
        credentials: "same-origin",
        body: form,
      });
      return answer(r);
    }

    async function run() {
      const { id, file } = current;
      let offset = await received(id);
      show(offset, file.size);
      let rec = null;
      while (offset < file.size) {
        let attempt = 0;
        for (;;) {
          try {
            rec = await send(id, file, offset);
            break;
          } catch (err) {
            // A refusal of the data itself (4xx other than a wrong offset) will not get better.
            if (err.status && err.status < 500 && err.code !== "recording.bad_offset") throw err;
            if (attempt >= RETRIES.length) throw Object.assign(err, { resumable: true });
            say(msg("Retrying"), "retrying");
            await wait(RETRIES[attempt++]);
            try {
              offset = await received(id);
            } catch (e) {
              /* still offline: the next attempt says so */
            }
            show(offset, file.size);
            if (offset >= file.size) break;
          }
        }
        if (rec && rec.received > offset) offset = rec.received;
        show(offset, file.size);
      }
      if (!rec || !rec.sha256) {
        const r = await fetch(root.dataset.recordingUrl.replace("/0/", "/" + id + "/"), {
          headers: headers(false),
          credentials: "same-origin",
        });
        rec = await answer(r);
      }
      bar.value = bar.max;
      say(msg("Done"), "done");
      result.hidden = false;
      result.querySelector("[data-role=sha256]").textContent = rec.sha256;
    }

    async function go() {
      if (busy) return;
      const file = input.files && input.files[0];
      if (!file) {
        say(msg("Pick"), "idle");
        return;
      }
      busy = true;
      button.disabled = true;
      result.hidden = true;
      try {
        if (!current || current.file !== file) current = { id: await open(file), file: file };
        await run();
      } catch (err) {
        if (err.resumable || err instanceof TypeError) {
          say(msg("Interrupted"), "interrupted");
        } else {
          say(err.message, "error");
        }
      } finally {
        busy = false;
        button.disabled = false;
      }
    }

    button.addEventListener("click", go);
    // Back online after an interruption: carry on by itself.
    window.addEventListener("online", () => {
      if (root.dataset.state === "interrupted") go();
    });
  }

  document.querySelectorAll("[data-recording-upload]").forEach(setup);
})();
