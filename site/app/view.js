/**
 * DOM helpers. Text goes in through textContent only (never innerHTML), so an item's
 * name or an API message cannot become markup, and nothing here needs a style attribute
 * (which `style-src 'self'` would block): visibility is the `hidden` attribute.
 */

const PRICE = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export const byId = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text, label, onClick) {
  const node = element("button", "", text);
  node.type = "button";
  node.setAttribute("aria-label", label);
  node.addEventListener("click", () => onClick(node));
  return node;
}

/** One list entry: name, price, description, tags, version and the Edit and Delete buttons. */
export function itemEntry(item, { onEdit, onDelete }) {
  const entry = element("li", "item");
  entry.dataset.id = item.id;
  entry.append(element("h3", "item-name", item.name));
  if (item.price !== undefined) entry.append(element("p", "price", `Price: ${PRICE.format(item.price)}`));
  if (item.description) entry.append(element("p", "description", item.description));
  if (item.tags?.length) {
    const tags = element("ul", "tags");
    tags.setAttribute("aria-label", "Tags");
    for (const tag of item.tags) tags.append(element("li", "tag", tag));
    entry.append(tags);
  }
  const meta = element("p", "meta", `Version ${item.version}, updated `);
  const updated = element("time", "", WHEN.format(new Date(item.updated_at)));
  updated.dateTime = item.updated_at;
  meta.append(updated);
  entry.append(meta);
  const actions = element("div", "buttons");
  actions.append(
    button("Edit", `Edit ${item.name}`, () => onEdit(item)),
    button("Delete", `Delete ${item.name}`, (node) => onDelete(item, node)),
  );
  entry.append(actions);
  return entry;
}

/** The form's values as API fields; `forUpdate` keeps emptied fields so that they clear. */
export function readForm(form, { forUpdate }) {
  const data = new FormData(form);
  const fields = { name: data.get("name").trim() };
  const description = data.get("description");
  if (description || forUpdate) fields.description = description;
  const price = data.get("price").trim();
  if (price !== "") fields.price = Number(price);
  const tags = data
    .get("tags")
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
  if (tags.length || forUpdate) fields.tags = tags;
  return fields;
}

export function fillForm(form, item) {
  form.elements.name.value = item.name;
  form.elements.description.value = item.description ?? "";
  form.elements.price.value = item.price ?? "";
  form.elements.tags.value = (item.tags ?? []).join(", ");
}

export function show(node, visible) {
  node.hidden = !visible;
}
