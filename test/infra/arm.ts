/**
 * Just enough of ARM template evaluation to check what a compiled Bicep file deploys: literals,
 * parameters (followed from a module back to its caller, then to defaults), variables, and a few
 * pure functions. Anything that only Azure can know (reference, resourceId, guid, listKeys, ...)
 * stays an {@link Opaque} carrying its source text, so tests can still say where a value comes from.
 */

export interface ArmTemplate {
  parameters?: Record<string, { type: string; defaultValue?: unknown; metadata?: unknown }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[];
  outputs?: Record<string, { type: string; value: unknown }>;
}

export interface ArmResource {
  type: string;
  name: string;
  condition?: unknown;
  location?: unknown;
  tags?: unknown;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A value only known at deployment time; `text` is its ARM expression. */
export class Opaque {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** One template with the values its caller passed to its parameters. */
export interface Scope {
  template: ArmTemplate;
  params: Record<string, unknown>;
}

export function rootScope(template: ArmTemplate): Scope {
  return { template, params: {} };
}

/** The module (nested deployment) named `name` in `scope`, with its parameters evaluated. */
export function moduleScope(scope: Scope, name: string): Scope {
  const deployment = scope.template.resources.find(
    (r) => r.type === 'Microsoft.Resources/deployments' && r.name === name,
  );
  if (!deployment?.properties) throw new Error(`no module named ${name}`);
  const passed = (deployment.properties.parameters ?? {}) as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(passed)) {
    const wrapper = evaluate(raw, scope);
    params[key] = isRecord(wrapper) && 'value' in wrapper ? wrapper.value : wrapper;
  }
  return { template: deployment.properties.template as ArmTemplate, params };
}

export function resourcesOfType(scope: Scope, type: string): ArmResource[] {
  return scope.template.resources.filter((r) => r.type === type);
}

/** Evaluates every expression inside `value` (objects and arrays deeply). */
export function evaluate(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('[[')) return value.slice(1);
    if (value.startsWith('[') && value.endsWith(']')) {
      return new Evaluator(value.slice(1, -1), scope).run();
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => evaluate(item, scope));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[String(evaluate(key, scope))] = evaluate(item, scope);
    return out;
  }
  return value;
}

function parameterValue(name: string, scope: Scope): unknown {
  if (name in scope.params) return scope.params[name];
  const declared = scope.template.parameters?.[name];
  if (!declared) throw new Error(`parameter ${name} is not declared`);
  if ('defaultValue' in declared) return evaluate(declared.defaultValue, scope);
  return new Opaque(`parameters('${name}')`);
}

function variableValue(name: string, scope: Scope): unknown {
  const variables = scope.template.variables ?? {};
  if (!(name in variables)) throw new Error(`variable ${name} is not declared`);
  return evaluate(variables[name], scope);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Opaque)
  );
}

type Pure = (args: unknown[]) => unknown;

const pure: Record<string, Pure> = {
  createobject: (args) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < args.length; i += 2) out[String(args[i])] = args[i + 1];
    return out;
  },
  createarray: (args) => [...args],
  union: (args) =>
    args.every(Array.isArray)
      ? [...new Set(args.flat())]
      : Object.assign({}, ...(args as Record<string, unknown>[])),
  concat: (args) => (args.every(Array.isArray) ? args.flat() : args.map((a) => String(a)).join('')),
  string: ([value]) => (typeof value === 'string' ? value : JSON.stringify(value)),
  json: ([value]) => JSON.parse(String(value)),
  empty: ([value]) =>
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isRecord(value) && Object.keys(value).length === 0),
  not: ([value]) => !value,
  if: ([condition, whenTrue, whenFalse]) => (condition ? whenTrue : whenFalse),
  tolower: ([value]) => String(value).toLowerCase(),
  format: ([template, ...args]) =>
    String(template).replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)])),
  true: () => true,
  false: () => false,
};

