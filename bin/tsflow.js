#!/usr/bin/env node
'use strict';
// Entry point of `tsflow` (and `npm start`): runs the compiled CLI.
require('../dist/src/cli')
  .main(process.argv.slice(2))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
