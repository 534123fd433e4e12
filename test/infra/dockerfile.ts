export interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments and directives dropped. */
export function instructions(source: string): Instruction[] {
  const joined = source.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Splits instructions into build stages, one per FROM. */
export function stages(all: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of all) {
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

/** The HEALTHCHECK command of the last stage, as the argv Docker would run (exec form only). */
export function healthcheckCommand(source: string): string[] {
  const runtime = stages(instructions(source)).at(-1) ?? [];
  const healthcheck = runtime.find((i) => i.keyword === 'HEALTHCHECK');
  const json = healthcheck?.args.slice(healthcheck.args.indexOf('CMD ') + 4);
  if (json === undefined) throw new Error('no HEALTHCHECK in the last stage');
  return JSON.parse(json) as string[];
}

/** COPY lines of the first stage that take files from the build context (not --from). */
export function buildStageCopies(source: string): { sources: string[]; destination: string }[] {
  const first = stages(instructions(source))[0] ?? [];
  return first
    .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--'))
    .map((i) => {
      const parts = i.args.split(/\s+/);
      return { sources: parts.slice(0, -1), destination: parts.at(-1) ?? '.' };
    });
}
