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