/** A small recursive-descent evaluator over one ARM expression. */
class Evaluator {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly scope: Scope,
  ) {}

  run(): unknown {
    const value = this.expression();
    this.skipSpace();
    if (this.pos !== this.source.length) throw this.error('unexpected text');
    return value;
  }

  private expression(): unknown {
    let value = this.primary();
    for (;;) {
      this.skipSpace();
      const next = this.source[this.pos];
      if (next === '.') {
        this.pos += 1;
        const name = this.identifier();
        value = this.member(value, name);
      } else if (next === '[') {
        this.pos += 1;
        const index = this.expression();
        this.expect(']');
        value = this.member(value, index);
      } else {
        return value;
      }
    }
  }

  private member(value: unknown, key: unknown): unknown {
    if (value instanceof Opaque || key instanceof Opaque) {
      const access = typeof key === 'string' ? `.${key}` : `[${render(key)}]`;
      return new Opaque(`${render(value)}${access}`);
    }
    if (Array.isArray(value) && typeof key === 'number') return value[key];
    if (isRecord(value) && typeof key === 'string') {
      const found = Object.keys(value).find((k) => k.toLowerCase() === key.toLowerCase());
      if (found !== undefined) return value[found];
    }
    throw this.error(`cannot read ${String(key)}`);
  }

  private primary(): unknown {
    this.skipSpace();
    const char = this.source[this.pos];
    if (char === "'") return this.stringLiteral();
    if (char !== undefined && /[-\d]/.test(char)) return this.numberLiteral();

    const name = this.identifier();
    this.expect('(');
    const args: unknown[] = [];
    this.skipSpace();
    if (this.source[this.pos] !== ')') {
      for (;;) {
        args.push(this.expression());
        this.skipSpace();
        if (this.source[this.pos] === ',') {
          this.pos += 1;
          continue;
        }
        break;
      }
    }
    this.expect(')');
    return this.call(name, args);
  }

  private call(name: string, args: unknown[]): unknown {
    const key = name.toLowerCase();
    if (key === 'parameters' && typeof args[0] === 'string') {
      return parameterValue(args[0], this.scope);
    }
    if (key === 'variables' && typeof args[0] === 'string') {
      return variableValue(args[0], this.scope);
    }
    const fn = pure[key];
    if (!fn || !canEvaluate(key, args))
      return new Opaque(`${name}(${args.map(render).join(', ')})`);
    return fn(args);
  }

  private stringLiteral(): string {
    this.pos += 1;
    let out = '';
    for (;;) {
      const char = this.source[this.pos];
      if (char === undefined) throw this.error('unterminated string');
      this.pos += 1;
      if (char === "'") {
        if (this.source[this.pos] !== "'") return out;
        this.pos += 1;
      }
      out += char;
    }
  }

  private numberLiteral(): number {
    const match = /^-?\d+(\.\d+)?/.exec(this.source.slice(this.pos));
    if (!match) throw this.error('bad number');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private identifier(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][\w]*/.exec(this.source.slice(this.pos));
    if (!match) throw this.error('identifier expected');
    this.pos += match[0].length;
    return match[0];
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.source[this.pos] !== char) throw this.error(`'${char}' expected`);
    this.pos += 1;
  }

  private skipSpace(): void {
    while (this.source[this.pos] === ' ') this.pos += 1;
  }

  private error(message: string): Error {
    return new Error(`${message} at ${this.pos} in [${this.source}]`);
  }
}

/**
 * Functions that only build or pick structures may carry opaque values through (a tag object
 * whose value is a parameter without default); everything else needs concrete arguments.
 */
function canEvaluate(name: string, args: unknown[]): boolean {
  switch (name) {
    case 'createobject':
      return args.every((arg, index) => index % 2 === 1 || !(arg instanceof Opaque));
    case 'createarray':
      return true;
    case 'union':
      return args.every((arg) => !(arg instanceof Opaque));
    case 'if':
      return !containsOpaque(args[0]);
    default:
      return !args.some(containsOpaque);
  }
}

/** ARM source text of an evaluated value, with opaque parts as their (substituted) expressions. */
function render(value: unknown): string {
  if (value instanceof Opaque) return value.text;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return JSON.stringify(value);
}

function containsOpaque(value: unknown): boolean {
  if (value instanceof Opaque) return true;
  if (Array.isArray(value)) return value.some(containsOpaque);
  if (isRecord(value)) return Object.values(value).some(containsOpaque);
  return false;
}
