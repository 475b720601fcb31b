// Quire's one script, and every page works without it: like and boost buttons post in the
// background and update in place instead of reloading the page.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("react")) return;
  event.preventDefault();
  const button = form.querySelector("button");
  const response = await fetch(form.action, {
    method: "POST", body: new URLSearchParams(new FormData(form)), headers: { "X-Quire-Fetch": "1" }, credentials: "same-origin",
  }).catch(() => null);
  if (!response || response.status !== 204) { form.submit(); return; }
  const action = form.action.split("/").pop();
  const opposite = { like: "unlike", unlike: "like", boost: "unboost", unboost: "boost" }[action];
  const pressed = action === "like" || action === "boost";
  const count = Number(button.dataset.count || 0) + (pressed ? 1 : -1);
  form.action = form.action.replace(/[a-z]+$/, opposite);
  button.dataset.count = String(count);
  button.setAttribute("aria-pressed", String(pressed));
  const word = { like: "Liked", unlike: "Like", boost: "Boosted", unboost: "Boost" }[action];
  button.firstChild.textContent = word + " ";
  button.querySelector(".n").textContent = String(count);
});

// An import's progress bar follows the server's events while the import runs; when it ends the
// page reloads to show the report. Without JavaScript the page says to refresh.
for (const section of document.querySelectorAll("[data-events]")) {
  const events = new EventSource(section.dataset.events);
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = String(value); };
  events.addEventListener("progress", (event) => {
    const p = JSON.parse(event.data);
    const bar = document.getElementById("import-bar");
    if (bar) { bar.max = Math.max(p.total, 1); bar.value = p.done; bar.textContent = `${p.done} of ${p.total}`; }
    set("import-state", p.state); set("import-done", p.done); set("import-total", p.total);
    set("import-matched", p.matched); set("import-created", p.created); set("import-skipped", p.skipped); set("import-failed", p.failed);
  });
  events.addEventListener("end", () => { events.close(); window.location.reload(); });
}
