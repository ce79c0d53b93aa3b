/**
 * How the extension finds and runs the convexlint language server.
 *
 * Nothing here imports `vscode`, so these functions run under plain Node (the Python test
 * suite calls them from the compiled `out/server.js`).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The process the client starts: `command` with `args`, speaking LSP over stdio. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/** Where the interpreter came from: the setting, the workspace's `.venv`, or `PATH`. */
export type InterpreterSource = "setting" | "venv" | "path";

export interface ResolvedInterpreter {
  interpreter: string;
  source: InterpreterSource;
}

/**
 * The language server's command line: `<interpreter> -m convexlint server <extraArgs...>`.
 *
 * Non-string entries of `extraArgs` (a hand-edited settings.json can hold anything) are
 * dropped.
 */
export function serverCommand(interpreter: string, extraArgs: readonly unknown[] = []): ServerCommand {
  const extra = extraArgs.filter((arg): arg is string => typeof arg === "string");
  return { command: interpreter, args: ["-m", "convexlint", "server", ...extra] };
}

/**
 * Expand `${workspaceFolder}` and a leading `~` in a path setting, and make a relative path
 * that names a file (contains a separator, e.g. `.venv/bin/python`) absolute against the
 * workspace folder. A bare name such as `python3` is left for a `PATH` lookup.
 */
export function expandPath(value: string, workspaceFolder: string | undefined): string {
  let result = value.trim();
  if (workspaceFolder !== undefined) {
    result = result.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (result === "~" || result.startsWith("~/") || result.startsWith("~\\")) {
    result = path.join(os.homedir(), result.slice(1));
  }
  const namesAFile = result.includes("/") || result.includes("\\");
  if (namesAFile && !path.isAbsolute(result) && workspaceFolder !== undefined) {
    result = path.join(workspaceFolder, result);
  }
  return result;
}

/**
 * Pick the Python that runs the server.
 *
 * 1. `setting` (`convexlint.interpreter`) when it is not empty, expanded by `expandPath`;
 * 2. else the workspace folder's virtualenv, `.venv/bin/python` (`.venv\Scripts\python.exe`
 *    on Windows), when that file exists;
 * 3. else `python3` (`python` on Windows), looked up on `PATH` when the server starts.
 */
export function resolveInterpreter(
  setting: string | undefined,
  workspaceFolder: string | undefined,
  platform: NodeJS.Platform = process.platform,
  exists: (file: string) => boolean = fs.existsSync,
): ResolvedInterpreter {
  if (setting !== undefined && setting.trim() !== "") {
    return { interpreter: expandPath(setting, workspaceFolder), source: "setting" };
  }
  const windows = platform === "win32";
  if (workspaceFolder !== undefined) {
    const join = windows ? path.win32.join : path.posix.join;
    const venvPython = windows
      ? join(workspaceFolder, ".venv", "Scripts", "python.exe")
      : join(workspaceFolder, ".venv", "bin", "python");
    if (exists(venvPython)) {
      return { interpreter: venvPython, source: "venv" };
    }
  }
  return { interpreter: windows ? "python" : "python3", source: "path" };
}

/**
 * What `probeConvexlint` found: `version` is the `--version` line (`"convexlint 0.x.y"`) or
 * null when that failed; `problem` is null when the server can start, else a sentence for
 * the user saying what is wrong and what to install.
 */
export interface ProbeResult {
  version: string | null;
  problem: string | null;
}

interface RunResult {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string | undefined, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      const code = error === null ? 0 : ((error as NodeJS.ErrnoException).code ?? (error.killed ? "TIMEOUT" : 1));
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines[lines.length - 1] ?? "";
}

/**
 * Check that `interpreter` can run the server before starting it: runs
 * `<interpreter> -m convexlint --version`, then `<interpreter> -m convexlint server --help`
 * (an older convexlint has no `server` command). Each run may take `timeoutMs` milliseconds.
 * Never rejects.
 */
export async function probeConvexlint(
  interpreter: string,
  cwd: string | undefined,
  timeoutMs = 20000,
): Promise<ProbeResult> {
  const install = "pip install convexlint";
  const version = await run(interpreter, ["-m", "convexlint", "--version"], cwd, timeoutMs);
  if (version.code === "ENOENT") {
    return {
      version: null,
      problem:
        `convexlint: the Python interpreter "${interpreter}" was not found. ` +
        `Set "convexlint.interpreter" to a Python that has convexlint (${install}).`,
    };
  }
  if (version.code === "TIMEOUT") {
    return {
      version: null,
      problem: `convexlint: "${interpreter} -m convexlint --version" did not finish within ${timeoutMs / 1000} s.`,
    };
  }
  if (version.code !== 0) {
    const reason = lastLine(version.stderr) || `exit status ${version.code}`;
    return {
      version: null,
      problem:
        `convexlint: "${interpreter}" cannot run convexlint (${reason}). ` +
        `Install it into that environment ("${interpreter}" -m ${install}) ` +
        `or set "convexlint.interpreter" to a Python that has it.`,
    };
  }
  const versionLine = lastLine(version.stdout);
  const server = await run(interpreter, ["-m", "convexlint", "server", "--help"], cwd, timeoutMs);
  if (server.code !== 0) {
    const reason = lastLine(server.stderr) || `exit status ${server.code}`;
    return {
      version: versionLine,
      problem:
        `convexlint: ${versionLine} at "${interpreter}" cannot start the language server (${reason}). ` +
        `Upgrade it ("${interpreter}" -m pip install --upgrade convexlint).`,
    };
  }
  return { version: versionLine, problem: null };
}
