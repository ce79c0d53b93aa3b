/**
 * The convexlint VS Code extension: starts `<python> -m convexlint server` (LSP over stdio)
 * for TypeScript and JavaScript files and shows its diagnostics.
 */
import * as vscode from "vscode";
import {
  DocumentSelector,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { probeConvexlint, resolveInterpreter, serverCommand } from "./server";

const LANGUAGES = ["typescript", "typescriptreact", "javascript", "javascriptreact"];

/** Files whose changes the server hears about (it reloads configuration on them). */
const WATCHED_CONFIG_FILES = ["**/convexlint.yaml", "**/.convexlint.yaml", "**/pyproject.toml", "**/convex.json"];

const DOCUMENT_SELECTOR: DocumentSelector = LANGUAGES.flatMap((language) => [
  { scheme: "file", language },
  { scheme: "untitled", language },
]);

let output: vscode.OutputChannel | undefined;
let client: LanguageClient | undefined;
let watchers: vscode.FileSystemWatcher[] = [];
/** Start, stop and restart run one after another, never interleaved. */
let queue: Promise<void> = Promise.resolve();

function enqueue(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step, step).catch((error: unknown) => {
    log(`Unexpected error: ${String(error)}`);
  });
  return queue;
}

function log(line: string): void {
  output?.appendLine(`[client] ${line}`);
}

async function showProblem(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "convexlint.interpreter");
  } else if (choice === "Show Output") {
    output?.show(true);
  }
}

async function startServer(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const cwd = folder?.uri.fsPath;
  const config = vscode.workspace.getConfiguration("convexlint", folder?.uri);
  if (!config.get<boolean>("enable", true)) {
    log('"convexlint.enable" is false: the server is not started.');
    return;
  }

  const { interpreter, source } = resolveInterpreter(config.get<string>("interpreter", ""), cwd);
  log(`Python interpreter: ${interpreter} (from ${source})`);
  const probe = await probeConvexlint(interpreter, cwd);
  if (probe.problem !== null) {
    log(probe.problem);
    void showProblem(probe.problem);
    return;
  }
  log(`Found ${probe.version}`);

  const { command, args } = serverCommand(interpreter, config.get<unknown[]>("args", []));
  log(`Starting: ${command} ${args.join(" ")}`);
  const serverOptions: ServerOptions = { command, args, transport: TransportKind.stdio, options: { cwd } };
  watchers = WATCHED_CONFIG_FILES.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { fileEvents: watchers },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  const next = new LanguageClient("convexlint", "convexlint", serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (error) {
    const message = `convexlint: the language server did not start (${String(error)}). See the "convexlint" output.`;
    log(message);
    void showProblem(message);
    await stopServer();
  }
}

async function stopServer(): Promise<void> {
  const current = client;
  client = undefined;
  if (current !== undefined) {
    try {
      if (current.isRunning()) {
        await current.stop();
      }
    } catch (error) {
      log(`Stopping the server failed: ${String(error)}`);
    }
  }
  for (const watcher of watchers) {
    watcher.dispose();
  }
  watchers = [];
}

async function restartServer(): Promise<void> {
  await stopServer();
  await startServer();
}

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("convexlint");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("convexlint.restart", () => enqueue(restartServer)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The client follows convexlint.trace.server itself; the other settings need a restart.
      const needsRestart = ["enable", "interpreter", "args"].some((key) =>
        event.affectsConfiguration(`convexlint.${key}`),
      );
      if (needsRestart) {
        void enqueue(restartServer);
      }
    }),
  );
  return enqueue(startServer);
}

export function deactivate(): Promise<void> {
  return enqueue(stopServer);
}
