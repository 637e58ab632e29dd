#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`; `npm pack` and `npm publish` run it through `prepack`).
import '../dist/cli/main.js'
