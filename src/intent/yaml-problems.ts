import type { ErrorCode as LibraryKind, YAMLError } from 'yaml';
import type { ErrorCode, WarningCode } from '../diagnostics/codes.ts';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostics.ts';

/**
 * The yaml library's kinds of problem as vrfgen's codes: `yaml/` and the kind in kebab case. Typed
 * over the library's own list, so a kind a new version adds does not compile until it has a code.
 * Four kinds cannot reach the user and share the code of the check that stands in for them:
 * DUPLICATE_KEY and NON_STRING_KEY are off (uniqueKeys: false, no stringKeys; duplicateKeys() and
 * complexKeys() in load.ts report those), RESOURCE_EXHAUSTION is a stack overflow the depth limit
 * prevents, and IMPOSSIBLE is the library finding itself inconsistent.
 */
const AS_ERROR = {
  ALIAS_PROPS: 'yaml/alias-props',
  BAD_ALIAS: 'yaml/bad-alias',
  // Only ever a warning; should the library make it an error, it is still a tag that does not fit.
  BAD_COLLECTION_TYPE: 'yaml/tag-resolve-failed',
  BAD_DIRECTIVE: 'yaml/bad-directive',
  BAD_DQ_ESCAPE: 'yaml/bad-dq-escape',
  BAD_INDENT: 'yaml/bad-indent',
  BAD_PROP_ORDER: 'yaml/bad-prop-order',
  BAD_SCALAR_START: 'yaml/bad-scalar-start',
  BLOCK_AS_IMPLICIT_KEY: 'yaml/block-as-implicit-key',
  BLOCK_IN_FLOW: 'yaml/block-in-flow',
  DUPLICATE_KEY: 'yaml/duplicate-key',
  IMPOSSIBLE: 'yaml/unexpected-token',
  KEY_OVER_1024_CHARS: 'yaml/key-over-1024-chars',
  MISSING_CHAR: 'yaml/missing-char',
  MULTILINE_IMPLICIT_KEY: 'yaml/multiline-implicit-key',
  MULTIPLE_ANCHORS: 'yaml/multiple-anchors',
  MULTIPLE_DOCS: 'yaml/multiple-docs',
  MULTIPLE_TAGS: 'yaml/multiple-tags',
  NON_STRING_KEY: 'yaml/complex-key',
  RESOURCE_EXHAUSTION: 'yaml/too-deep',
  TAB_AS_INDENT: 'yaml/tab-as-indent',
  TAG_RESOLVE_FAILED: 'yaml/tag-resolve-failed',
  UNEXPECTED_TOKEN: 'yaml/unexpected-token',
} satisfies Record<LibraryKind, ErrorCode>;

/**
 * The kinds the library warns about with vrfgen's options (BAD_INDENT's warning needs its `compat`
 * option). A warning of any other kind is reported as an error: vrfgen has not looked at what it
 * lets through.
 */
const AS_WARNING: Partial<Record<LibraryKind, WarningCode>> = {
  BAD_ALIAS: 'yaml/bad-alias',
  BAD_COLLECTION_TYPE: 'yaml/bad-collection-type',
  BAD_DIRECTIVE: 'yaml/bad-directive',
  TAG_RESOLVE_FAILED: 'yaml/tag-resolve-failed',
};

/** A problem the yaml library found, with its first line as the message; the caller places it. */
export function libraryProblem(e: YAMLError): Diagnostic {
  const message = e.message.split('\n')[0]!;
  const code = e.name === 'YAMLWarning' ? AS_WARNING[e.code] : undefined;
  return code ? warning(code, [], message) : error(AS_ERROR[e.code], [], message);
}
