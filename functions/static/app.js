// TenantAtlas Drift page: portfolio → tenant summary → findings → finding detail, and (for admins) the
// event subscriptions with their recent deliveries and a test button, over the /api routes.
// Every value from the API reaches the DOM as text (createElement / textContent), never as markup.
"use strict";

(() => {
  const API = "/api";
  const MAX_NOTE = 2000;
  const PAGE_SIZE = 100;
  const main = document.getElementById("main");
  const statusRegion = document.getElementById("status");
  const breadcrumb = document.getElementById("breadcrumb");

  // Names for people of each policy type, from GET /api/policy-types (loaded once, before the first view).
  let policyTypeNames = {};
  const ERROR_CODE_TEXT = {
    forbidden: "Graph refused access: the app lacks the permission or consent for this type.",
    throttled: "Graph kept throttling the requests for this type.",
    not_found: "Graph did not find this collection in the tenant.",
    graph_error: "Graph answered with an error.",
    timeout: "Graph did not answer in time.",
    invalid_response: "Graph answered with something that could not be read.",
  };
  const STATUSES = ["new", "acknowledged", "resolved", "all"];
  const CHANGE_TYPES = ["added", "modified", "removed"];
  const SEVERITIES = ["high", "medium", "low"];
  const FILTERS = ["status", "changeType", "policyType", "severity"];

  // --- DOM -----------------------------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    add(el, children);
    return el;
  }

  function add(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function replace(el, ...children) {
    el.replaceChildren();
    return add(el, children);
  }

  function announce(message) {
    statusRegion.textContent = "";
    // A fresh text node makes screen readers announce the same message twice in a row, too.
    window.setTimeout(() => { statusRegion.textContent = message; }, 30);
  }

  const label = (type) => policyTypeNames[type] || String(type || "").replace(/([a-z])([A-Z])/g, "$1 $2");
  const capital = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : "");
  const count = (n, one, many) => `${n} ${n === 1 ? one : many || one + "s"}`;

  function time(iso) {
    if (!iso) return h("span", { class: "muted" }, "—");
    const date = new Date(iso);
    const text = Number.isNaN(date.getTime())
      ? iso
      : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    return h("time", { datetime: iso, title: iso }, text);
  }

  const badge = (kind, value, text) =>
    h("span", { class: `badge badge-${kind}-${String(value).replace(/[^a-z_]/gi, "")}` }, text || value);
  const code = (text) => h("code", {}, text);

  // --- routes --------------------------------------------------------------------------------------

  const enc = encodeURIComponent;
  function query(params) {
    const search = new URLSearchParams();
    for (const key of [...FILTERS, "pageSize"]) if (params[key]) search.set(key, params[key]);
    const text = search.toString();
    return text ? `?${text}` : "";
  }
  const hrefPortfolio = () => "#/";
  const hrefTenant = (tid) => `#/tenants/${enc(tid)}`;
  const hrefFindings = (tid, params) => `#/tenants/${enc(tid)}/findings${query(params || {})}`;
  const hrefFinding = (tid, fid, params) => `#/tenants/${enc(tid)}/findings/${enc(fid)}${query(params || {})}`;
  const hrefAlignment = (tid, templateId) => `#/tenants/${enc(tid)}/alignment${templateId ? `?template=${enc(templateId)}` : ""}`;
  const hrefSubscriptions = () => "#/subscriptions";
  const hrefSubscription = (sid) => `#/subscriptions/${enc(sid)}`;

  function parseHash() {
    const raw = window.location.hash.replace(/^#/, "") || "/";
    const [path, search] = raw.split("?", 2);
    const segments = path.split("/").filter(Boolean).map((s) => {
      try { return decodeURIComponent(s); } catch { return s; }
    });
    const params = {};
    const parsed = new URLSearchParams(search || "");
    for (const key of FILTERS) if (parsed.get(key)) params[key] = parsed.get(key);
    // Page size of the findings list (a link can ask for smaller pages); the API allows 1-500.
    const size = Number(parsed.get("pageSize"));
    if (Number.isInteger(size) && size >= 1 && size <= 500) params.pageSize = String(size);
    return { segments, params };
  }

  // --- API -----------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, options = {}) {
    const init = { method: options.method || "GET", credentials: "same-origin", headers: { Accept: "application/json" } };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
    }
    if (init.method !== "GET") {
      // The API refuses a state change that is not JSON, body or not: no other site can send one
      // without the browser asking the API first (docs/security.md).
      init.headers["Content-Type"] = "application/json";
    }
    Object.assign(init.headers, options.headers || {});
    let response;
    try {
      response = await fetch(API + path, init);
    } catch {
      throw new ApiError(0, "network_error", "The API could not be reached. Check the connection and try again.");
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(response.status, error.code || `http_${response.status}`, error.message || `HTTP ${response.status}`);
    }
    return { data, etag: response.headers.get("ETag") };
  }

  let policyTypesPromise = null;
  function loadPolicyTypes() {
    if (!policyTypesPromise) {
      policyTypesPromise = api("/policy-types")
        .then((r) => { policyTypeNames = Object.fromEntries((r.data.policyTypes || []).map((t) => [t.key, t.displayName])); })
        .catch(() => { policyTypesPromise = null; });  // keys split into words until it loads
    }
    return policyTypesPromise;
  }

  let tenantsPromise = null;
  function tenants(refresh) {
    if (refresh || !tenantsPromise) {
      tenantsPromise = api("/tenants").then((r) => r.data.tenants || []);
      tenantsPromise.catch(() => { tenantsPromise = null; });
    }
    return tenantsPromise;
  }

  async function tenantName(tid) {
    try {
      const found = (await tenants()).find((t) => t.tenantId === tid);
      return found ? found.displayName : tid;
    } catch {
      return tid;
    }
  }

  function errorView(error) {
    const box = h("div", { class: "callout callout-error", role: "alert" });
    if (error.status === 401) {
      const back = `${window.location.pathname}${window.location.hash}`;
      add(box, [h("p", {}, h("strong", {}, "You are not signed in. ")), h("p", {},
        h("a", { href: `/.auth/login/aad?post_login_redirect_uri=${enc(back)}` }, "Sign in"))]);
      return box;
    }
    const lead = {
      403: "Your account does not have the role this needs.",
      404: "Not found, or not visible to your account.",
      412: "It changed while you were looking at it.",
    }[error.status] || "Something went wrong.";
    return add(box, [h("p", {}, h("strong", {}, lead), " ", error.message || ""), error.code ? h("p", { class: "muted" }, "Code: ", code(error.code)) : null]);
  }

  // --- page frame ----------------------------------------------------------------------------------

  let renderSeq = 0;

  function setCrumbs(items) {
    const list = h("ol");
    items.forEach((item, index) => {
      const last = index === items.length - 1;
      list.append(h("li", {}, last ? h("span", { "aria-current": "page" }, item.text) : h("a", { href: item.href }, item.text)));
    });
    replace(breadcrumb, list);
  }

  function show(title, ...children) {
    document.title = `${title} · Drift · TenantAtlas`;
    const heading = h("h1", { tabindex: "-1" }, title);
    replace(main, heading, ...children);
    return heading;
  }

  async function route(focus) {
    const seq = ++renderSeq;
    const { segments, params } = parseHash();
    const current = () => seq === renderSeq;
    statusRegion.textContent = "";
    main.setAttribute("aria-busy", "true");
    delete main.dataset.route;
    try {
      await loadPolicyTypes();
      if (segments.length === 0) await portfolioView(current);
      else if (segments[0] === "tenants" && segments.length === 2) await summaryView(current, segments[1]);
      else if (segments[0] === "tenants" && segments.length === 3 && segments[2] === "alignment")
        await alignmentView(current, segments[1]);
      else if (segments[0] === "tenants" && segments.length === 3 && segments[2] === "findings")
        await findingsView(current, segments[1], params);
      else if (segments[0] === "tenants" && segments.length === 4 && segments[2] === "findings")
        await findingView(current, segments[1], segments[3], params);
      else if (segments[0] === "subscriptions" && segments.length === 1) await subscriptionsView(current);
      else if (segments[0] === "subscriptions" && segments.length === 2) await subscriptionView(current, segments[1]);
      else {
        setCrumbs([{ text: "Tenants", href: hrefPortfolio() }, { text: "Not found" }]);
        show("Page not found", h("p", {}, h("a", { href: hrefPortfolio() }, "Back to the tenants")));
      }
    } catch (error) {
      if (!current()) return;
      show("Could not load this page", errorView(error), h("p", {}, h("button", { type: "button", onclick: () => route(true) }, "Try again")));
    } finally {
      if (current()) {
        main.removeAttribute("aria-busy");
        main.dataset.route = window.location.hash;  // which view is on screen (tests wait for it)
      }
    }
    if (current() && focus) {
      const heading = main.querySelector("h1");
      if (heading) heading.focus({ preventScroll: false });
    }
  }

  // --- portfolio -----------------------------------------------------------------------------------

  function stateBadge(state) {
    return badge("state", state || "blocked", capital(state || "blocked"));
  }

  function coverageCell(t) {
    const problems = Number(t.coverageProblems || 0);
    if (problems > 0) {
      return h("a", { href: hrefTenant(t.tenantId), class: "warn" }, `${count(problems, "type")} not covered`);
    }
    if (t.lastRun && t.lastRun.status === "failed") return h("span", { class: "warn" }, "Last run failed");
    if (t.lastRun && t.lastRun.status === "partial") return h("span", { class: "warn" }, "Last run partial");
    if (!t.lastRun) return h("span", { class: "muted" }, "Not scanned yet");
    return h("span", { class: "ok" }, "Complete");
  }

  // --- alignment with templates -------------------------------------------------------------------

  const DEVIATION_TEXT = {
    missing_policy: "Missing policy",
    missing_setting: "Missing setting",
    different_value: "Different value",
    conflicting: "Conflicting",
  };
  const DEVIATION_HELP = {
    missing_policy: "Nothing of this type in the tenant matches this template policy.",
    missing_setting: "No policy of the tenant sets this.",
    different_value: "The tenant sets this to another value.",
    conflicting: "Two of the tenant's policies set this to different values: a device that gets both applies neither.",
  };

  function scoreText(result) {
    return result.score === null || result.score === undefined ? "not measured yet" : `${Number(result.score).toFixed(1)}%`;
  }

  function scoreBadge(result) {
    const level = result.score === null || result.score === undefined ? "none" : result.score >= 100 ? "full" : result.score >= 90 ? "near" : "far";
    return h("span", { class: `score score-${level}` }, scoreText(result));
  }

  function alignmentCell(t) {
    const scores = t.alignment || [];
    if (!scores.length) return h("span", { class: "muted" }, "No template");
    return h("ul", { class: "plain alignment-scores" }, scores.map((s) =>
      h("li", {}, h("a", { href: hrefAlignment(t.tenantId, s.templateId), "aria-label": `${t.displayName}: ${s.displayName || s.templateId} ${scoreText(s)}` },
        s.displayName || s.templateId), " ", scoreBadge(s))));
  }

  function deviationValue(deviation, side) {
    const value = deviation[side];
    if (side === "expected" && deviation.kind === "missing_policy" && value && typeof value === "object") {
      const [[unit, n]] = Object.entries(value);
      return h("p", {}, `A policy with these ${count(n, unit === "settings" ? "setting" : "property", unit === "settings" ? "settings" : "properties")}`);
    }
    if (side === "actual" && value === null && deviation.kind !== "different_value") {
      return h("p", { class: "absent" }, deviation.kind === "missing_policy" ? "(no matching policy)" : "(not set)");
    }
    if (side === "actual" && deviation.kind === "conflicting" && Array.isArray(value)) {
      return h("ul", { class: "plain" }, value.map((v) => h("li", {}, valueView(v, "after"))));
    }
    return valueView(value, side === "expected" ? "before" : "after");
  }

  function deviationView(deviation, index) {
    return h("li", { class: `deviation deviation-${deviation.kind}` },
      h("div", { class: "change-head" },
        h("span", { class: `tag tag-${deviation.kind}` }, DEVIATION_TEXT[deviation.kind] || deviation.kind),
        h("strong", { class: "deviation-label", id: `deviation-${index}-label` }, deviation.label || deviation.path || "Whole policy")),
      h("p", { class: "muted" },
        label(deviation.policyType), " · template policy ", h("strong", {}, deviation.templateDisplayName),
        (deviation.tenantObjectIds || []).length ? [" · tenant ", count(deviation.tenantObjectIds.length, "policy", "policies"), ": ", deviation.tenantObjectIds.map((id, i) => [i ? ", " : "", code(id)])] : null),
      h("p", { class: "muted" }, DEVIATION_HELP[deviation.kind] || ""),
      deviation.path ? h("details", {}, h("summary", {}, "Raw path"), code(deviation.path)) : null,
      h("div", { class: "before-after" },
        h("div", { class: "side side-before" }, h("h4", {}, "Expected (template)"), deviationValue(deviation, "expected")),
        h("div", { class: "side side-after" }, h("h4", {}, "Actual (tenant)"), deviationValue(deviation, "actual"))));
  }

  function templateAlignmentView(tid, result) {
    const c = result.counts || {};
    const id = `template-${result.templateId}`;
    const deviations = result.deviations || [];
    return h("section", { class: "template-alignment", id, "aria-labelledby": `${id}-h` },
      h("h2", { id: `${id}-h` }, result.displayName || result.templateId, " ", scoreBadge(result)),
      h("p", { class: "muted" }, "Template ", code(result.templateId), ` version ${result.version}`,
        result.runId ? [" · measured on run ", code(result.runId)] : " · waiting for a completed scan of this tenant"),
      result.state === "ready"
        ? h("div", { class: "stats" },
          [["matched", "Matched"], ["different", "Different"], ["missing", "Missing"], ["conflicting", "Conflicting"]].map(([key, text]) =>
            h("div", { class: "stat", id: `${id}-${key}` }, h("span", { class: "stat-n" }, String(c[key] || 0)), h("span", { class: "stat-label" }, text))))
        : null,
      (result.notCovered || []).length
        ? h("p", { class: "callout callout-blocked" }, "Not measured (the tenant's run did not read them): ", result.notCovered.map((t) => label(t)).join(", "))
        : null,
      deviations.length
        ? h("ol", { class: "changes deviations" }, deviations.map(deviationView))
        : result.state === "ready" ? h("p", { class: "empty" }, "No deviation: the tenant holds everything this template asks for.") : null,
      result.deviationsOmitted ? h("p", { class: "muted" }, `${count(result.deviationsOmitted, "more deviation")} not listed.`) : null);
  }

  async function alignmentView(current, tid) {
    const [name, res] = await Promise.all([tenantName(tid), api(`/tenants/${enc(tid)}/alignment`)]);
    if (!current()) return;
    setCrumbs([{ text: "Tenants", href: hrefPortfolio() }, { text: name, href: hrefTenant(tid) }, { text: "Alignment" }]);
    const results = res.data.templates || [];
    show(`Alignment: ${name}`,
      h("p", { class: "lede" }, "How this tenant measures against each golden template, by content: policy names and ids do not matter."),
      results.length ? results.map((r) => templateAlignmentView(tid, r)) : h("p", { class: "empty", id: "no-templates" }, "No template is assigned to this tenant."));
    const wanted = new URLSearchParams(window.location.hash.split("?")[1] || "").get("template");
    const target = wanted ? document.getElementById(`template-${wanted}`) : null;
    if (target) target.scrollIntoView();
  }

  function lastRunCell(run) {
    if (!run) return h("span", { class: "muted" }, "Never");
    return h("span", { class: "stack" }, badge("run", run.status, run.status), " ", time(run.finishedAt || run.startedAt));
  }

  async function portfolioView(current) {
    setCrumbs([{ text: "Tenants" }]);
    const list = await tenants(true);
    if (!current()) return;
    const sorted = [...list].sort(
      (a, b) => (b.counts?.new || 0) - (a.counts?.new || 0) || String(a.displayName).localeCompare(String(b.displayName)),
    );
    const totalNew = list.reduce((n, t) => n + (t.counts?.new || 0), 0);
    const withProblems = list.filter((t) => Number(t.coverageProblems || 0) > 0 || ["partial", "failed"].includes(t.lastRun?.status)).length;
    if (list.length === 0) {
      show("Tenants", h("p", {}, "No tenants are registered (or visible to your account) yet. Register one with ",
        code("PUT /api/tenants/{tenantId}"), "."));
      return;
    }
    const rows = sorted.map((t) => {
      const n = t.counts?.new || 0;
      return h("tr", {},
        h("th", { scope: "row", "data-label": "Tenant" },
          h("a", { href: hrefTenant(t.tenantId), class: "tenant-link" }, t.displayName || t.tenantId),
          t.enabled === false ? h("span", { class: "tag" }, "disabled") : null),
        h("td", { "data-label": "State" }, stateBadge(t.state)),
        h("td", { "data-label": "New", class: "num" },
          n > 0 ? h("a", { href: hrefFindings(t.tenantId, { status: "new" }), "aria-label": `${n} new findings in ${t.displayName}` }, String(n)) : "0"),
        h("td", { "data-label": "Acknowledged", class: "num" }, String(t.counts?.acknowledged || 0)),
        h("td", { "data-label": "Last run" }, lastRunCell(t.lastRun)),
        h("td", { "data-label": "Coverage" }, coverageCell(t)),
        h("td", { "data-label": "Alignment" }, alignmentCell(t)));
    });
    show("Tenants",
      h("p", { class: "lede" }, `${count(list.length, "tenant")} · ${count(totalNew, "new finding")} · ${count(withProblems, "tenant")} with coverage problems`),
      h("div", { class: "table-wrap" },
        h("table", { class: "data responsive", id: "portfolio" },
          h("caption", { class: "visually-hidden" }, "Tenants with their drift"),
          h("thead", {}, h("tr", {}, ["Tenant", "State", "New", "Acknowledged", "Last run", "Coverage", "Alignment"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, rows))));
  }

  // --- tenant summary ------------------------------------------------------------------------------

  function reasonBox(summary) {
    if (summary.state === "ready") return null;
    const reason = summary.reason || { code: summary.state, message: "" };
    const hint = {
      no_runs: "Drift appears once this tenant has been scanned at least twice.",
      no_baseline: "The next completed scan of the same policy types becomes the first comparison.",
      current_run_failed: "Check the runs below: no policy type could be read. Consent and permissions are the usual cause.",
    }[reason.code];
    return h("div", { class: `callout callout-${summary.state === "error" ? "error" : "blocked"}`, role: "note", id: "state-reason" },
      h("p", {}, h("strong", {}, summary.state === "error" ? "Error: " : "Blocked: "), reason.message || "", " ", h("span", { class: "muted" }, "(", code(reason.code), ")")),
      hint ? h("p", {}, hint) : null);
  }

  function runBlock(title, run, extra) {
    if (!run) return h("div", { class: "run-card" }, h("h3", {}, title), h("p", { class: "muted" }, "None yet"));
    return h("div", { class: "run-card" }, h("h3", {}, title),
      h("dl", { class: "pairs" },
        extra,
        h("dt", {}, "Run"), h("dd", {}, code(run.runId)),
        run.status ? [h("dt", {}, "Status"), h("dd", {}, badge("run", run.status, run.status))] : null,
        h("dt", {}, "Finished"), h("dd", {}, time(run.finishedAt))));
  }

  function breakdown(title, id, entries, tid, filterKey, labeller) {
    const rows = entries.map(([key, n]) =>
      h("tr", {},
        h("th", { scope: "row" }, labeller ? labeller(key) : capital(key)),
        h("td", { class: "num" }, n > 0 ? h("a", { href: hrefFindings(tid, { status: "new", [filterKey]: key }), "aria-label": `${n} new ${labeller ? labeller(key) : key} findings` }, String(n)) : "0")));
    return h("section", { class: "breakdown", "aria-labelledby": `${id}-h` },
      h("h3", { id: `${id}-h` }, title),
      rows.length
        ? h("table", { class: "data compact", id }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Kind"), h("th", { scope: "col", class: "num" }, "New"))), h("tbody", {}, rows))
        : h("p", { class: "muted" }, "No new findings."));
  }

  function actorBreakdown(byActor) {
    const rows = Object.entries(byActor).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([who, n]) =>
      h("tr", {}, h("th", { scope: "row" }, who), h("td", { class: "num" }, String(n))));
    return h("section", { class: "breakdown", "aria-labelledby": "by-actor-h" },
      h("h3", { id: "by-actor-h" }, "Changed by"),
      rows.length
        ? h("table", { class: "data compact", id: "by-actor" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Who"), h("th", { scope: "col", class: "num" }, "New"))), h("tbody", {}, rows))
        : h("p", { class: "muted" }, "No new finding names who made it yet."));
  }

  async function summaryView(current, tid) {
    const [name, summaryRes, runsRes] = await Promise.all([
      tenantName(tid),
      api(`/tenants/${enc(tid)}/drift`),
      api(`/tenants/${enc(tid)}/runs?top=5`).catch(() => ({ data: { runs: [] } })),
    ]);
    if (!current()) return;
    const s = summaryRes.data;
    const counts = s.counts || {};
    const coverage = s.coverage || { complete: [], failed: [] };
    setCrumbs([{ text: "Tenants", href: hrefPortfolio() }, { text: name }]);
    const stat = (key, text) => h("a", { class: "stat", href: hrefFindings(tid, { status: key }), id: `stat-${key}` },
      h("span", { class: "stat-n" }, String(key === "all" ? (counts.new || 0) + (counts.acknowledged || 0) + (counts.resolved || 0) : counts[key] || 0)),
      h("span", { class: "stat-label" }, text));
    const byType = Object.entries(counts.byPolicyType || {}).sort((a, b) => b[1] - a[1] || label(a[0]).localeCompare(label(b[0])));
    const runs = (runsRes.data && runsRes.data.runs) || [];
    show(name,
      h("p", { class: "lede" }, stateBadge(s.state), " Tenant ", code(tid)),
      reasonBox(s),
      h("section", { "aria-labelledby": "counts-h" },
        h("h2", { id: "counts-h" }, "Findings"),
        h("div", { class: "stats" }, stat("new", "New"), stat("acknowledged", "Acknowledged"), stat("resolved", "Resolved"), stat("all", "All findings"))),
      h("section", { "aria-labelledby": "new-h" },
        h("h2", { id: "new-h" }, "New findings by kind"),
        h("div", { class: "breakdowns" },
          breakdown("Severity", "by-severity", SEVERITIES.map((k) => [k, (counts.bySeverity || {})[k] || 0]), tid, "severity"),
          breakdown("Change type", "by-change-type", CHANGE_TYPES.map((k) => [k, (counts.byChangeType || {})[k] || 0]), tid, "changeType"),
          breakdown("Policy type", "by-policy-type", byType, tid, "policyType", label),
          actorBreakdown(counts.byActor || {}))),
      h("section", { "aria-labelledby": "runs-h" },
        h("h2", { id: "runs-h" }, "Compared runs"),
        h("div", { class: "run-cards" },
          runBlock("Baseline", s.baseline, s.baseline ? [h("dt", {}, "Mode"), h("dd", {}, s.baseline.mode === "pinned" ? "Pinned by an admin" : "Rolling (previous completed run)")] : null),
          runBlock("Current", s.current))),
      h("p", {}, h("a", { href: hrefAlignment(tid), id: "alignment-link" }, "Alignment with templates →")),
      coverageSection(coverage),
      runsSection(runs));
  }

  function coverageSection(coverage) {
    const failed = coverage.failed || [];
    const complete = coverage.complete || [];
    return h("section", { "aria-labelledby": "coverage-h", id: "coverage" },
      h("h2", { id: "coverage-h" }, "Coverage"),
      failed.length
        ? h("div", { class: "callout callout-blocked", role: "note" },
          h("p", {}, h("strong", {}, `${count(failed.length, "policy type")} not covered: `), "drift in these is not reported until a run reads them completely."),
          h("ul", {}, failed.map((f) => h("li", {}, h("strong", {}, label(f.policyType)), " — ", code(f.errorCode), " ", ERROR_CODE_TEXT[f.errorCode] || ""))))
        : null,
      complete.length
        ? h("details", {}, h("summary", {}, `${count(complete.length, "policy type")} compared completely`),
          h("ul", { class: "columns" }, complete.map((t) => h("li", {}, label(t)))))
        : h("p", { class: "muted" }, "No comparison yet."));
  }

  function runsSection(runs) {
    if (!runs.length) return null;
    return h("section", { "aria-labelledby": "recent-h" },
      h("h2", { id: "recent-h" }, "Recent runs"),
      h("div", { class: "table-wrap" },
        h("table", { class: "data responsive" },
          h("thead", {}, h("tr", {}, ["Run", "Status", "Started", "Finished", "Problems"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, runs.map((r) => h("tr", {},
            h("td", { "data-label": "Run" }, code(r.runId)),
            h("td", { "data-label": "Status" }, badge("run", r.status, r.status)),
            h("td", { "data-label": "Started" }, time(r.startedAt)),
            h("td", { "data-label": "Finished" }, time(r.finishedAt)),
            h("td", { "data-label": "Problems" }, (r.errorCodes || []).length ? (r.errorCodes || []).map((c) => code(c)) : h("span", { class: "muted" }, "None"))))))));
  }

  // --- findings list -------------------------------------------------------------------------------

  function select(name, text, options, value) {
    const id = `filter-${name}`;
    return h("div", { class: "field" },
      h("label", { for: id }, text),
      h("select", { id, name }, options.map(([v, t]) => h("option", { value: v, selected: v === (value || "") }, t))));
  }

  function whatChanged(f) {
    if (f.changeSummary) {
      return h("span", { class: "stack" }, h("span", { class: "summary" }, f.changeSummary), " ",
        h("span", { class: "muted" }, (f.categories || []).join(", ")));
    }
    return h("span", { class: "muted" }, f.changeType === "modified" ? (f.categories || []).join(", ") : "whole policy");
  }

  // Who changed it (DESIGN §12): the list's flat fields, the detail's attribution.
  const ATTRIBUTION_TEXT = {
    pending: "Waiting for the audit log",
    unattributed: "Not in the audit log",
    unavailable: "Audit log not readable",
  };
  const ATTRIBUTION_REASONS = {
    awaiting_audit_log: "Audit logs lag behind changes (Entra by minutes); a later scan looks again.",
    no_matching_event: "The audit logs, read well after the change, name no event for this object in its window.",
    forbidden: "The app may not read this tenant's audit logs (AuditLog.Read.All / DeviceManagementApps.Read.All).",
    audit_not_read: "This run did not read the audit logs.",
  };

  function whereText(ip, app, who) {
    const parts = [];
    if (ip) parts.push(`from ${ip}`);
    if (app && app !== who) parts.push(`with ${app}`);
    return parts.join(" · ");
  }

  function whoCell(f) {
    if (f.changedBy) {
      const where = whereText(f.changedFromIp, f.changedWithApp, f.changedBy);
      return h("span", { class: "stack who" }, h("span", { class: "actor" }, f.changedBy), " ",
        h("span", { class: "muted" }, time(f.changedAt), where ? ` · ${where}` : ""));
    }
    return h("span", { class: "muted who" }, ATTRIBUTION_TEXT[f.attributionState] || "—");
  }

  function actorName(actor) {
    return actor.userPrincipalName || actor.applicationDisplayName || actor.applicationId || actor.userId || "unknown";
  }

  function attributionView(a) {
    if (!a) return h("p", { class: "muted", id: "attribution" }, "Detected before the app read audit logs: who made this change is not known.");
    const window = a.window ? h("p", { class: "muted" }, "Changed between ", time(a.window.after), " and ", time(a.window.before), ".") : null;
    if (a.state !== "attributed") {
      return h("div", { id: "attribution", "data-state": a.state },
        h("p", {}, h("strong", {}, ATTRIBUTION_TEXT[a.state] || a.state), a.reason ? [" — ", ATTRIBUTION_REASONS[a.reason] || code(a.reason)] : null),
        window);
    }
    return h("div", { id: "attribution", "data-state": a.state }, window,
      h("ol", { class: "events", id: "attribution-events" }, (a.events || []).map((e) => {
        const who = actorName(e.actor || {});
        const where = whereText(e.actor?.ipAddress, e.actor?.applicationDisplayName, who);
        return h("li", {},
          h("strong", { class: "actor" }, who), e.actor?.type === "application" ? " (application)" : "", " ",
          h("span", {}, e.activity), " · ", time(e.at),
          where ? h("span", { class: "muted" }, ` · ${where}`) : null,
          " ", h("span", { class: "muted" }, `(${e.source === "entra" ? "Entra audit log" : "Intune audit log"})`));
      })));
  }

  function findingRow(tid, f, params) {
    return h("tr", {},
      h("th", { scope: "row", "data-label": "Policy" }, h("a", { href: hrefFinding(tid, f.id, params), class: "finding-link", "data-finding-id": f.id }, f.displayName || f.subjectId)),
      h("td", { "data-label": "Policy type" }, label(f.policyType)),
      h("td", { "data-label": "Change" }, badge("change", f.changeType, capital(f.changeType))),
      h("td", { "data-label": "Severity" }, badge("severity", f.severity, capital(f.severity))),
      h("td", { "data-label": "What changed", class: "what-changed" }, whatChanged(f)),
      h("td", { "data-label": "Changed by", class: "changed-by" }, whoCell(f)),
      h("td", { "data-label": "Status" }, badge("status", f.status, capital(f.status))),
      h("td", { "data-label": "Last seen" }, time(f.lastSeenAt)));
  }

  async function findingsView(current, tid, params) {
    const status = params.status || "new";
    const wanted = { ...params, status };
    const search = new URLSearchParams({ status, pageSize: params.pageSize || String(PAGE_SIZE) });
    for (const key of ["changeType", "policyType", "severity"]) if (params[key]) search.set(key, params[key]);
    const [name, summaryRes, page] = await Promise.all([
      tenantName(tid),
      api(`/tenants/${enc(tid)}/drift`).catch(() => ({ data: {} })),
      api(`/tenants/${enc(tid)}/drift/findings?${search}`),
    ]);
    if (!current()) return;
    const s = summaryRes.data || {};
    const types = new Set([...Object.keys(s.counts?.byPolicyType || {}), ...(s.coverage?.complete || []), ...((s.coverage?.failed || []).map((f) => f.policyType))]);
    if (params.policyType) types.add(params.policyType);
    setCrumbs([{ text: "Tenants", href: hrefPortfolio() }, { text: name, href: hrefTenant(tid) }, { text: "Findings" }]);

    const form = h("form", { class: "filters", id: "filters", "aria-label": "Filter findings" },
      select("status", "Status", STATUSES.map((v) => [v, capital(v)]), status),
      select("changeType", "Change type", [["", "Any"], ...CHANGE_TYPES.map((v) => [v, capital(v)])], params.changeType),
      select("policyType", "Policy type", [["", "Any"], ...[...types].sort((a, b) => label(a).localeCompare(label(b))).map((v) => [v, label(v)])], params.policyType),
      select("severity", "Severity", [["", "Any"], ...SEVERITIES.map((v) => [v, capital(v)])], params.severity),
      h("div", { class: "field actions" }, h("button", { type: "submit" }, "Apply filters"), h("a", { href: hrefFindings(tid, { status: "new" }) }, "Reset")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const next = {};
      for (const key of FILTERS) if (data.get(key)) next[key] = String(data.get(key));
      if (params.pageSize) next.pageSize = params.pageSize;
      window.location.hash = hrefFindings(tid, next);
    });

    const tbody = h("tbody", {}, page.data.findings.map((f) => findingRow(tid, f, wanted)));
    const shown = h("p", { class: "lede", id: "findings-count" });
    const more = h("div", { class: "more" });
    let token = page.data.continuationToken;
    let total = page.data.findings.length;
    const refreshCount = () => replace(shown, `${count(total, "finding")} shown${token ? " (more available)" : ""}`);
    const renderMore = () => {
      replace(more, token ? h("button", { type: "button", id: "load-more", onclick: loadMore }, "Load more") : null);
    };
    async function loadMore(event) {
      const button = event.currentTarget;
      button.disabled = true;
      button.textContent = "Loading…";
      try {
        const next = new URLSearchParams(search);
        next.set("continuationToken", token);
        const res = await api(`/tenants/${enc(tid)}/drift/findings?${next}`);
        if (!current()) return;
        const rows = res.data.findings.map((f) => findingRow(tid, f, wanted));
        add(tbody, rows);
        token = res.data.continuationToken;
        total += rows.length;
        refreshCount();
        renderMore();
        announce(`${count(rows.length, "more finding")} loaded.`);
        const firstLink = rows.length ? rows[0].querySelector("a") : null;
        if (firstLink) firstLink.focus();
      } catch (error) {
        replace(more, errorView(error), h("button", { type: "button", onclick: loadMore }, "Try again"));
      }
    }
    refreshCount();
    renderMore();
    const empty = status === "new" && !params.changeType && !params.policyType && !params.severity
      ? "No new findings: everything has been triaged, or nothing drifted."
      : "No findings match these filters.";
    show(`Findings: ${name}`,
      form,
      shown,
      total
        ? h("div", { class: "table-wrap" },
          h("table", { class: "data responsive", id: "findings" },
            h("caption", { class: "visually-hidden" }, "Findings"),
            h("thead", {}, h("tr", {}, ["Policy", "Policy type", "Change", "Severity", "What changed", "Changed by", "Status", "Last seen"].map((c) => h("th", { scope: "col" }, c)))),
            tbody))
        : h("p", { class: "empty", id: "no-findings" }, empty),
      more);
  }

  // --- finding detail ------------------------------------------------------------------------------

  const SECRET = /^<secret(?: hmac:([0-9a-f]+))?>$/;

  function isHashSummary(value) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return false;
    const keys = Object.keys(value).sort().join(",");
    return keys === "sha256,sizeBytes" || keys === "sha256,sizeBytes,truncated";
  }

  function valueView(value, side) {
    if (value === null || value === undefined) return h("p", { class: "absent" }, "(not set)");
    if (typeof value === "string") {
      const secret = SECRET.exec(value);
      if (secret) {
        return h("div", { class: "secret" },
          h("p", {}, h("span", { class: "tag tag-secret" }, "secret"), secret[1] ? " Value never stored; keyed hash:" : " Value never stored."),
          h("pre", {}, value));
      }
      return h("pre", { class: `value value-${side}` }, value);
    }
    if (isHashSummary(value)) {
      const size = Number(value.sizeBytes).toLocaleString();
      return h("div", { class: "hashed" },
        h("p", {}, h("span", { class: "tag" }, value.truncated ? "too large to show" : "script body"), ` ${size} bytes`),
        h("pre", {}, `sha256 ${value.sha256}`));
    }
    if (typeof value === "object") return h("pre", { class: `value value-${side}` }, JSON.stringify(value, null, 2));
    return h("pre", { class: `value value-${side}` }, JSON.stringify(value));
  }

  // A value in words where the API gives words (an option's or a group's name), else the raw value.
  function wordsView(words, value, side) {
    if (typeof words === "string") return h("p", { class: `words words-${side}` }, words);
    return valueView(value, side);
  }

  function changeView(change, index) {
    const unresolved = change.unresolved || [];
    return h("li", { class: "change", "data-path": change.path },
      h("div", { class: "change-head" },
        h("span", { class: "tag" }, change.category || "change"),
        h("h3", { class: "change-label", id: `change-${index}-label` }, change.label || change.path),
        unresolved.length
          ? h("span", { class: "tag tag-unresolved", title: `Not found in the tenant: ${unresolved.join(", ")}` }, "name not found")
          : null),
      h("div", { class: "before-after" },
        h("div", { class: "side side-before" }, h("h4", {}, "Before (baseline)"), wordsView(change.beforeLabel, change.before, "before")),
        h("div", { class: "side side-after" }, h("h4", {}, "After (current)"), wordsView(change.afterLabel, change.after, "after"))),
      h("details", { class: "raw" },
        h("summary", {}, "Raw path and values"),
        h("dl", { class: "pairs" },
          h("dt", {}, "Path"), h("dd", {}, h("code", { class: "path", id: `change-${index}-path` }, change.path)),
          h("dt", {}, "Before"), h("dd", { class: "raw-before" }, valueView(change.before, "before")),
          h("dt", {}, "After"), h("dd", { class: "raw-after" }, valueView(change.after, "after")))));
  }

  function historyView(history) {
    if (!history.length) return h("p", { class: "muted" }, "No history yet.");
    return h("ol", { class: "history", id: "history" }, history.map((e) =>
      h("li", {},
        h("p", {}, h("strong", {}, capital(e.action)), " by ", e.by || "system", " · ", time(e.at), e.runId ? [" · run ", code(e.runId)] : null),
        e.note ? h("blockquote", { class: "note" }, e.note) : null)));
  }

  function ackForm(tid, finding, etag, onDone) {
    if (finding.status !== "new") {
      const text = finding.status === "acknowledged"
        ? "Acknowledged: this finding no longer shows in the new list. Its history keeps who and when."
        : "Resolved: the policy matches its baseline again.";
      return h("p", { class: "callout", id: "ack-done", tabindex: "-1" }, text);
    }
    const note = h("textarea", { id: "ack-note", name: "note", rows: "4", maxlength: String(MAX_NOTE), "aria-describedby": "ack-note-help ack-note-count" });
    const counter = h("span", { id: "ack-note-count", class: "muted" }, `0 / ${MAX_NOTE}`);
    note.addEventListener("input", () => { counter.textContent = `${note.value.length} / ${MAX_NOTE}`; });
    const button = h("button", { type: "submit", id: "ack-submit" }, "Acknowledge");
    const feedback = h("div", { id: "ack-feedback" });
    const form = h("form", { id: "ack-form", class: "ack" },
      h("label", { for: "ack-note" }, "Note (optional)"),
      h("p", { id: "ack-note-help", class: "muted" }, "Why this change is expected, or what was done about it. Up to 2,000 characters."),
      note, h("div", { class: "ack-row" }, button, counter), feedback);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = note.value.trim();
      if (text.length > MAX_NOTE) {
        replace(feedback, h("p", { class: "callout callout-error", role: "alert" }, `The note is longer than ${MAX_NOTE} characters.`));
        return;
      }
      button.disabled = true;
      button.textContent = "Acknowledging…";
      try {
        const headers = etag ? { "If-Match": etag } : {};
        const res = await api(`/tenants/${enc(tid)}/drift/findings/${enc(finding.id)}/acknowledge`, { method: "POST", body: text ? { note: text } : {}, headers });
        tenantsPromise = null;
        onDone(res, "Finding acknowledged.");
      } catch (error) {
        button.disabled = false;
        button.textContent = "Acknowledge";
        if (error.status === 412) {
          onDone(null, "This finding changed since you opened it; it has been reloaded. Review it and acknowledge again.");
          return;
        }
        replace(feedback, errorView(error));
      }
    });
    return form;
  }

  async function findingView(current, tid, fid, params) {
    const [name, res] = await Promise.all([tenantName(tid), api(`/tenants/${enc(tid)}/drift/findings/${enc(fid)}`)]);
    if (!current()) return;
    renderFinding(current, tid, name, res.data, res.etag, params);
  }

  function renderFinding(current, tid, name, f, etag, params) {
    const listParams = { status: "new", ...params };
    setCrumbs([{ text: "Tenants", href: hrefPortfolio() }, { text: name, href: hrefTenant(tid) }, { text: "Findings", href: hrefFindings(tid, listParams) }, { text: f.displayName || f.subjectId }]);
    const changes = f.changes || [];
    const explain = {
      added: "This policy is in the current run but was not in the baseline: it was created (or became readable).",
      removed: "This policy was in the baseline but is not in the current run: it was deleted.",
    }[f.changeType];
    const onDone = async (res, message) => {
      if (res) {
        if (!current()) return;
        renderFinding(current, tid, name, res.data, res.etag, params);
      } else {
        const fresh = await api(`/tenants/${enc(tid)}/drift/findings/${enc(f.id)}`);
        if (!current()) return;
        renderFinding(current, tid, name, fresh.data, fresh.etag, params);
      }
      announce(message);
      const done = document.getElementById("ack-done") || document.getElementById("ack-note");
      if (done) done.focus();
      const feedback = document.getElementById("ack-section-msg");
      if (feedback) feedback.textContent = message;
    };
    const heading = show(f.displayName || f.subjectId,
      h("p", { class: "lede badges" },
        badge("severity", f.severity, `${capital(f.severity)} severity`), " ",
        badge("change", f.changeType, capital(f.changeType)), " ",
        badge("status", f.status, capital(f.status)), " ", label(f.policyType)),
      h("p", {}, h("a", { href: hrefFindings(tid, listParams), id: "back-to-list" }, "← Back to the findings")),
      h("dl", { class: "pairs facts" },
        h("dt", {}, "Policy type"), h("dd", {}, label(f.policyType), " ", h("span", { class: "muted" }, "(", code(f.policyType), ")")),
        h("dt", {}, "Object id"), h("dd", {}, code(f.subjectId)),
        h("dt", {}, "Changed"), h("dd", {}, (f.categories || []).join(", ") || "whole policy"),
        h("dt", {}, "Baseline run"), h("dd", {}, code(f.baselineRunId || "—")),
        h("dt", {}, "Current run"), h("dd", {}, code(f.currentRunId || "—")),
        h("dt", {}, "First seen"), h("dd", {}, time(f.firstSeenAt), f.firstSeenRunId ? [" · run ", code(f.firstSeenRunId)] : null),
        h("dt", {}, "Last seen"), h("dd", {}, time(f.lastSeenAt), f.lastSeenRunId ? [" · run ", code(f.lastSeenRunId)] : null)),
      h("section", { "aria-labelledby": "who-h" },
        h("h2", { id: "who-h" }, "Who changed it"),
        attributionView(f.attribution)),
      h("section", { "aria-labelledby": "changes-h" },
        h("h2", { id: "changes-h" }, changes.length ? `Changes (${changes.length})` : "Changes"),
        explain ? h("p", { class: "callout" }, explain) : null,
        changes.length ? h("ol", { class: "changes", id: "changes" }, changes.map(changeView)) : (explain ? null : h("p", { class: "muted" }, "No individual changes recorded."))),
      h("section", { "aria-labelledby": "ack-h", id: "ack-section" },
        h("h2", { id: "ack-h" }, "Triage"),
        h("p", { id: "ack-section-msg", class: "notice" }),
        ackForm(tid, f, etag, onDone)),
      h("section", { "aria-labelledby": "history-h" },
        h("h2", { id: "history-h" }, "History"),
        historyView(f.history || [])));
    return heading;
  }

  // --- event subscriptions (Drift.Admin) -----------------------------------------------------------

  const EVENT_TYPE_LABELS = {
    "drift.finding.opened": "Finding opened",
    "drift.finding.reopened": "Finding reopened",
    "drift.finding.resolved": "Finding resolved",
    "drift.finding.acknowledged": "Finding acknowledged",
    "drift.run.failed": "Run failed",
    "drift.subscription.test": "Test event",
  };
  const eventLabel = (type) => EVENT_TYPE_LABELS[type] || type;

  function filterText(filter) {
    const parts = [];
    if (filter.tenantIds) parts.push(count(filter.tenantIds.length, "tenant"));
    if (filter.eventTypes) parts.push(filter.eventTypes.map(eventLabel).join(", "));
    if (filter.minSeverity) parts.push(`${capital(filter.minSeverity)} severity and up`);
    if (filter.policyTypes) parts.push(filter.policyTypes.map(label).join(", "));
    return parts.length ? parts.join(" · ") : "Every event";
  }

  async function subscriptionsView(current) {
    setCrumbs([{ text: "Tenants", href: hrefPortfolio() }, { text: "Event subscriptions" }]);
    const res = await api("/subscriptions");
    if (!current()) return;
    const list = res.data.subscriptions || [];
    const intro = h("p", { class: "lede" },
      "Drift events (CloudEvents, or Teams cards) go to these addresses, signed the Standard Webhooks way. Create or change one with ",
      code("PUT /api/subscriptions/{subscriptionId}"), ".");
    if (!list.length) {
      show("Event subscriptions", intro, h("p", { class: "empty", id: "no-subscriptions" }, "No subscriptions yet."));
      return;
    }
    const rows = list.map((s) => h("tr", {},
      h("th", { scope: "row", "data-label": "Subscription" },
        h("a", { href: hrefSubscription(s.subscriptionId), class: "subscription-link" }, s.subscriptionId),
        s.enabled ? null : h("span", { class: "tag" }, "disabled")),
      h("td", { "data-label": "Format" }, s.format === "teams" ? "Teams card" : "CloudEvents"),
      h("td", { "data-label": "Sends" }, filterText(s.filter || {})),
      h("td", { "data-label": "URL" }, h("code", { class: "url" }, s.url))));
    show("Event subscriptions", intro,
      h("div", { class: "table-wrap" },
        h("table", { class: "data responsive", id: "subscriptions" },
          h("caption", { class: "visually-hidden" }, "Event subscriptions"),
          h("thead", {}, h("tr", {}, ["Subscription", "Format", "Sends", "URL"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, rows))));
  }

  function deliveryRows(deliveries) {
    return deliveries.map((d) => h("tr", { "data-event-id": d.eventId },
      h("th", { scope: "row", "data-label": "Event" }, eventLabel(d.type), h("br"), h("code", { class: "event-id" }, d.eventId)),
      h("td", { "data-label": "Status" }, badge("delivery", d.status, capital(d.status))),
      h("td", { "data-label": "Attempts", class: "num" }, String(d.attempts)),
      h("td", { "data-label": "Last answer" },
        d.lastHttpStatus ? h("span", {}, `HTTP ${d.lastHttpStatus}`) : null,
        d.lastError ? h("span", { class: "stack muted" }, " ", d.lastError) : null,
        !d.lastHttpStatus && !d.lastError ? h("span", { class: "muted" }, "—") : null),
      h("td", { "data-label": "Last attempt" }, time(d.lastAttemptAt)),
      h("td", { "data-label": "Next attempt" }, d.nextAttemptAt ? time(d.nextAttemptAt) : h("span", { class: "muted" }, "—"))));
  }

  function deliveriesTable(deliveries) {
    if (!deliveries.length) return h("p", { class: "empty", id: "no-deliveries" }, "Nothing delivered yet. Send a test event to try the address.");
    return h("div", { class: "table-wrap" },
      h("table", { class: "data responsive", id: "deliveries" },
        h("caption", { class: "visually-hidden" }, "Recent deliveries, newest first"),
        h("thead", {}, h("tr", {}, ["Event", "Status", "Attempts", "Last answer", "Last attempt", "Next attempt"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, deliveryRows(deliveries))));
  }

  async function subscriptionView(current, sid) {
    const [subRes, delRes] = await Promise.all([api(`/subscriptions/${enc(sid)}`), api(`/subscriptions/${enc(sid)}/deliveries?top=50`)]);
    if (!current()) return;
    const s = subRes.data;
    setCrumbs([{ text: "Tenants", href: hrefPortfolio() }, { text: "Event subscriptions", href: hrefSubscriptions() }, { text: sid }]);
    const holder = h("div", { id: "deliveries-holder" }, deliveriesTable(delRes.data.deliveries || []));
    const feedback = h("div", { id: "test-feedback", class: "notice" });
    const refresh = async () => {
      const res = await api(`/subscriptions/${enc(sid)}/deliveries?top=50`);
      if (!current()) return [];
      const list = res.data.deliveries || [];
      replace(holder, deliveriesTable(list));
      return list;
    };
    const testButton = h("button", { type: "button", id: "send-test", disabled: !s.enabled }, "Send a test event");
    testButton.addEventListener("click", async () => {
      testButton.disabled = true;
      feedback.className = "notice";
      replace(feedback, "Sending…");
      try {
        const res = await api(`/subscriptions/${enc(sid)}/test`, { method: "POST" });
        const eventId = res.data.eventId;
        replace(feedback, "Test event queued: ", code(eventId), ". Waiting for the delivery…");
        // The delivery runs from the events queue; look for it for a little while.
        let found = null;
        for (let i = 0; i < 20 && current() && !found; i++) {
          await new Promise((resolve) => window.setTimeout(resolve, 1000));
          found = (await refresh()).find((d) => d.eventId === eventId);
        }
        if (!current()) return;
        const answer = found && found.lastHttpStatus ? ` (HTTP ${found.lastHttpStatus})` : "";
        const message = !found
          ? "Test event queued; its delivery has not been recorded yet. Refresh in a moment."
          : found.status === "retrying"
            ? `Test event not accepted${answer}: it will be retried.`
            : `Test event ${found.status}${answer}.`;
        feedback.className = found && found.status === "delivered" ? "notice" : "notice notice-warn";
        replace(feedback, message);
        announce(message);
      } catch (error) {
        replace(feedback, errorView(error));
      } finally {
        testButton.disabled = !s.enabled;
      }
    });
    const refreshButton = h("button", { type: "button", id: "refresh-deliveries", class: "secondary" }, "Refresh");
    refreshButton.addEventListener("click", async () => {
      try {
        await refresh();
        announce("Deliveries refreshed.");
      } catch (error) {
        replace(holder, errorView(error));
      }
    });
    show(sid,
      h("p", { class: "lede" }, s.enabled ? badge("delivery", "delivered", "Enabled") : badge("delivery", "failed", "Disabled"), " ",
        s.format === "teams" ? "Teams card" : "CloudEvents", " · ", filterText(s.filter || {})),
      h("dl", { class: "pairs facts" },
        h("dt", {}, "URL"), h("dd", {}, h("code", { class: "url", id: "subscription-url" }, s.url)),
        h("dt", {}, "Created"), h("dd", {}, time(s.createdAt)),
        h("dt", {}, "Updated"), h("dd", {}, time(s.updatedAt))),
      h("section", { "aria-labelledby": "test-h" },
        h("h2", { id: "test-h" }, "Test"),
        h("p", { class: "muted" }, "Sends a signed ", code("drift.subscription.test"), " event to this address now."),
        h("div", { class: "ack-row start" }, testButton, refreshButton),
        feedback),
      h("section", { "aria-labelledby": "deliveries-h" },
        h("h2", { id: "deliveries-h" }, "Recent deliveries"),
        holder));
  }

  // --- start ---------------------------------------------------------------------------------------

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a.skip-link") : null;
    if (link) {
      event.preventDefault();
      main.focus();
    }
  });
  window.addEventListener("hashchange", () => {
    if (window.location.hash === "" || window.location.hash.startsWith("#/")) route(true);
  });
  route(false);
})();
