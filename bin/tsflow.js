#!/usr/bin/env node
'use strict';
// Entry point of `tsflow` (and `npm start`): runs the compiled CLI.
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'src', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('tsflow is not built yet: run `npm run build` (npm ci does it through the prepare script).');
  process.exit(1);
}
require(cli)
  .main(process.argv.slice(2))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
