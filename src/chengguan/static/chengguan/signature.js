// The signature pad of the responsibility letter (merchants/detail.html): drawn strokes go into the
// form as a PNG data URL. A static file, because the Content-Security-Policy allows no inline scripts.
document.querySelectorAll(".sign-form").forEach(function (form) {
  var canvas = form.querySelector("canvas"), ctx = canvas.getContext("2d"), drawing = false, drawn = false;
  ctx.lineWidth = 2.5; ctx.lineCap = "round";
  function pos(e) { var r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; }
  canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); });
  canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
  window.addEventListener("pointerup", function () { drawing = false; });
  form.addEventListener("submit", function () { if (drawn) form.querySelector("[name=signature_png]").value = canvas.toDataURL("image/png"); });
});
