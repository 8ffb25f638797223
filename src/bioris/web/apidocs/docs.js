// The API reference: renders /openapi.json as a page, with a form to try each GET route.
// Text from the document goes in with textContent only, never as markup.
"use strict";

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function resolve(doc, schema) {
  let current = schema || {};
  for (let depth = 0; current.$ref && depth < 20; depth += 1) {
    const path = current.$ref.replace(/^#\//, "").split("/");
    current = path.reduce((node, key) => (node ? node[key] : undefined), doc) || {};
  }
  return current;
}

function isArray(schema) {
  return Boolean(schema && (schema.type === "array" || (schema.anyOf || []).some((s) => s.type === "array")));
}

function typeName(doc, schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  // A checked vocabulary: its values (a parameter may be null when absent).
  if (schema.enum) return `one of: ${schema.enum.join(", ")}`;
  if (schema.items && schema.items.enum && isArray(schema)) {
    return `repeatable, each one of: ${schema.items.enum.join(", ")}`;
  }
  if (schema.anyOf) return schema.anyOf.map((s) => typeName(doc, s)).join(" | ");
  if (schema.type === "array") return `array of ${typeName(doc, schema.items)}`;
  if (schema.enum) return `${schema.type || "string"}: ${schema.enum.join(", ")}`;
  const limits = [];
  if (schema.minimum !== undefined) limits.push(`>= ${schema.minimum}`);
  if (schema.maximum !== undefined) limits.push(`<= ${schema.maximum}`);
  if (schema.maxLength !== undefined) limits.push(`<= ${schema.maxLength} chars`);
  return [schema.type || "object", ...limits].join(", ");
}

function table(headers, rows) {
  const node = el("table");
  const head = node.createTHead().insertRow();
  headers.forEach((h) => head.appendChild(el("th", h)));
  const body = node.createTBody();
  rows.forEach((cells) => {
    const row = body.insertRow();
    cells.forEach((c) => row.appendChild(el("td", c)));
  });
  return node;
}

function schemaTable(doc, schema) {
  const resolved = resolve(doc, schema);
  const props = resolved.properties || {};
  const rows = Object.entries(props).map(([name, prop]) => [
    name, typeName(doc, prop), prop.description || resolve(doc, prop).description || "",
  ]);
  return rows.length ? table(["field", "type", "meaning"], rows) : el("p", typeName(doc, schema));
}

function tryForm(path, params) {
  const form = el("form");
  const inputs = {};
  params.filter((p) => p.in === "query" || p.in === "path").forEach((p) => {
    const label = el("label", p.name + (p.required ? " *" : ""));
    const input = el("input");
    input.name = p.name;
    if (p.schema && p.schema.default !== undefined) input.placeholder = String(p.schema.default);
    const many = isArray(p.schema);
    if (many) input.placeholder = "a, b (repeated)";
    label.appendChild(input);
    form.appendChild(label);
    inputs[p.name] = { input, where: p.in, many };
  });
  const button = el("button", "Send GET");
  button.type = "submit";
  form.appendChild(button);
  const out = el("pre", "", "result");
  out.hidden = true;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const [name, { input, where, many }] of Object.entries(inputs)) {
      if (!input.value) continue;
      if (where === "path") url = url.replace(`{${name}}`, encodeURIComponent(input.value));
      else if (many) input.value.split(",").map((v) => v.trim()).filter(Boolean).forEach((v) => query.append(name, v));
      else query.set(name, input.value);
    }
    const search = query.toString();
    const target = search ? `${url}?${search}` : url;
    out.hidden = false;
    out.textContent = `GET ${target} …`;
    try {
      const response = await fetch(target, { headers: { Accept: "application/json" } });
      const text = await response.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 1); } catch { /* CSV or text */ }
      if (shown.length > 20000) shown = `${shown.slice(0, 20000)}\n… (${shown.length} characters)`;
      out.textContent = `${response.status} ${response.statusText}\n${shown}`;
    } catch (error) {
      out.textContent = `request failed: ${error.message}`;
    }
  });
  return [form, out];
}

function operation(doc, path, op) {
  const section = el("section");
  const title = el("h2");
  title.appendChild(el("span", "GET", "method"));
  title.appendChild(el("code", path));
  section.appendChild(title);
  if (op.summary) section.appendChild(el("p", op.summary));
  if (op.description) section.appendChild(el("p", op.description, "muted"));
  const params = op.parameters || [];
  if (params.length) {
    section.appendChild(el("h3", "Parameters"));
    section.appendChild(table(["name", "in", "type", "default", "meaning"], params.map((p) => [
      p.name + (p.required ? " *" : ""), p.in, typeName(doc, p.schema),
      p.schema && p.schema.default !== undefined ? String(p.schema.default) : "",
      p.description || (p.schema && p.schema.description) || "",
    ])));
  }
  section.appendChild(el("h3", "Responses"));
  for (const [status, response] of Object.entries(op.responses || {})) {
    section.appendChild(el("p", `${status}: ${response.description || ""}`));
    const content = response.content || {};
    const json = content["application/json"];
    if (json && json.schema && status.startsWith("2")) section.appendChild(schemaTable(doc, json.schema));
  }
  section.appendChild(el("h3", "Try it"));
  tryForm(path, params).forEach((node) => section.appendChild(node));
  return section;
}

async function render() {
  const main = document.getElementById("docs");
  try {
    const response = await fetch("/openapi.json");
    const doc = await response.json();
    main.textContent = "";
    const info = doc.info || {};
    main.appendChild(el("p", `${info.title || "API"} ${info.version || ""}`, "muted"));
    if (info.description) main.appendChild(el("p", info.description));
    for (const [path, item] of Object.entries(doc.paths || {})) {
      if (item.get) main.appendChild(operation(doc, path, item.get));
    }
    main.appendChild(el("h2", "Models"));
    for (const [name, schema] of Object.entries((doc.components || {}).schemas || {})) {
      main.appendChild(el("h3", name));
      if (schema.description) main.appendChild(el("p", schema.description, "muted"));
      main.appendChild(schemaTable(doc, schema));
    }
  } catch (error) {
    main.textContent = "";
    main.appendChild(el("p", `Could not load /openapi.json: ${error.message}`, "error"));
  }
}

document.addEventListener("DOMContentLoaded", render);
