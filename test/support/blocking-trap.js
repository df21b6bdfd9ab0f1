// Runs in a thread of its own, so that a blocking call that never returns hangs only this thread
// (pool-faults.test.js): a pool.dotSync-style job on 4 threads whose group opens late and whose
// opener then traps. Posts the name of what each call threw.
import { parentPort } from "node:worker_threads";
import { createPool, f64 } from "../../dist/index.js";
import { RANGE_TASKS, rangeWord } from "../../dist/pool/layout.js";
import { dotPlan } from "../../dist/pool/plan.js";
import { internals } from "../../dist/pool/pool.js";
import { setPlatform } from "../../dist/platform/platform.js";
import { nodePlatform } from "../../dist/platform/node.js";
import { stallingWorkers } from "./stalling-workers.js";

// Worker 2, range 2's owner and its group's leader (groups of 2 on 4 threads), stalls 20 ms when
// its first claim reads the word that opening range 3 needs.
const stallOf = (index) => (index === 2 ? { stallMs: 20, stallWord: rangeWord(2) + RANGE_TASKS } : {});
setPlatform({ ...nodePlatform, startWorker: stallingWorkers(stallOf) });

const pool = await createPool({ threads: 4 });
// 16 tasks of 64 blocks, 4 a range: ranges 0 and 1 valid, range 2 (tasks 8–11) lies past the
// arena's end and traps, range 3 valid. Worker 2, polling, claims task 8 as soon as the caller
// opens range 2 (leaders first) and stalls; the others reach range 2 only after ranges 0 and 1,
// take tasks 9–11 (a worker that does traps and ends) and find range 3 not open. Worker 2 then
// opens range 3, traps on task 8 and stops claiming; the workers left are asleep on EPOCH by
// then and do not wake for it. Only the blocking caller, looking through the ranges again,
// takes range 3.
const task = 64 * 4096;
const a = f64(12 * task).fill(1);
const valid = (from, tasks) => ({ precision: "f64", x: a.byteOffset + from * task * 8, y: a.byteOffset, n: tasks * task, count: 1, strideX: 0, strideY: 0 });
const beyond = { precision: "f64", x: 0xf000_0000, y: a.byteOffset, n: 4 * task, count: 1, strideX: 0, strideY: 0 };
const dispatcher = pool[internals];
// The race is tight on 2 busy cores (worker 2 must claim task 8 before the others get there), so
// the scenario runs several times; a trapped worker is replaced before the next round.
const thrown = [];
for (let round = 0; round < 6; round++) {
  while (dispatcher.rawWorkers().some((worker) => worker === undefined)) await new Promise((resolve) => setTimeout(resolve, 1));
  // A call just before leaves worker 2 polling its range, so it claims task 8 within a µs or so.
  dispatcher.runSync(dotPlan([valid(0, 12)]));
  try {
    dispatcher.runSync(dotPlan([valid(0, 8), beyond, valid(8, 4)]));
    thrown.push("nothing");
  } catch (error) {
    thrown.push(error.name);
  }
}
parentPort.postMessage(thrown);
await pool.destroy();
