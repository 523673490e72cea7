// Drives the page of `presse serve` in headless Chromium for tests/testsuite/serve.rs.
//
// usage: node serve.js URL   (PRESSE_NODE_MODULES: the folder holding puppeteer-core;
//                             PUPPETEER_EXECUTABLE_PATH: the Chromium to run)
// Prints one JSON line per snapshot of the page: once loaded, then after each line `wait` read
// on standard input, once the page has shown a newer build. A snapshot holds the page images'
// URLs, how many are loaded, the findings' text, each publication's state line, the time the
// page applied the build (`updatedAt`, ms since the epoch) and the page images requested since
// the last snapshot.
"use strict";
const { createRequire } = require("module");
const path = require("path");
const readline = require("readline");

const load = createRequire(path.join(process.env.PRESSE_NODE_MODULES, "noop.js"));
const puppeteer = load("puppeteer-core");

async function main() {
  const url = process.argv[2];
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    let requested = [];
    page.on("request", (request) => {
      if (request.url().includes("/pdf/")) requested.push(new URL(request.url()).pathname);
    });
    await page.goto(url);
    await waitUntilLoaded(page);
    let generation = await snapshot(page, requested);
    requested = [];
    const lines = readline.createInterface({ input: process.stdin });
    for await (const line of lines) {
      if (line.trim() !== "wait") continue;
      await page.waitForFunction(
        (seen) => Number(document.body.dataset.generation) > seen, { timeout: 120000, polling: 20 },
        generation);
      await waitUntilLoaded(page);
      generation = await snapshot(page, requested);
      requested = [];
    }
  } finally {
    await browser.close();
  }
}

// Waits for `loaded`; if it never comes, says what the page shows instead.
async function waitUntilLoaded(page) {
  try {
    await page.waitForFunction(loaded, { timeout: 60000 });
  } catch (err) {
    const shown = await page.evaluate(() => ({
      generation: document.body.dataset.generation,
      images: [...document.querySelectorAll("img.page")].map((i) =>
        `${i.getAttribute("src")} complete=${i.complete} width=${i.naturalWidth}`),
      text: document.body.innerText.slice(0, 1500),
    }));
    throw new Error(`${err.message}; the page shows ${JSON.stringify(shown, null, 1)}`);
  }
}

// Whether a build is shown and the page images in view have loaded.
function loaded() {
  const images = [...document.querySelectorAll("img.page")];
  const inView = images.filter((i) => i.getBoundingClientRect().top < window.innerHeight);
  return Number(document.body.dataset.generation) > 0 && images.length > 0 &&
    inView.every((i) => i.complete && i.naturalWidth > 0);
}

async function snapshot(page, requested) {
  const seen = await page.evaluate(() => ({
    generation: Number(document.body.dataset.generation),
    updatedAt: Number(document.body.dataset.updatedAt),
    pages: [...document.querySelectorAll("img.page")].map((i) => i.getAttribute("src")),
    loaded: [...document.querySelectorAll("img.page")].filter((i) => i.naturalWidth > 0).length,
    findings: [...document.querySelectorAll(".findings")].map((f) => f.innerText).join("\n"),
    states: [...document.querySelectorAll(".publication .state")].map((s) => s.innerText),
  }));
  console.log(JSON.stringify({ ...seen, requested: [...requested] }));
  return seen.generation;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
