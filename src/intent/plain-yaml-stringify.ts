/**
 * A writer for the plain shapes vrfgen's YAML views have: mappings with string keys, sequences,
 * strings, safe integers and booleans. It writes exactly what the `yaml` library's
 * `stringify(value, { lineWidth: 0 })` writes (YAML 1.2, core schema, default options), or gives up
 * (undefined) and leaves the value to the library: at anything else (null, undefined, other
 * numbers, class instances, an object met twice — the library would write an anchor and an alias),
 * at strings the library treats specially (line breaks, tabs, control characters, unpaired
 * surrogates, a plain one starting with a document marker) and at keys longer than 1024 characters (explicit `? `
 * keys).
 *
 * Why: the library's stringify was most of the netplan target's time at 4000 VRFs — per scalar it
 * builds a node and tests every schema tag, per level it re-joins the nested text (bench/notes.md).
 * test/intent/plain-yaml-stringify.test.ts holds this writer to the library byte for byte.
 */

/** Thrown to abandon the subset; never escapes stringifyPlainYaml. */
class Outside extends Error {}
const outside = (): never => {
  throw new Outside();
};

/** Characters the library writes other than plainly or with JSON's escapes: C0/C1 controls (tab and line feed among them), line separators, the BOM, unpaired surrogates. */
const UNUSUAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|\p{Cs}/u;
/** The library's containsDocumentMarker, for a one-line string. */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/;
/** The library's test for strings that cannot be plain (stringifyString.js, plainString). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** The core schema's tags other than str, whose plain forms would read back as something else. */
const CORE_TAGS = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** A one-line string as the library writes it: plain, else single quotes when it holds `"` but no `'`, else JSON's double quotes. */
function stringText(s: string): string {
  if (UNUSUAL.test(s)) outside();
  // A plain `---`/`...` start is written in block form or quoted, depending on where it stands.
  if (!NOT_PLAIN.test(s) && !CORE_TAGS.some((t) => t.test(s))) return DOCUMENT_MARKER.test(s) ? outside() : s;
  return s.includes('"') && !s.includes("'") ? `'${s}'` : JSON.stringify(s);
}

function keyText(k: string): string {
  const text = stringText(k);
  // Longer implicit keys are not allowed; the library switches to explicit `? key` form.
  if (text.length > 1024) outside();
  return text;
}

const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

class Writer {
  out = '';
  private readonly seen = new Set<object>();

  /** A scalar or an empty collection on the rest of the current line; false for a collection with entries. */
  inline(v: unknown): string | false {
    switch (typeof v) {
      case 'string':
        return stringText(v);
      case 'number':
        return Number.isSafeInteger(v) && !Object.is(v, -0) ? String(v) : outside();
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object': {
        if (v === null) return outside();
        if (this.seen.has(v)) return outside();
        this.seen.add(v);
        if (Array.isArray(v)) return v.length ? false : '[]';
        if (!isPlainObject(v)) return outside();
        return Object.keys(v).length ? false : '{}';
      }
      default:
        return outside();
    }
  }

  /** A collection with entries, its first line starting with `first` and the others with `indent`. */
  block(v: object, first: string, indent: string): void {
    let lead = first;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) outside();
        const item: unknown = v[i];
        const text = this.inline(item);
        if (text === false) this.block(item as object, `${lead}- `, `${indent}  `);
        else this.out += `${lead}- ${text}\n`;
        lead = indent;
      }
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const item = o[k];
      const key = keyText(k);
      const text = this.inline(item);
      if (text === false) {
        this.out += `${lead}${key}:\n`;
        this.block(item as object, `${indent}  `, `${indent}  `);
      } else this.out += `${lead}${key}: ${text}\n`;
      lead = indent;
    }
  }
}

/** `value` as `yaml.stringify(value, { lineWidth: 0 })` writes it, or undefined when it is outside the subset. */
export function stringifyPlainYaml(value: unknown): string | undefined {
  try {
    const w = new Writer();
    const text = w.inline(value);
    if (text !== false) return `${text}\n`;
    w.block(value as object, '', '');
    return w.out;
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}
