// import.meta.url inside the CommonJS bundle (scripts/bundle.mjs): the bundle's own URL.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
