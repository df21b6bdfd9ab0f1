// The Node entry point: installs the Node platform, then exports the public API.
import { nodePlatform } from "./platform/node.js";
import { setPlatform } from "./platform/platform.js";

setPlatform(nodePlatform);

export * from "./api.js";
