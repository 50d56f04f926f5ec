// Copies the front-end files the pages use from node_modules into static/vendor.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "signature_pad/dist/signature_pad.umd.min.js": "signature_pad/signature_pad.umd.min.js",
  // The script names its source map; whitenoise's manifest storage refuses a reference it cannot find.
  "signature_pad/dist/signature_pad.umd.min.js.map": "signature_pad/signature_pad.umd.min.js.map",
  "axe-core/axe.min.js": "axe-core/axe.min.js",
};

for (const [source, target] of Object.entries(files)) {
  const destination = join("static", "vendor", target);
  mkdirSync(dirname(destination), { recursive: true });
  copyFileSync(join("node_modules", source), destination);
}
console.log(`copied ${Object.keys(files).length} files into static/vendor`);
