// presse serve: shows what /api/state lists, and follows /events. After each build it fetches
// the state again and changes only what differs: a page image whose URL (its hash) is the same
// is left alone, so the browser fetches again only the pages that changed.
"use strict";

const sections = new Map(); // publication name -> its elements
let shownGeneration = -1;
let large = null; // {name, index} of the page shown large

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

async function refresh() {
  let state;
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    state = await response.json();
  } catch (err) {
    setStatus("The server does not answer; retrying…");
    return;
  }
  if (state.generation === shownGeneration) return;
  show(state);
  shownGeneration = state.generation;
  document.body.dataset.generation = state.generation;
  document.body.dataset.updatedAt = Date.now();
}

function setStatus(text) {
  document.getElementById("status").textContent = text;
}

function show(state) {
  const built = state.generation > 0;
  setStatus(built ? `Build ${state.generation}, shown at ${new Date().toLocaleTimeString()}` : "Building…");
  const error = document.getElementById("error");
  error.hidden = !state.error;
  error.textContent = state.error ? `The last build could not run: ${state.error}` : "";
  const project = document.getElementById("project");
  project.hidden = state.findings.length === 0;
  showFindings(project.querySelector(".findings"), state.findings);
  const names = state.publications.map((p) => p.name);
  for (const [name, section] of sections) {
    if (!names.includes(name)) {
      section.root.remove();
      sections.delete(name);
    }
  }
  const main = document.getElementById("publications");
  for (const publication of state.publications) {
    if (!sections.has(publication.name)) sections.set(publication.name, newSection(publication.name));
    const section = sections.get(publication.name);
    main.append(section.root); // keeps the order of the list
    showPublication(section, publication);
  }
  showIndex(state.publications);
  if (large) showLarge(large.name, large.index);
}

function showIndex(publications) {
  const nav = document.getElementById("index");
  nav.replaceChildren(...publications.map((p) =>
    element("a", { href: `#${encodeURIComponent(p.name)}`, class: p.failed ? "failed" : "" }, p.name)));
}

function newSection(name) {
  const section = { name, chapter: 0, chapterUrls: [] };
  section.state = element("p", { class: "state" });
  section.findings = element("div", { class: "findings" });
  section.pages = element("div", { class: "pages" });
  section.chapters = element("ol");
  section.frame = element("iframe", { title: `${name}, EPUB` });
  section.frame.addEventListener("load", () => fitFrame(section));
  section.root = element("section", { class: "publication", id: name },
    element("h2", {}, name), section.state,
    element("h3", {}, "Findings of the last build"), section.findings,
    element("h3", {}, "PDF"), section.pages,
    element("h3", {}, "EPUB"), element("div", { class: "reading" }, section.chapters, section.frame));
  section.pages.addEventListener("click", (event) => {
    if (event.target.tagName === "IMG") showLarge(name, Number(event.target.dataset.index));
  });
  return section;
}

function showPublication(section, publication) {
  section.root.classList.toggle("failed", publication.failed);
  const said = publication.failed
    ? "Not rebuilt: fix the errors below. The editions shown are from the last good build."
    : `${publication.pages.length} pages, ${publication.chapters.length} chapters`;
  section.state.textContent = [said, ...publication.unreadable].join(" ");
  section.pageUrls = publication.pages;
  showFindings(section.findings, publication.findings);
  showPages(section, publication.pages);
  showChapters(section, publication.chapters);
}

function showFindings(box, findings) {
  if (findings.length === 0) {
    box.replaceChildren(element("p", { class: "none" }, "No findings."));
    return;
  }
  box.replaceChildren(...findings.map((text) => element("pre", { class: "finding" }, text)));
}

// Only an image whose URL changed is given its new URL (and fetched).
function showPages(section, urls) {
  const images = [...section.pages.children];
  urls.forEach((url, index) => {
    let image = images[index];
    if (!image) {
      image = element("img", { class: "page", loading: "lazy", decoding: "async" });
      section.pages.append(image);
    }
    if (image.getAttribute("src") !== url) image.setAttribute("src", url);
    image.alt = `page ${index + 1}`;
    image.dataset.index = index;
  });
  images.slice(urls.length).forEach((image) => image.remove());
}

function showChapters(section, chapters) {
  section.chapters.replaceChildren(...chapters.map((chapter, index) => {
    const button = element("button", { type: "button" }, chapter.title);
    button.setAttribute("aria-current", String(index === section.chapter));
    button.addEventListener("click", () => {
      section.chapter = index;
      showChapters(section, chapters);
    });
    return element("li", {}, button);
  }));
  if (section.chapter >= chapters.length) section.chapter = 0;
  const url = chapters.length ? chapters[section.chapter].url : "about:blank";
  if (section.frame.getAttribute("src") !== url) {
    section.scroll = window.scrollY;
    section.frame.setAttribute("src", url);
  }
}

// The frame takes the height of its chapter: one column, read with the page's own scrolling.
function fitFrame(section) {
  const inside = section.frame.contentDocument;
  if (!inside || !inside.documentElement) return;
  section.frame.style.height = `${inside.documentElement.scrollHeight + 20}px`;
  if (section.scroll !== undefined) window.scrollTo(0, section.scroll);
  section.scroll = undefined;
}

function showLarge(name, index) {
  const section = sections.get(name);
  const box = document.getElementById("large");
  if (!section || !section.pageUrls || index < 0 || index >= section.pageUrls.length) {
    large = null;
    box.hidden = true;
    return;
  }
  large = { name, index };
  const image = box.querySelector("img");
  if (image.getAttribute("src") !== section.pageUrls[index]) image.setAttribute("src", section.pageUrls[index]);
  image.alt = `${name}, page ${index + 1}`;
  box.querySelector(".caption").textContent = `${name}, page ${index + 1} of ${section.pageUrls.length} (← → to turn, Esc to close)`;
  box.hidden = false;
}

document.getElementById("large").addEventListener("click", (event) => {
  if (event.target.tagName !== "IMG") showLarge("", -1);
});
document.addEventListener("keydown", (event) => {
  if (!large) return;
  if (event.key === "Escape") showLarge("", -1);
  if (event.key === "ArrowRight") showLarge(large.name, large.index + 1);
  if (event.key === "ArrowLeft") showLarge(large.name, large.index - 1);
});

const events = new EventSource("/events");
events.onmessage = (event) => {
  if (Number(event.data) !== shownGeneration) refresh();
};
events.onerror = () => setStatus("Lost the server; reconnecting…");
refresh();
