// Deals (/deals): search and filter the alliances, sort on the server, page, download CSV.

import { ApiError, getActorNames, getJSON, getMeta, queryString } from "./api.js";
import {
  actorLink,
  dataTable,
  el,
  errorBox,
  field,
  formatEur,
  formatHeadline,
  humanise,
  options,
  sourceList,
} from "./dom.js";

const PAGE_SIZES = [25, 50, 100, 250, 500, 1000];
const SORTS = new Set(["year", "date", "headline_eur", "deal_type"]);
const FIRST_ORDER = { year: "desc", date: "desc", headline_eur: "desc", deal_type: "asc" };

class PickError extends Error {}

/** A text input that turns a typed name into an actor id, with suggestions from /api/actors. */
function actorPicker({ id, signal }) {
  const list = el("datalist", { id: `${id}-options` });
  const message = el("small", { class: "hint", id: `${id}-message`, "aria-live": "polite" });
  const input = el("input", {
    type: "search", id, list: list.id, autocomplete: "off", spellcheck: "false",
    placeholder: "Name or alias", "aria-describedby": message.id,
  });
  const known = new Map(); // lower-case name -> actor
  let chosenId = "";
  let timer = null;
  let token = 0;

  const remember = (items) => {
    for (const actor of items) {
      known.set(String(actor.name).toLowerCase(), actor);
      for (const alias of actor.aliases || []) {
        if (!known.has(String(alias).toLowerCase())) known.set(String(alias).toLowerCase(), actor);
      }
    }
  };

  async function search(text) {
    const answer = await getJSON("/api/actors", { q: text, page_size: 20 }, { signal });
    const items = answer.items || [];
    remember(items);
    return items;
  }

  async function suggest() {
    const text = input.value.trim();
    if (text.length < 2) return;
    const mine = ++token;
    try {
      const items = await search(text);
      if (mine !== token) return;
      list.replaceChildren(
        ...items.map((a) => el("option", {
          value: a.name,
          label: [humanise(a.kind), a.location || a.country].filter((v) => v && v !== "—" && v !== "unknown").join(", "),
        })),
      );
    } catch (error) {
      if (error.name !== "AbortError") message.textContent = error.message;
    }
  }

  input.addEventListener("input", () => {
    chosenId = "";
    message.textContent = "";
    input.removeAttribute("aria-invalid");
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });

  return {
    node: el("div", { class: "picker" }, input, list, message),
    input,
    /** The id for the typed name ("" when empty); throws PickError when it names no one actor. */
    async resolve() {
      const text = input.value.trim();
      message.textContent = "";
      input.removeAttribute("aria-invalid");
      if (!text) return "";
      if (chosenId) return chosenId;
      const lower = text.toLowerCase();
      let hit = known.get(lower);
      if (!hit) {
        const items = await search(text);
        const exact = items.filter((a) => a.actor_id === text || String(a.name).toLowerCase() === lower
          || (a.aliases || []).some((alias) => String(alias).toLowerCase() === lower));
        if (exact.length === 1) hit = exact[0];
        else if (items.length === 1) hit = items[0];
        else {
          input.setAttribute("aria-invalid", "true");
          const problem = items.length ? `Several actors match “${text}”: pick one from the list.` : `No actor matches “${text}”.`;
          message.textContent = problem;
          throw new PickError(problem);
        }
      }
      input.value = hit.name;
      chosenId = hit.actor_id;
      return chosenId;
    },
    /** Show an actor given by id (from the address bar). */
    async setId(actorId) {
      chosenId = actorId || "";
      if (!actorId) {
        input.value = "";
        return;
      }
      input.value = actorId;
      try {
        const names = await getActorNames();
        if (chosenId === actorId && names.has(actorId)) {
          input.value = names.get(actorId);
          known.set(String(input.value).toLowerCase(), { actor_id: actorId, name: input.value });
        }
      } catch {
        // keep the id as the label
      }
    },
    clear() {
      chosenId = "";
      input.value = "";
      message.textContent = "";
      input.removeAttribute("aria-invalid");
    },
  };
}

function intOrEmpty(text) {
  const value = Number.parseInt(String(text ?? ""), 10);
  return Number.isFinite(value) ? value : "";
}

function numberOrEmpty(text) {
  if (text === null || text === undefined || String(text).trim() === "") return "";
  const value = Number(text);
  return Number.isFinite(value) ? value : "";
}

