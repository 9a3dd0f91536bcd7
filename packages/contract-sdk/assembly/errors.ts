import { host_abort } from "./host";
import { stringRegion } from "./region";

/** Ends the call with an error: state changes are dropped, gas used so far is charged. */
export function fail(message: string): void {
  host_abort(stringRegion(message));
  unreachable();
}

/**
 * Replaces AssemblyScript's abort (the build passes --use abort=…/contractAbort), so `throw`,
 * failed assertions and runtime errors reach the host's abort with their message.
 */
export function contractAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = message !== null ? message : "abort";
  if (fileName !== null) text += " (" + fileName + ":" + line.toString() + ":" + column.toString() + ")";
  fail(text);
}
