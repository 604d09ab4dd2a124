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
