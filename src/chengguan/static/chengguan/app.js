/* Small behaviours shared by the pages (HTMX does the rest). */
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", (event) => {
    const node = event.detail.elt;
    if (!node.classList || !node.classList.contains("tree-node") || !event.detail.successful) return;
    document.querySelectorAll(".tree-node.selected").forEach((el) => el.classList.remove("selected"));
    node.classList.add("selected");
  });
})();

/* A form with data-confirm asks before it is sent (the CSP allows no inline handlers). */
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

/* The side menu's badges (my to-dos, ratings waiting) are counted after the page has loaded, so no
   page waits for them; a count of 0 shows no badge. */
window.addEventListener("load", () => {
  const nav = document.querySelector("nav[data-badges-url]");
  const spots = nav ? nav.querySelectorAll("[data-badge]") : [];
  if (!spots.length) return;
  fetch(nav.dataset.badgesUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : { badges: {} }))
    .then(({ badges }) => {
      spots.forEach((spot) => {
        const badge = badges[spot.dataset.badge];
        if (!badge || !badge.count) {
          spot.remove();
          return;
        }
        spot.textContent = String(badge.count);
        spot.title = badge.title;
        spot.hidden = false;
      });
    })
    .catch(() => {});
});
