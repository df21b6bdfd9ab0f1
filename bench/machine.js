// @ts-check
// Facts about where the numbers came from, printed above the tables and kept in the JSON:
// a median means little without the CPU, the core count, the engine and the kernel build.
import os from "node:os";
import { capabilities } from "kernelpool";

/**
 * @typedef {object} Machine
 * @property {string} cpu
 * @property {number} cores
 * @property {number} availableParallelism
 * @property {number} totalMemGiB
 * @property {number} freeMemGiB  at the start: decides whether n = 1e8 runs
 * @property {number[]} loadavg   at the start: other work on a 2-core machine moves the medians
 * @property {string} node
 * @property {string} v8
 * @property {string} platform
 * @property {string} arch
 * @property {import('kernelpool').Capabilities} kernelpool
 */

/** @returns {Machine} */
export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
    freeMemGiB: Math.round(os.freemem() / 2 ** 30),
    loadavg: os.loadavg(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    kernelpool: capabilities(),
  };
}
