// The portal-mock dashboard: polls the control API and steers the mock
// through it.  The admin token (when the server has one) arrives once as
// ?token=, is kept in sessionStorage and sent as a Bearer header.
"use strict";
(function () {
  const STORE = "portal-mock-admin-token";
  const query = new URLSearchParams(location.search);
  if (query.has("token")) {
    sessionStorage.setItem(STORE, query.get("token"));
    history.replaceState(null, "", location.pathname);
  }
  const body = document.body;
  if (body.id === "login") {
    const kept = sessionStorage.getItem(STORE);
    if (body.dataset.refused === "yes") sessionStorage.removeItem(STORE);
    else if (kept) location.replace(location.pathname + "?token=" + encodeURIComponent(kept));
    return;
  }
  const prefix = body.dataset.prefix;
  const $ = (id) => document.getElementById(id);
  const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const clock = (t) => (t == null ? "—" : new Date(t * 1000).toISOString().slice(11, 23));
  const shown = {};
  const open = new Set();
  let accounts = [];

  async function call(method, path, payload) {
    const headers = {};
    const token = sessionStorage.getItem(STORE);
    if (token) headers.Authorization = "Bearer " + token;
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(prefix + path, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.message || response.status + "");
    return answer;
  }

  // Replace a section only when what it shows changed, so an expanded row,
  // a hover or a click in progress survives the polls that change nothing.
  function paint(id, html) {
    if (shown[id] === html) return;
    shown[id] = html;
    $(id).innerHTML = html;
  }

  function options(select, items) {
    const html = items.map(([value, text]) => `<option value="${esc(value)}">${esc(text)}</option>`).join("");
    if (select.dataset.items === html) return;
    const kept = select.value;
    select.dataset.items = html;
    select.innerHTML = (select.id === "filter-account" ? '<option value="">any</option>' : "") + html;
    if ([...select.options].some((o) => o.value === kept)) select.value = kept;
  }

  function renderAccounts() {
    paint("accounts", "<thead>" + $("accounts").tHead.innerHTML + "</thead><tbody>" + accounts.map((a) => `<tr class="account" data-account="${a.account}">
      <td>${a.account} ${esc(a.label)}</td><td>${esc(a.clock.kind)} ${clock(a.clock.now)}</td>
      <td>${a.keys.map((k) => `<code>${esc(k.key)}</code> (${esc(k.scenario || "active")})`).join("<br>")}</td>
      <td>${a.counts.tickets}</td><td>${a.counts.webhooks}</td><td>${a.counts.tasks}</td></tr>`).join("") + "</tbody>");
    options($("steer-account"), accounts.map((a) => [a.account, `${a.account} ${a.label} (${a.clock.kind})`]));
    options($("filter-account"), accounts.map((a) => [a.account, `${a.account} ${a.label}`]));
    options($("steer-key"), accounts.flatMap((a) => a.keys.map((k) => [k.ref, `${k.key} — account ${a.account} (${k.scenario || "active"})`])));
  }

  function timeline(a) {
    const now = a.clock.now;
    const ends = a.tasks.flatMap((t) => [t.queued_at, t.due_at ?? now, t.resolved_at ?? now]);
    const start = Math.min(now, ...ends), end = Math.max(now, ...ends);
    const x = (t) => (end > start ? (100 * (t - start)) / (end - start) : 0).toFixed(2) + "%";
    const outcomes = $("outcomes").innerHTML;
    const rows = a.tasks.slice().reverse().map((t) => {
      const until = t.resolved_at ?? t.due_at ?? now;
      const when = t.status !== "pending" ? `resolved ${clock(t.resolved_at)}`
        : t.after_polls != null ? `resolves on poll ${t.after_polls} (${t.polls} so far)`
        : t.due_at == null ? "resolves only when told" : `resolves at ${clock(t.due_at)} (in ${Math.max(0, t.due_at - now).toFixed(1)} s)`;
      return `<li class="task ${esc(t.status)}" data-uuid="${esc(t.uuid)}">
        <span class="status">${esc(t.status)}</span> <code>${esc(t.action)}</code> <span class="muted">${esc(t.uuid)}</span>
        queued ${clock(t.queued_at)}, ${esc(when)} ${t.status === "pending" ? outcomes : ""}
        <svg class="bar" viewBox="0 0 100 4" preserveAspectRatio="none"><rect class="span" x="${x(t.queued_at)}" y="0.5" height="3"
          width="${(parseFloat(x(until)) - parseFloat(x(t.queued_at)) + 0.5).toFixed(2)}%"/><rect class="now" x="${x(now)}" y="0" width="0.4%" height="4"/></svg></li>`;
    });
    return `<div class="timeline" data-account="${a.account}"><h3>Account ${a.account} ${esc(a.label)}
      <span class="muted">clock ${esc(a.clock.kind)} at <span class="now-time">${clock(now)}</span></span></h3><ul>${rows.join("")}</ul></div>`;
  }

  function renderRequests(journal) {
    const account = $("filter-account").value, key = $("filter-key").value.trim(), action = $("filter-action").value.trim();
    const status = $("filter-status").value, rule = $("filter-rule").value.trim().toLowerCase();
    const rows = journal.requests.slice().reverse().filter((r) =>
      (!account || String(r.account) === account) && (!key || (r.key || "").endsWith(key.replace("…", ""))) &&
      (!action || r.action === action) && (!status || String(r.status)[0] === status[0]) &&
      (!rule || `${r.scenario}: ${r.rule}`.toLowerCase().includes(rule)));
    $("request-count").textContent = `${rows.length} shown of ${journal.total}` + (journal.dropped ? `, ${journal.dropped} dropped` : "");
    paint("requests", "<thead>" + $("requests").tHead.innerHTML + "</thead><tbody>" + rows.map((r) => {
      const row = `<tr class="request s${String(r.status)[0]}xx" data-id="${r.id}"><td>${r.id}</td><td>${clock(r.time)}</td><td>${esc(r.method)}</td>
        <td>${esc(r.path)}${r.query ? "?" + esc(r.query) : ""}</td><td>${esc(r.action || "—")}</td><td class="status">${r.status}</td>
        <td>${r.account ?? "—"}</td><td><code>${esc(r.key || "—")}</code></td><td>${r.rule ? esc(r.scenario + ": " + r.rule) : "—"}</td></tr>`;
      if (!open.has(r.id)) return row;
      const misses = (r.near_misses || []).map((m) => `<li>${esc(m.method)} ${esc(m.path)} (${esc(m.action)}): ${esc(m.why)}</li>`).join("");
      return row + `<tr class="detail" data-id="${r.id}"><td colspan="9">
        <p>answered <strong>${r.status}</strong> in ${r.duration_ms} ms; ${r.rule ? `decided by <strong>${esc(r.scenario)}</strong>: ${esc(r.rule)}` : "no scenario rule matched"}</p>
        <h4>headers</h4><pre class="headers">${esc(Object.entries(r.headers).map(([n, v]) => n + ": " + v).join("\n"))}</pre>
        <h4>body${r.body_truncated ? ` <span class="muted">(truncated: the start of ${r.body_bytes} bytes sent)</span>` : ""}</h4><pre class="body">${esc(r.body_truncated ? r.body : JSON.stringify(r.body, null, 2))}</pre>
        ${misses ? `<h4>near misses</h4><ul class="near-misses">${misses}</ul>` : ""}${r.error ? `<h4>error</h4><pre>${esc(r.error)}</pre>` : ""}</td></tr>`;
    }).join("") + "</tbody>");
  }

  function renderScenarios(scenarios) {
    paint("scenarios", scenarios.map((s) => `<div class="scenario${s.active ? " active" : ""}" data-name="${esc(s.name)}">
      <h3>${esc(s.name)}${s.active ? " (active)" : ""} <span class="muted">${esc(s.origin)}</span></h3><p>${esc(s.description)}</p>
      <ol>${s.hits.map((h) => `<li><strong>${esc(h.rule)}</strong> ${esc(h.does)} — <span class="hits">${h.hits}</span> hit${h.hits === 1 ? "" : "s"}</li>`).join("")}</ol></div>`).join(""));
  }

  async function deliveries() {
    const watched = accounts.filter((a) => a.counts.webhooks > 0 && a.keys.length);
    const lists = await Promise.all(watched.map((a) => call("GET", "/deliveries?key=" + encodeURIComponent(a.keys[0].ref))));
    const rows = lists.flatMap((list, i) => list.map((d) => `<tr class="delivery ${d.delivered ? "ok" : "failed"}"><td>${watched[i].account}</td><td>${clock(d.at)}</td>
      <td>${d.webhook_id}</td><td><code>${esc(d.task_uuid)}</code> ${esc(d.action)}</td><td>${d.number}</td><td>${esc(d.url)}</td>
      <td>${d.status ?? esc(d.error)}</td></tr>`)).reverse();
    paint("deliveries", "<thead>" + $("deliveries").tHead.innerHTML + "</thead><tbody>" + rows.join("") + "</tbody>");
  }

  let journal = { requests: [], total: 0, dropped: 0 };
  let busy = false;
  async function refresh() {
    if ($("paused").checked || busy) return;
    busy = true;
    try {
      const [health, listed, requests, scenarios] = await Promise.all([
        call("GET", "/health"), call("GET", "/accounts"), call("GET", "/requests?limit=500"), call("GET", "/scenarios")]);
      accounts = listed.accounts;
      journal = requests;
      $("active").textContent = health.scenario;
      $("reload-error").hidden = !health.reload_error;
      $("reload-error").textContent = health.reload_error ? "The last edit of the scenario files was not loaded:\n" + health.reload_error : "";
      renderAccounts();
      paint("tasks", accounts.filter((a) => a.tasks.length).map(timeline).join("") || '<p class="muted">No tasks yet.</p>');
      renderRequests(journal);
      renderScenarios(scenarios);
      await deliveries();
      $("updated").textContent = "updated " + new Date().toLocaleTimeString();
      $("updated").className = "muted";
    } catch (error) {
      $("updated").textContent = "cannot read the control API: " + error.message;
      $("updated").className = "error";
    } finally {
      busy = false;
    }
  }

  async function steer(method, path, payload) {
    if ("key" in payload && !payload.key) return flash("Pick an account or key that has a key to steer it by.", "flash error");
    while (busy) await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      const answer = await call(method, path, payload);
      flash(`${method} ${path}: ${JSON.stringify(answer).slice(0, 200)}`, "flash");
    } catch (error) {
      flash(`${method} ${path}: ${error.message}`, "flash error");
    }
    await refresh();
  }

  function flash(text, className) {
    $("flash").hidden = false;
    $("flash").className = className;
    $("flash").textContent = text;
  }

  const refOf = (id) => (accounts.find((a) => String(a.account) === id)?.keys[0] || {}).ref;
  $("clock-form").addEventListener("submit", (event) => {
    event.preventDefault();
    steer("POST", "/clock/advance", { seconds: Number($("advance-seconds").value), key: refOf($("steer-account").value) });
  });
  $("reset-account").addEventListener("click", () => steer("POST", "/reset", { key: refOf($("steer-account").value) }));
  $("scenario-form").addEventListener("submit", (event) => {
    event.preventDefault();
    steer("PUT", "/scenario", { name: $("steer-scenario").value, key: $("steer-key").value });
  });
  $("tasks").addEventListener("click", (event) => {
    const button = event.target.closest("button.resolve");
    if (button) steer("POST", `/tasks/${button.closest("li.task").dataset.uuid}/resolve`, { outcome: button.dataset.outcome });
  });
  $("requests").addEventListener("click", (event) => {
    const row = event.target.closest("tr.request");
    if (!row) return;
    const id = Number(row.dataset.id);
    open.has(id) ? open.delete(id) : open.add(id);
    renderRequests(journal);
  });
  $("filters").addEventListener("input", () => renderRequests(journal));
  refresh();
  setInterval(refresh, Number(body.dataset.pollMs));
})();
