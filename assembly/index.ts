// The kernel module's exports: every function takes pointers into the imported shared memory.
// The host calls dotBlocked*, runTask and the pool's claimTask; dot* and dotMany*, which those
// are built on, are exported so that test/kernels.test.js checks each layer on its own.
export { dotF64, dotF32 } from "./dot";
export { dotBlockedF64, dotBlockedF32, dotManyF64, dotManyF32 } from "./blocks";
export { runTask } from "./tasks";
export { iotaF64, iotaF32 } from "./fill";
export { claimTask } from "./claims";
