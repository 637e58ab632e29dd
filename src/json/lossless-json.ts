/**
 * The one function this package uses from lossless-json. The package's entry spreads it over ten modules;
 * `npm run build` replaces the compiled copy of this file with a bundle of just this export
 * (scripts/build.ts), so loading it costs one module. Run from source (tsx, vitest), it is lossless-json itself.
 * @module
 */
export { parse } from 'lossless-json'
