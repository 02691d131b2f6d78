import password from "@inquirer/password";
import { hashOverrideCode, validateOverrideCode } from "../adapters/security/override-code.js";

/**
 * `npm run override:hash`: turns an override code into the OVERRIDE_CODE_HASH line for `.env`.
 *
 * On a terminal it asks twice with echo off (nothing of the code is printed, not even
 * asterisks); a first entry that is not an acceptable code is asked again. With stdin piped (or
 * no stdin, as in CI) it reads one line, for scripts:
 *
 *     printf '%s\n' "$CODE" | npm run override:hash
 *
 * stdout carries only `OVERRIDE_CODE_HASH='...'` (quoted: the value contains `$`); every message
 * goes to stderr, and none of them contains the code.
 */

const MAX_PIPED_BYTES = 64 * 1024;

/**
 * One hidden answer from the terminal (@inquirer/password): nothing of it is echoed, not even
 * asterisks, and the visibility toggle (Ctrl+T) is off so the code can never be shown. The prompt
 * writes to stderr: stdout carries only the hash line. Ctrl-C rejects with ExitPromptError.
 */
function askHidden(message: string, validate?: (answer: string) => true | string): Promise<string> {
  return password({ message, mask: false, toggleMask: false, ...(validate ? { validate } : {}) }, { output: process.stderr });
}

/** validateOverrideCode's verdict as a prompt's validate: the first entry is asked again until it is acceptable. */
function acceptableCode(answer: string): true | string {
  try {
    validateOverrideCode(answer);
    return true;
  } catch (error) {
    return error instanceof Error ? error.message : "not an acceptable override code";
  }
}

/** Ctrl-C (or the terminal closing) during a prompt: the library's documented way to tell it apart. */
function isCancelled(error: unknown): boolean {
  return error instanceof Error && error.name === "ExitPromptError";
}

/** Reads the first line of piped stdin (without its line ending). */
function readPipedLine(): Promise<string> {
  const stdin = process.stdin;
  let text = "";
  return new Promise((resolve, reject) => {
    const finish = (error: Error | undefined, line?: string) => {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.off("error", onError);
      stdin.destroy();
      text = "";
      if (error) reject(error);
      else resolve(line!.replace(/\r$/, ""));
    };
    const onData = (chunk: string | Buffer) => {
      text += String(chunk);
      const newline = text.indexOf("\n");
      if (newline >= 0) finish(undefined, text.slice(0, newline));
      else if (text.length > MAX_PIPED_BYTES) finish(new Error("the first line of stdin is far too long to be an override code"));
    };
    const onEnd = () => (text === "" ? finish(new Error("no override code on stdin (expected one line)")) : finish(undefined, text));
    const onError = (error: NodeJS.ErrnoException) => finish(new Error(`cannot read stdin: ${error.code ?? "read error"}`));
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.on("error", onError);
  });
}

async function main(): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  try {
    let code: string;
    if (interactive) {
      process.stderr.write("Choose the override code that resumes trading after a halt (typing is not shown).\n");
      const first = await askHidden("Override code:", acceptableCode);
      const second = await askHidden("Repeat the override code:");
      if (first !== second) throw new Error("the two entries do not match; nothing was generated");
      code = first;
    } else {
      code = await readPipedLine();
    }
    const hash = await hashOverrideCode(code);
    code = "";
    process.stdout.write(`OVERRIDE_CODE_HASH='${hash}'\n`);
    if (interactive) process.stderr.write("Put this line in your .env (or the environment) and restart War Room.\n");
    return 0;
  } catch (error) {
    if (isCancelled(error)) {
      process.stderr.write("override:hash: cancelled, nothing was generated\n");
      return 130;
    }
    process.stderr.write(`override:hash: ${error instanceof Error ? error.message : "failed"}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
