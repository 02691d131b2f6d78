import { hashOverrideCode, validateOverrideCode } from "../adapters/security/override-code.js";

/**
 * `npm run override:hash`: turns an override code into the OVERRIDE_CODE_HASH line for `.env`.
 *
 * On a terminal it asks twice with echo off (nothing of the code is printed, not even
 * asterisks). With stdin piped it reads one line, for scripts:
 *
 *     printf '%s\n' "$CODE" | npm run override:hash
 *
 * stdout carries only `OVERRIDE_CODE_HASH='...'` (quoted: the value contains `$`); every message
 * goes to stderr, and none of them contains the code.
 */

const MAX_INPUT_CHARS = 1024;
const MAX_PIPED_BYTES = 64 * 1024;

class Cancelled extends Error {}

/** ESC sequences (arrow keys, bracketed-paste markers, Alt+key) are dropped, not taken as part of the code. */
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/gs;

/**
 * Reads one hidden answer per prompt from the terminal in raw mode. Enter ends an answer,
 * Backspace deletes a character, Ctrl-U clears the line, Ctrl-C cancels. `check` may throw to
 * stop early (e.g. a first entry that is too short).
 */
function readHidden(prompts: readonly string[], check: (answer: string, index: number) => void): Promise<string[]> {
  const stdin = process.stdin;
  const answers: string[] = [];
  let current: string[] = [];
  let afterCarriageReturn = false;
  const restore = () => {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
  };

  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      process.off("exit", restore);
      restore();
      stdin.pause();
      current = [];
      if (error === undefined) resolve(answers);
      else reject(error instanceof Error ? error : new Error("could not read the code"));
    };
    const onEnd = () => finish(new Error("the terminal closed before the code was entered"));
    const endLine = (): boolean => {
      process.stderr.write("\n");
      const answer = current.join("");
      current = [];
      answers.push(answer);
      check(answer, answers.length - 1);
      if (answers.length === prompts.length) return true;
      process.stderr.write(prompts[answers.length]!);
      return false;
    };
    const onData = (chunk: string | Buffer) => {
      try {
        for (const ch of String(chunk).replace(ESCAPE_SEQUENCE, "")) {
          const wasCarriageReturn = afterCarriageReturn;
          afterCarriageReturn = ch === "\r";
          if (ch === "\u0003") {
            process.stderr.write("\n");
            return finish(new Cancelled("cancelled"));
          } else if (ch === "\r" || ch === "\n" || ch === "\u0004") {
            if (ch === "\n" && wasCarriageReturn) continue; // a pasted CR LF is one Enter
            if (endLine()) return finish();
          } else if (ch === "\u007f" || ch === "\b") {
            current.pop();
          } else if (ch === "\u0015") {
            current = [];
          } else if (ch >= " " && current.length < MAX_INPUT_CHARS) {
            current.push(ch);
          }
        }
      } catch (error) {
        finish(error);
      }
    };

    process.on("exit", restore);
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.resume();
    process.stderr.write(prompts[0]!);
  });
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
      const [first, second] = await readHidden(["Override code: ", "Repeat the override code: "], (answer, index) => {
        if (index === 0) validateOverrideCode(answer);
      });
      if (first !== second) throw new Error("the two entries do not match; nothing was generated");
      code = first!;
    } else {
      code = await readPipedLine();
    }
    const hash = await hashOverrideCode(code);
    code = "";
    process.stdout.write(`OVERRIDE_CODE_HASH='${hash}'\n`);
    if (interactive) process.stderr.write("Put this line in your .env (or the environment) and restart War Room.\n");
    return 0;
  } catch (error) {
    if (error instanceof Cancelled) {
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