export async function render(app, ctx) {
  const meta = await getMeta();
  if (ctx.signal.aborted) return null;
  const [minYear, maxYear] = Array.isArray(meta.years) ? meta.years : [1900, 2100];
  const maxPage = meta.settings?.max_page_size || 1000;
  const defaultSize = Math.min(meta.settings?.default_page_size || 50, 50); // 50 rows read well
  const sizes = [...new Set([...PAGE_SIZES.filter((s) => s <= maxPage), defaultSize])].sort((a, b) => a - b);

  const p = ctx.params;
  const state = {
    actor: p.get("actor") || "",
    partner: p.get("partner") || "",
    year_from: intOrEmpty(p.get("year_from")),
    year_to: intOrEmpty(p.get("year_to")),
    deal_type: p.get("deal_type") || "",
    stage: p.get("stage") || "",
    min_value_eur: numberOrEmpty(p.get("min_value_eur")),
    sort: SORTS.has(p.get("sort")) ? p.get("sort") : "year",
    order: p.get("order") === "asc" ? "asc" : p.get("order") === "desc" ? "desc" : (p.get("sort") ? "asc" : "desc"),
    page: Math.max(1, intOrEmpty(p.get("page")) || 1),
    page_size: sizes.includes(intOrEmpty(p.get("page_size"))) ? intOrEmpty(p.get("page_size")) : defaultSize,
  };

  // ---- form --------------------------------------------------------------------------------
  const actorPick = actorPicker({ id: "deal-actor", signal: ctx.signal });
  const partnerPick = actorPicker({ id: "deal-partner", signal: ctx.signal });
  const yearFrom = el("input", { type: "number", id: "deal-year-from", min: minYear, max: maxYear, step: 1, inputmode: "numeric", placeholder: String(minYear), value: state.year_from });
  const yearTo = el("input", { type: "number", id: "deal-year-to", min: minYear, max: maxYear, step: 1, inputmode: "numeric", placeholder: String(maxYear), value: state.year_to });
  const typeSelect = el("select", { id: "deal-type" }, options(meta.deal_types, { any: "Any type", selected: state.deal_type }));
  const stageSelect = el("select", { id: "deal-stage" }, options(meta.stages, { any: "Any stage", selected: state.stage }));
  const minValue = el("input", { type: "number", id: "deal-min-value", min: 0, step: "any", inputmode: "decimal", placeholder: "0", value: state.min_value_eur });
  const sizeSelect = el("select", { id: "deal-page-size" },
    sizes.map((s) => el("option", { value: s, text: `${s} per page`, selected: s === state.page_size })));
  const formMessage = el("p", { class: "error-text", role: "alert" });

  const form = el(
    "form",
    { class: "controls deal-filters", "aria-label": "Filter deals", novalidate: true },
    el("div", { class: "field" }, el("label", { for: "deal-actor", text: "Actor" }), actorPick.node),
    el("div", { class: "field" }, el("label", { for: "deal-partner", text: "Partner" }), partnerPick.node),
    field("Year from", yearFrom),
    field("Year to", yearTo),
    field("Deal type", typeSelect),
    field("Stage at signing", stageSelect),
    field("Minimum headline value (€ m)", minValue),
    field("Rows", sizeSelect),
    el("div", { class: "field field-button" },
      el("button", { type: "submit", class: "primary", text: "Apply" }),
      el("button", { type: "reset", id: "deal-reset", text: "Reset" })),
  );

  const status = el("p", { id: "deals-status", class: "status", role: "status", "aria-live": "polite", text: "Loading deals…" });
  const csvLink = el("a", { id: "deals-csv", class: "button", href: "/api/alliances.csv", download: "alliances.csv", text: "Download CSV" });
  const tableSlot = el("div", { id: "deals-table" });
  const prev = el("button", { type: "button", id: "deals-prev", text: "← Previous" });
  const next = el("button", { type: "button", id: "deals-next", text: "Next →" });
  const pageLabel = el("span", { id: "deals-page", class: "page-label", text: "" });
  const pager = el("nav", { class: "pager", "aria-label": "Pages" }, prev, pageLabel, next);

  app.append(
    el("div", { class: "page-head" },
      el("h1", { text: "Deals" }),
      el("p", { class: "lede", text: "Alliances, licences, investments and acquisitions. Values in millions of euro; sources link to the original reports." })),
    form,
    formMessage,
    el("div", { class: "card" }, el("div", { class: "table-tools" }, status, csvLink), tableSlot, pager),
  );

  // ---- data --------------------------------------------------------------------------------
  const filters = () => ({
    actor: state.actor, partner: state.partner, year_from: state.year_from, year_to: state.year_to,
    deal_type: state.deal_type, stage: state.stage, min_value_eur: state.min_value_eur,
    sort: state.sort, order: state.order,
  });
  let token = 0;

  function columns() {
    return [
      { key: "year", label: "Year", sortKey: "year", render: (d) => (d.year ? String(d.year) : "—") },
      { key: "date", label: "Date", sortKey: "date", className: "nowrap", render: (d) => d.date || "—" },
      { key: "deal_type", label: "Type", sortKey: "deal_type", render: (d) => humanise(d.deal_type) },
      { key: "parties", label: "Parties", className: "wide-col", render: (d) => el("span", { class: "parties" },
        (d.parties || []).map((party, i) => [
          i ? "; " : "",
          actorLink(party.actor_id, party.name),
          party.role ? el("span", { class: "muted", text: ` (${humanise(party.role)})` }) : null,
        ])) },
      { key: "stage_at_signing", label: "Stage", render: (d) => humanise(d.stage_at_signing) },
      { key: "asset", label: "Asset / area", render: (d) => [d.asset, d.therapeutic_area].filter(Boolean).join(" · ") || "—" },
      { key: "upfront_eur", label: "Upfront", numeric: true, render: (d) => formatEur(d.upfront_eur) },
      { key: "milestones_eur", label: "Milestones", numeric: true, render: (d) => formatEur(d.milestones_eur) },
      { key: "equity_eur", label: "Equity", numeric: true, render: (d) => formatEur(d.equity_eur) },
      { key: "headline_eur", label: "Headline", numeric: true, sortKey: "headline_eur", render: formatHeadline },
      { key: "source_urls", label: "Sources", render: (d) => sourceList(d.source_urls) },
    ];
  }

  function onSort(key) {
    if (state.sort === key) state.order = state.order === "asc" ? "desc" : "asc";
    else {
      state.sort = key;
      state.order = FIRST_ORDER[key] || "asc";
    }
    state.page = 1;
    load();
  }

  async function load() {
    const mine = ++token;
    tableSlot.setAttribute("aria-busy", "true");
    csvLink.href = `/api/alliances.csv${queryString(filters())}`;
    ctx.setQuery({ ...filters(), sort: state.sort === "year" ? "" : state.sort, order: state.sort === "year" && state.order === "desc" ? "" : state.order,
      page: state.page > 1 ? state.page : "", page_size: state.page_size === defaultSize ? "" : state.page_size });
    let answer;
    try {
      answer = await getJSON("/api/alliances", { ...filters(), page: state.page, page_size: state.page_size }, { signal: ctx.signal });
    } catch (error) {
      if (error.name === "AbortError" || mine !== token) return;
      tableSlot.removeAttribute("aria-busy");
      status.textContent = "";
      tableSlot.replaceChildren(errorBox(error));
      if (error instanceof ApiError && error.status === 400) formMessage.textContent = error.message;
      return;
    }
    if (mine !== token) return;
    const total = Number(answer.total) || 0;
    const pageSize = Number(answer.page_size) || state.page_size;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    if (state.page > pages && total > 0) {
      state.page = pages; // the address asked for a page past the end
      load();
      return;
    }
    const items = answer.items || [];
    tableSlot.replaceChildren(
      dataTable({
        className: "data deals",
        columns: columns(),
        rows: items,
        empty: "No deals match these filters.",
        sort: { key: state.sort, order: state.order, onSort },
      }),
    );
    tableSlot.removeAttribute("aria-busy");
    const first = total ? (state.page - 1) * pageSize + 1 : 0;
    const last = Math.min(total, first + items.length - 1);
    status.textContent = total ? `${total} deal${total === 1 ? "" : "s"} · showing ${first}–${last}` : "No deals match.";
    pageLabel.textContent = `Page ${state.page} of ${pages}`;
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
  }

  async function applyForm() {
    formMessage.textContent = "";
    let actor;
    let partner;
    try {
      [actor, partner] = await Promise.all([actorPick.resolve(), partnerPick.resolve()]);
    } catch (error) {
      if (error instanceof PickError) {
        formMessage.textContent = error.message;
        return;
      }
      if (error.name === "AbortError") return;
      formMessage.textContent = error.message;
      return;
    }
    let from = intOrEmpty(yearFrom.value);
    let to = intOrEmpty(yearTo.value);
    if (from !== "" && to !== "" && from > to) [from, to] = [to, from];
    Object.assign(state, {
      actor, partner, year_from: from, year_to: to,
      deal_type: typeSelect.value, stage: stageSelect.value,
      min_value_eur: numberOrEmpty(minValue.value),
      page_size: Number(sizeSelect.value) || defaultSize,
      page: 1,
    });
    yearFrom.value = from;
    yearTo.value = to;
    load();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    applyForm();
  });
  for (const control of [typeSelect, stageSelect, sizeSelect, yearFrom, yearTo, minValue, actorPick.input, partnerPick.input]) {
    control.addEventListener("change", applyForm);
  }
  form.addEventListener("reset", (event) => {
    event.preventDefault();
    actorPick.clear();
    partnerPick.clear();
    for (const input of [yearFrom, yearTo, minValue]) input.value = "";
    typeSelect.value = "";
    stageSelect.value = "";
    Object.assign(state, { actor: "", partner: "", year_from: "", year_to: "", deal_type: "", stage: "", min_value_eur: "", sort: "year", order: "desc", page: 1 });
    formMessage.textContent = "";
    load();
  });
  prev.addEventListener("click", () => {
    if (state.page > 1) {
      state.page -= 1;
      load();
    }
  });
  next.addEventListener("click", () => {
    state.page += 1;
    load();
  });

  actorPick.setId(state.actor);
  partnerPick.setId(state.partner);
  await load();
  return null;
}
