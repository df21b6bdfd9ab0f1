// Preload (`node --import`): a machine of 384 hardware threads, more than a pool may have (256).
import os from "node:os";
import { syncBuiltinESMExports } from "node:module";

os.availableParallelism = () => 384;
syncBuiltinESMExports();
