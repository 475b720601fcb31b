// Quire's one script, and every page works without it: like and boost buttons post in the
// background and update in place instead of reloading the page.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("react")) return;
  event.preventDefault();
  const button = form.querySelector("button");
  const body = new URLSearchParams(new FormData(form));
  body.set("fetch", "1");
  const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin" }).catch(() => null);
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

// Progress bars (imports, exports) follow the server's events while their job runs: each
// `[data-field]` element inside takes the field of that name, `bar` the progress itself. When the
// job ends the page reloads to show the result. Without JavaScript the page says to refresh.
for (const section of document.querySelectorAll("[data-events]")) {
  const events = new EventSource(section.dataset.events);
  events.addEventListener("progress", (event) => {
    const p = JSON.parse(event.data);
    for (const el of section.querySelectorAll("[data-field]")) {
      const name = el.dataset.field;
      if (name === "bar") { el.max = Math.max(p.total, 1); el.value = p.done; el.textContent = `${p.done} of ${p.total}`; }
      else if (name in p) { el.textContent = String(p[name]); }
    }
  });
  events.addEventListener("end", () => { events.close(); window.location.reload(); });
}
