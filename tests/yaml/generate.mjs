// Generates yaml-corpus.json: how the npm `yaml` package, version 2.9.0,
// parses scalars and small documents with `YAML.parse(text)` and default
// options. core/tests/yaml_corpus.rs replays every case against
// openleash_core::yaml.
//
// Run it from a folder where the package is installed; it loads `yaml` from
// the current directory and writes yaml-corpus.json beside this script:
//
//   mkdir /tmp/yaml-gen && cd /tmp/yaml-gen && npm install yaml@2.9.0
//   node /path/to/repo/tests/yaml/generate.mjs
//
// Each case has an `id`, the document text as `yaml`, and either `result`
// (the value YAML.parse returned, as JSON) or `error: true` (it threw).
// Scalar cases also name the `scalar`, its `style` and the `schema`.
// `warnings` lists the codes of the warnings the package logged. Values that
// JSON cannot hold are written as objects: `{"$nonfinite": "Infinity" |
// "-Infinity" | "NaN"}`, `{"$date": ISO string}`, `{"$binary": base64}`,
// `{"$map": [[key, value]...]}`, `{"$set": [...]}` and `{"$circular": true}`.
// Integers beyond 2^53 appear as the double the package computed.
//
// A case where openleash_core deliberately differs carries `deviation` (the
// reason) and `expect_here`: `{"error": "CODE"}` or `{"result": JSON}`, where
// `{"$unrepresentable": "text"}` stands for an UnrepresentableNumber.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'generate.cjs'));
const YAML = require('yaml');
const EXPECTED_VERSION = '2.9.0';

// The package logs its warnings through process.emitWarning; the corpus
// records their codes instead.
process.emitWarning = () => {};

const YAML_11 = '%YAML 1.1\n---\n';

// Plain scalars resolved under both schemas, as the value of a mapping key.
const PLAIN_SCALARS = [
  // null
  '~', 'null', 'Null', 'NULL', 'nULL', 'nul', 'None', 'none',
  // booleans, YAML 1.2 and YAML 1.1 spellings
  'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'fALSE',
  'yes', 'Yes', 'YES', 'yES', 'no', 'No', 'NO', 'on', 'On', 'ON', 'oN',
  'off', 'Off', 'OFF', 'y', 'Y', 'n', 'N',
  // decimal integers
  '0', '00', '-0', '+0', '1', '-1', '+5', '123', '-123', '007', '010', '08',
  '09', '-010', '+010', '0123456789',
  // octal, hexadecimal, binary
  '0o17', '0o0', '0o8', '0O17', '-0o17', '+0o17', '0o', '0x1F', '0x1f',
  '0X1F', '0xg', '-0x1F', '+0x1F', '0x', '0x_1F', '0b101', '0b2', '-0b101',
  '+0b101', '0b', '0b_', '0b1_0',
  // underscores
  '1_000', '1__0', '_1', '1_', '0_7', '0_8', '0_', '-0_', '0x_', '-1_000',
  // sexagesimal
  '12:30', '1:2:3', '190:20:30', '12:60', '12:5', '-12:30', '+12:30',
  '1_2:30', '12:30:00', '12:3a', '1:30.5', '1:30.', '190:20:30.15',
  '-1:30.5', '12:30:', ':30', '1::2', '12:30.5.5',
  // integers around and beyond 2^53
  '9007199254740991', '9007199254740992', '9007199254740993',
  '9007199254740994', '9007199254740995', '-9007199254740993',
  '18446744073709551616', '18446744073709551617',
  '1267650600228229401496703205376', '1267650600228229401496703205377',
  '100000000000000000000000', '99999999999999991611392',
  `1${'0'.repeat(400)}`, `-1${'0'.repeat(400)}`,
  '000000000000000000009007199254740993', '00000000000000000000000000012',
  '0x20000000000000', '0x20000000000001', '0x40000000000002',
  '0x40000000000004', '0xFFFFFFFFFFFFFFFF', '0x10000000000000000',
  '0x1FFFFFFFFFFFFF', '0x3FFFFFFFFFFFFF', '0o400000000000000001',
  '0o400000000000000000', `0x1${'0'.repeat(255)}`, `0x1${'0'.repeat(256)}`,
  '0b100000000000000000000000000000000000000000000000000001',
  '9_007_199_254_740_993', '9_007_199_254_740_992',
  '1:0:0:0:0:0:0:0:0:0:0:0', '2501999792983:36:31', '2501999792983:36:32',
  // floats
  '1.0', '1.', '.5', '-.5', '+.5', '1.5', '0.1', '-1.5', '+1.5', '1.50',
  '0.0', '-0.0', '00.5', '1.5.5', '1,5', '1e3', '1E3', '1e+3', '1e-3',
  '1.5e3', '.5e3', '1.e3', 'e3', '.e3', '.', '-.', '1e', '1e+', '-1e3',
  '+1e3', '1e400', '-1e400', underflow('1e-400'), '1.7976931348623157e308',
  '1.7976931348623159e308', '4.9e-324', '123456789012345678901234567890.0',
  '9007199254740993.0', '1_000.5', '1_0e2', '6.8523015e+5',
  '685.230_15e+03', '685_230.15', '._5', '1._5', '1e1_0', '0.1e1',
  '1e99999999999999999999', underflow(`0.${'0'.repeat(400)}1`),
  // non-finite
  '.inf', '.Inf', '.INF', '.iNF', '+.inf', '-.inf', '-.Inf', '-.INF',
  '.nan', '.NaN', '.NAN', '.nAN', '-.nan', '+.nan', 'nan', 'NaN', 'inf',
  'Infinity', '-Infinity', 'INF',
  // timestamps: YAML 1.1 resolves the first ones to dates
  ...[
    '2024-01-01', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5',
    '2001-12-15T02:59:43.1Z', '2001-12-15 2:59:43.10', '2024-1-1', '2024-01-1',
    '2001-12-14T21:59:43 +05:30', '2024-13-45',
  ].map(text => [text, { '1.1': 'timestamp' }]),
  '12:30:45', '2001-12-14T21:59:43+0530', '2001-12-14T21:59', '20240101',
  '2001-12-14T21:59:43.10+123',
  // strings
  'abc', 'a b', 'hello world', 'foo#bar', '<<', '-', '--', '1-2', '1 2',
  '0x1F is hex', 'true story', '3 apples', 'é', '日本語', '1st', '$1',
  '50%', 'a:b', 'http://example.com/a?b=c', '..', '...x', '+', '+-1',
  '-+1', '--1', '0.1.2', '1e3e3', '0xx1', '0o0o1',
];

// Scalars that are also written single- and double-quoted: quoted scalars
// are always strings, except under an explicit tag.
const QUOTED_SCALARS = [
  '', 'null', '~', 'true', 'yes', '0', '010', '0x1F', '1.5', '.inf', '.nan',
  '9007199254740993', '1e400', '2024-01-01', '12:30', '<<', 'a b', ' lead',
  'trail ', '#hash', 'line\nbreak', 'tab\there', 'quote"inside', "it's",
  'back\\slash', 'é', '\u0001',
];

// Scalars used as mapping keys: the package turns every key into a string.
const KEY_SCALARS = [
  '1', '010', '0x1F', '1.5', '1e3', '1e21', '0.000001', '1e-7', '-0', '.inf',
  '-.inf', '.nan', 'true', 'yes', 'null', '~', '12:30', 'a', '"quoted"',
  "'single'",
];

// Explicit tags on scalars and collections.
const TAGGED = [
  '!!str 12', '!!str true', '!!str', '!!str ""', '!!int 010', '!!int "12"',
  '!!int 0x1F', ['!!int 0o17', { '1.1': 'unresolvedTag' }],
  ['!!int 1_000', { '1.2': 'unresolvedTag' }], ['!!int abc', 'unresolvedTag'],
  ['!!int 1.5', 'unresolvedTag'], '!!int 9007199254740993', '!!float 1.5',
  '!!float "1.5"', ['!!float 1', 'unresolvedTag'], '!!float .inf',
  '!!float 1e3', '!!float 1e400', ['!!float 12:30.5', { '1.2': 'unresolvedTag' }],
  '!!bool true', '!!bool "false"', ['!!bool yes', { '1.2': 'unresolvedTag' }],
  ['!!bool 1', 'unresolvedTag'], '!!null ~', '!!null ""', '!!null',
  ['!!null x', 'unresolvedTag'], '!!map {a: 1}', '!!seq [1, 2]',
  ['!!seq {a: 1}', 'unresolvedTag'], ['!!map [1]', 'unresolvedTag'],
  ['!!str [a]', 'unresolvedTag'], ['!!int [1]', 'unresolvedTag'],
  ['!!map 1', 'unresolvedTag'], ['!!binary aGk=', 'extendedTag'],
  ['!!timestamp 2001-12-14', 'extendedTag'], ['!!set {a, b}', 'extendedTag'],
  ['!!omap [a: 1]', 'extendedTag'], ['!!pairs [a: 1]', 'extendedTag'],
  ['!!merge <<', 'extendedTag'], ['!foo x', 'unresolvedTag'],
  ['!foo [a]', 'unresolvedTag'], '! 12', '! true', '! [1]',
  '!<tag:yaml.org,2002:str> 12', '!<tag:yaml.org,2002:int> 12',
  ['!<tag:example.com,2000:x> 1', 'unresolvedTag'],
  ['!!unknown x', 'unresolvedTag'],
];

// Whole documents.
const DOCUMENTS = [
  ['empty', ''],
  ['only-comment', '# nothing here\n'],
  ['only-blank-lines', '\n\n  \n'],
  ['explicit-start-empty', '---\n'],
  ['explicit-start-and-end', '---\na: 1\n...\n'],
  ['end-marker-then-comment', 'a: 1\n...\n# trailing\n'],
  ['root-plain-scalar', 'hello\n'],
  ['root-number', '42\n'],
  ['root-quoted', '"hello"\n'],
  ['block-mapping', 'a: 1\nb: two\nc: true\nd: null\ne:\n'],
  ['nested-block-mapping', 'a:\n  b:\n    c: 1\n  d: 2\ne: 3\n'],
  ['block-sequence', '- 1\n- two\n- true\n-\n- ~\n'],
  ['sequence-of-mappings', '- id: a\n  v: 1\n- id: b\n  v: 2\n'],
  ['indentless-sequence', 'rules:\n- id: a\n- id: b\n'],
  ['nested-sequences', '- - a\n  - b\n- - c\n'],
  ['compact-nested', '- - - deep\n'],
  ['flow-mapping', '{a: 1, b: [x, y], c: {d: e}}\n'],
  ['flow-sequence', '[1, "two", 3.0, null, [a, b], {k: v}]\n'],
  ['flow-empty', 'a: []\nb: {}\n'],
  ['flow-trailing-comma', '[a, b, ]\n'],
  ['flow-mapping-trailing-comma', '{a: 1, }\n'],
  ['flow-implicit-null-value', '{a, b: 1}\n'],
  ['flow-pair-in-sequence', '[a: 1, b]\n'],
  ['flow-multiline', 'a: [1,\n  2,\n  3]\nb: {x: 1,\n  y: 2}\n'],
  ['flow-quoted-keys', '{"a": 1, \'b\': 2}\n'],
  ['flow-json-like', '{"a":1,"b":[true,false,null]}\n'],
  ['flow-adjacent-value', '{"a":b}\n'],
  ['quoted-keys', '"a": 1\n\'b c\': 2\n"": 3\n'],
  ['comments-everywhere', '# head\na: 1 # after\n# between\nb: # empty\n  - x # item\n'],
  ['hash-without-space', 'a: b#c\nd: "e" # f\n'],
  ['multiline-plain', 'a: this is\n  a long\n  string\nb: next\n'],
  ['multiline-plain-blank-line', 'a: one\n\n  two\n'],
  ['multiline-double-quoted', 'a: "one\n  two\n\n  three"\n'],
  ['multiline-single-quoted', "a: 'one\n  two'\n"],
  ['double-quoted-escapes', 'a: "tab\\there \\u00e9 \\x41 \\" \\\\ \\/ \\n"\n'],
  ['double-quoted-escaped-newline', 'a: "one \\\n  two"\n'],
  ['single-quoted-escape', "a: 'it''s'\n"],
  ['literal-block', 'a: |\n  line one\n  line two\nb: 1\n'],
  ['literal-block-keep', 'a: |+\n  kept\n\nb: 1\n'],
  ['literal-block-strip', 'a: |-\n  stripped\nb: 1\n'],
  ['literal-block-indented', 'a: |2\n    four\n  two\n'],
  ['literal-block-more-indented-line', 'a: |\n  one\n    two\n  three\n'],
  ['folded-block', 'a: >\n  folded\n  text\n\n  para\nb: 1\n'],
  ['folded-block-more-indented', 'a: >\n  one\n    indented\n  two\n'],
  ['folded-block-strip', 'a: >-\n  x\n  y\n'],
  ['block-scalar-root', '--- |\n  text\n'],
  ['block-scalar-looks-like-number', 'a: |\n  123\n'],
  ['anchor-alias-scalar', 'a: &x 1\nb: *x\n'],
  ['anchor-alias-mapping', 'base: &b {x: 1, y: 2}\ncopy: *b\n'],
  ['anchor-alias-sequence', 'list: &l [1, 2]\nagain: *l\n'],
  ['anchor-redefined', 'a: &x 1\nb: *x\nc: &x 2\nd: *x\n'],
  ['anchor-on-empty', 'a: &x\nb: *x\n'],
  ['alias-as-key', 'a: &k key\n*k : value\n'],
  ['alias-key-duplicates-plain', '&k a: 1\n*k : 2\n', 'propertyCollision'],
  ['alias-undefined', 'a: *nope\n'],
  ['alias-before-anchor', 'a: *x\nb: &x 1\n'],
  ['alias-recursive', 'a: &x [1, *x]\n', 'recursiveAlias'],
  ['alias-nested', 'a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n'],
  ['small-alias-fanout', 'a: &a [x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n'],
  ['alias-bomb', billionLaughs()],
  ['alias-used-120-times', `a: &a x\nb: [${Array(120).fill('*a').join(', ')}]\n`, {
    reason: 'alias expansion is bounded by the node count (max_nodes); the package rejects more than about 100 uses of one anchor',
    expect: { result: { a: 'x', b: Array(120).fill('x') } },
  }],
  ['duplicate-key', 'a: 1\na: 2\n'],
  ['duplicate-key-quoted', 'a: 1\n"a": 2\n'],
  ['duplicate-key-single-quoted', "'a': 1\na: 2\n"],
  ['duplicate-key-flow', '{a: 1, a: 2}\n'],
  ['duplicate-key-nested', 'x:\n  a: 1\n  a: 2\n'],
  ['duplicate-key-number-and-string', '1: a\n"1": b\n', 'propertyCollision'],
  ['duplicate-key-number-forms', '1: a\n0x1: b\n'],
  ['duplicate-key-float-and-int', '1: a\n1.0: b\n'],
  ['duplicate-key-null-forms', '~: a\nnull: b\n'],
  ['duplicate-key-null-and-empty-string', '~: a\n"": b\n', 'propertyCollision'],
  ['duplicate-key-nan', '.nan: a\n.NaN: b\n', 'propertyCollision'],
  ['duplicate-key-bool-and-string', 'true: a\n"true": b\n', 'propertyCollision'],
  ['same-key-in-sibling-mappings', 'x: {a: 1}\ny: {a: 2}\n'],
  ['collection-key-flow', '[a]: 1\n', 'collectionKey'],
  ['collection-key-complex', '? [a, b]\n: 1\n', 'collectionKey'],
  ['collection-key-mapping', '? {a: 1}\n: 1\n', 'collectionKey'],
  ['complex-scalar-key', '? a\n: 1\n'],
  ['empty-key', ': a\n'],
  ['multiple-documents', 'a: 1\n---\nb: 2\n'],
  ['multiple-documents-explicit', '---\na: 1\n---\nb: 2\n'],
  ['multiple-empty-documents', '---\n---\n'],
  ['document-end-then-content', 'a: 1\n...\nb: 2\n'],
  ['tab-indentation', 'a:\n\tb: 1\n'],
  ['tab-after-indicator', 'a:\tb\n', 'tabAfterColon'],
  ['tab-after-indicator-before-digit', 'a:\t1\n', 'tabAfterColon'],
  ['tab-after-indicator-before-quote', 'a:\t"x"\n'],
  ['tab-after-indicator-before-dash', 'a:\t-1\n', 'tabAfterColon'],
  ['tab-after-space', 'a: \tb\n'],
  ['tab-after-sequence-indicator', '- \tx\n'],
  ['tab-in-flow', '{a:\tb, c: [d,\te]}\n', 'tabAfterColon'],
  ['tab-in-flow-sequence', 'c: [d,\te]\n'],
  ['tab-in-value', 'a: b\tc\n'],
  ['tab-before-comment', 'a: b\t# c\n'],
  ['unclosed-double-quote', 'a: "abc\nb: 1\n'],
  ['unclosed-single-quote', "a: 'abc\n"],
  ['unclosed-flow-sequence', 'a: [1, 2\n'],
  ['unclosed-flow-mapping', 'a: {b: 1\n'],
  ['bad-indentation', 'a:\n  b: 1\n c: 2\n'],
  ['bad-indentation-sequence', '- a\n  - b\n'],
  ['nested-mapping-on-one-line', 'a: b: c\n'],
  ['key-without-value-in-block', 'a: 1\nb\n'],
  ['reserved-indicator-at', 'a: @x\n'],
  ['reserved-indicator-backtick', 'a: `x`\n'],
  ['stray-closing-bracket', 'a: ]\n'],
  ['trailing-content-after-quote', 'a: "x" y\n'],
  ['multiline-implicit-key', 'a\nb: 1\n'],
  ['long-implicit-key', `${'k'.repeat(1100)}: 1\n`],
  ['crlf-line-ends', 'a: 1\r\nb:\r\n  - x\r\n  - |\r\n    y\r\n    z\r\nc: "d"\r\n'],
  ['crlf-in-multiline-double-quoted', 'a: "y\r\n  z"\r\n', {
    reason: 'a line break written as CRLF inside a double-quoted scalar folds like LF; the package reports a missing closing quote',
    expect: { result: { a: 'y z' } },
  }],
  ['crlf-in-multiline-plain', 'a: y\r\n  z\r\n'],
  ['cr-line-ends', 'a: 1\rb: 2\r', {
    reason: 'a lone CR ends a line, as YAML 1.2 says; the package rejects it',
    expect: { result: { a: 1, b: 2 } },
  }],
  ['bom', '\ufeffa: 1\n'],
  ['unicode', 'ключ: значение\n日本: 語\nemoji: "😀"\n'],
  ['colon-in-value', 'url: http://example.com:8080/a\ntime: 12:30\n'],
  ['dash-values', 'a: -\nb: --\nc: -1\n'],
  ['question-mark-value', 'a: ?x\nb: "?"\n'],
  ['percent-value', 'a: 50%\n'],
  ['directive-yaml-1.1', '%YAML 1.1\n---\na: yes\nb: 010\nc: 0b11\nd: 12:30\ne: 1_000\n'],
  ['directive-yaml-1.2', '%YAML 1.2\n---\na: yes\nb: 010\n'],
  ['directive-yaml-1.1-with-comment', '# comment first\n%YAML 1.1\n---\na: on\n'],
  ['directive-yaml-1.1-without-start', '%YAML 1.1\na: yes\n'],
  ['directive-yaml-1.3', '%YAML 1.3\n---\na: yes\n', 'yamlVersion'],
  ['directive-yaml-1.0', '%YAML 1.0\n---\na: yes\n', 'yamlVersion'],
  ['directive-yaml-twice', '%YAML 1.1\n%YAML 1.1\n---\na: 1\n', 'duplicateDirective'],
  ['directive-tag', '%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n', 'unresolvedTag'],
  ['directive-tag-core-prefix', '%TAG !c! tag:yaml.org,2002:\n---\na: !c!int "12"\n'],
  ['directive-unknown', '%FOO bar\n---\na: 1\n'],
  ['directive-in-second-document', 'a: 1\n...\n%YAML 1.1\n---\nb: yes\n'],
  ['yaml11-merge', '%YAML 1.1\n---\nbase: &b {red: 1, blue: 2}\nderived:\n  <<: *b\n  blue: 3\n  green: 4\n'],
  ['yaml11-merge-boolean-keys', '%YAML 1.1\n---\nbase: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n'],
  ['yaml11-merge-explicit-before', '%YAML 1.1\n---\nbase: &b {red: 1, blue: 2}\nderived:\n  blue: 3\n  <<: *b\n'],
  ['yaml11-merge-list', '%YAML 1.1\n---\na: &a {red: 1}\nb: &b {red: 2, blue: 2}\nc:\n  <<: [*a, *b]\n'],
  ['yaml11-merge-list-with-scalar', '%YAML 1.1\n---\na: &a {red: 1}\nc:\n  <<: [*a, 1]\n'],
  ['yaml11-merge-duplicate-explicit', '%YAML 1.1\n---\na: &a {red: 1}\nc:\n  <<: *a\n  blue: 1\n  blue: 2\n'],
  ['yaml11-merge-nested-merge', '%YAML 1.1\n---\na: &a {red: 1}\nb: &b {<<: *a, blue: 2}\nc: {<<: *b, green: 3}\n'],
  ['yaml11-merge-inline', '%YAML 1.1\n---\na: {<<: {red: 1}, blue: 2}\n'],
  ['yaml11-merge-scalar', '%YAML 1.1\n---\na:\n  <<: 1\n'],
  ['yaml11-merge-quoted-key', '%YAML 1.1\n---\na:\n  "<<": 1\n'],
  ['yaml11-merge-twice', '%YAML 1.1\n---\na: &a {red: 1}\nb: &b {blue: 2}\nc:\n  <<: *a\n  <<: *b\n'],
  ['yaml11-merge-key-as-value', '%YAML 1.1\n---\na: <<\n'],
  ['core-merge-key-is-plain', 'base: &b {x: 1}\nderived:\n  <<: *b\n'],
  ['yaml11-timestamp-value', '%YAML 1.1\n---\na: 2001-12-14\n', 'timestamp'],
  ['yaml11-key-forms', '%YAML 1.1\n---\nyes: a\n010: b\n'],
  ['policy-like', 'version: 1\ndefault: deny\nrules:\n  - id: allow-small\n    effect: allow\n    action: purchase\n    when:\n      all:\n        - match: {path: "$.payload.amount", op: lte, value: 100}\n    obligations:\n      - type: HUMAN_APPROVAL\n        params: {reason: "check"}\n'],
  ['policy-tab-indentation', 'version: 1\ndefault: deny\nrules:\n\t- id: r\n'],
  ['policy-unclosed-quote', 'version: 1\ndefault: "deny\nrules: []\n'],
  ['policy-duplicate-key', 'version: 1\ndefault: deny\ndefault: allow\nrules: []\n'],
  ['policy-multiple-documents', 'version: 1\ndefault: deny\nrules: []\n---\nversion: 1\ndefault: allow\nrules: []\n'],
  ['policy-yaml11-directive', '%YAML 1.1\n---\nversion: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    proof: {required: yes}\n'],
  ['policy-core-scalars', 'version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    when:\n      any:\n        - match: {path: "$.payload.v0", op: eq, value: 0x1F}\n        - match: {path: "$.payload.v1", op: eq, value: 0o17}\n        - match: {path: "$.payload.v2", op: eq, value: 010}\n        - match: {path: "$.payload.v3", op: eq, value: 1e3}\n        - match: {path: "$.payload.v4", op: eq, value: +5}\n        - match: {path: "$.payload.v5", op: eq, value: .5}\n        - match: {path: "$.payload.v6", op: eq, value: yes}\n        - match: {path: "$.payload.v7", op: eq, value: no}\n        - match: {path: "$.payload.v8", op: eq, value: on}\n        - match: {path: "$.payload.v9", op: eq, value: True}\n        - match: {path: "$.payload.v10", op: eq, value: FALSE}\n        - match: {path: "$.payload.v11", op: eq, value: ~}\n        - match: {path: "$.payload.v12", op: eq, value: Null}\n        - match: {path: "$.payload.v13", op: eq, value: 2024-01-01}\n        - match: {path: "$.payload.v14", op: eq, value: 1_000}\n        - match: {path: "$.payload.v15", op: eq, value: 0b101}\n        - match: {path: "$.payload.v16", op: eq, value: 12:30}\n        - match: {path: "$.payload.v17", op: eq, value: -0}\n        - match: {path: "$.payload.v18", op: eq, value: -.inf}\n        - match: {path: "$.payload.v19", op: eq, value: .NaN}\n        - match: {path: "$.payload.v20", op: eq, value: 9007199254740993}\n        - match: {path: "$.payload.v21", op: eq, value: \'0x1F\'}\n'],
];

// Where openleash_core deliberately differs from the package, and what it
// does instead. Cases name these by key, per schema where it matters.
// A non-zero literal that rounds to zero, deviating under both schemas.
function underflow(text) {
  const deviation = {
    reason: 'a non-zero literal that rounds to zero has lost its value and is unrepresentable, like an overflow; the package returns 0',
    expect: { result: { value: { $unrepresentable: text } } },
  };
  return [text, { '1.2': deviation, '1.1': deviation }];
}

const DEVIATIONS = {
  unresolvedTag: {
    reason: 'a tag other than the core ones, or a core tag that does not match the value, is rejected; the package warns and keeps a string or plain collection',
    expect: { error: 'YAML_UNSUPPORTED' },
  },
  extendedTag: {
    reason: 'binary, timestamp, set, omap, pairs and merge tags are rejected; the package builds values that are not JSON data',
    expect: { error: 'YAML_UNSUPPORTED' },
  },
  timestamp: {
    reason: 'YAML 1.1 timestamps are rejected; the package turns them into Date objects',
    expect: { error: 'YAML_UNSUPPORTED' },
  },
  collectionKey: {
    reason: 'a collection used as a mapping key is rejected; the package turns it into a string key',
    expect: { error: 'YAML_UNSUPPORTED' },
  },
  propertyCollision: {
    reason: 'keys that become the same JavaScript property name are duplicates; the package keeps the last value',
    expect: { error: 'YAML_DUPLICATE_KEY' },
  },
  recursiveAlias: {
    reason: 'an alias inside the node it refers to is rejected; the package builds a circular structure',
    expect: { error: 'YAML_UNSUPPORTED' },
  },
  yamlVersion: {
    reason: 'a %YAML version other than 1.1 and 1.2 is rejected; the package warns and reads the document as 1.2',
    expect: { error: 'YAML_UNSUPPORTED' },
  },
  duplicateDirective: {
    reason: 'a second %YAML directive is a syntax error, as the YAML specification says; the package accepts it',
    expect: { error: 'YAML_SYNTAX' },
  },
  tabAfterColon: {
    reason: 'saphyr-parser 0.3.4 rejects a tab between a mapping ":" and a value that starts with a letter, a digit or "-"',
    expect: { error: 'YAML_SYNTAX' },
  },
};

// The "billion laughs": nine levels of nine aliases each.
function billionLaughs() {
  let yaml = 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  const names = 'abcdefghi';
  for (let level = 1; level < names.length; level += 1) {
    const alias = `*${names[level - 1]}`;
    yaml += `${names[level]}: &${names[level]} [${Array(9).fill(alias).join(', ')}]\n`;
  }
  return yaml;
}

function quoteSingle(text) {
  return `'${text.replaceAll("'", "''")}'`;
}

function quoteDouble(text) {
  return JSON.stringify(text);
}

// Names a scalar in a case id, shortening long ones.
function scalarId(scalar) {
  return scalar.length > 40 ? `${scalar.slice(0, 12)}...(${scalar.length} chars)` : scalar;
}

// Splits a list entry, `text` or `[text, deviation]`, where the deviation
// is a DEVIATIONS key, or an object of keys by schema.
function entry(item, schema) {
  if (typeof item === 'string') return [item, undefined];
  const [text, deviation] = item;
  return [text, typeof deviation === 'string' ? deviation : deviation[schema]];
}

function scalarCases() {
  const cases = [];
  for (const [schema, prefix] of [['1.2', ''], ['1.1', YAML_11]]) {
    const add = (style, item, render) => {
      const [scalar, deviation] = entry(item, schema);
      cases.push({
        id: `${style}-${schema}-${scalarId(scalar)}`,
        schema,
        style,
        scalar,
        yaml: render(scalar),
        deviation,
      });
    };
    for (const item of PLAIN_SCALARS) {
      add('plain', item, scalar => `${prefix}value: ${scalar}\n`);
    }
    for (const item of QUOTED_SCALARS) {
      add('single', item, scalar => `${prefix}value: ${quoteSingle(scalar)}\n`);
      add('double', item, scalar => `${prefix}value: ${quoteDouble(scalar)}\n`);
    }
    for (const item of KEY_SCALARS) {
      add('key', item, scalar => `${prefix}${scalar}: value\n`);
    }
    for (const item of TAGGED) {
      add('tagged', item, scalar => `${prefix}value: ${scalar}\n`);
    }
  }
  return cases;
}

function documentCases() {
  return DOCUMENTS.map(([id, yaml, deviation]) => ({ id: `document-${id}`, yaml, deviation }));
}

// Converts a value from YAML.parse to JSON-compatible data (see the header).
function toJsonData(value, seen = new Set()) {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    if (Number.isNaN(value)) return { $nonfinite: 'NaN' };
    return { $nonfinite: value > 0 ? 'Infinity' : '-Infinity' };
  }
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return { $circular: true };
  seen.add(value);
  let data;
  if (value instanceof Date) data = { $date: value.toISOString() };
  else if (value instanceof Uint8Array) data = { $binary: Buffer.from(value).toString('base64') };
  else if (value instanceof Map) data = { $map: [...value].map(([k, v]) => [toJsonData(k, seen), toJsonData(v, seen)]) };
  else if (value instanceof Set) data = { $set: [...value].map(item => toJsonData(item, seen)) };
  else if (Array.isArray(value)) data = value.map(item => toJsonData(item, seen));
  else data = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonData(v, seen)]));
  seen.delete(value);
  return data;
}

function run(testCase) {
  const out = { ...testCase };
  const warnings = YAML.parseDocument(testCase.yaml).warnings.map(warning => warning.code);
  if (warnings.length > 0) out.warnings = warnings;
  try {
    out.result = toJsonData(YAML.parse(testCase.yaml));
  } catch {
    out.error = true;
  }
  delete out.deviation;
  if (testCase.deviation) {
    const deviation = typeof testCase.deviation === 'string'
      ? DEVIATIONS[testCase.deviation]
      : testCase.deviation;
    if (!deviation) throw new Error(`${testCase.id}: unknown deviation ${testCase.deviation}`);
    out.deviation = deviation.reason;
    out.expect_here = deviation.expect;
  }
  return out;
}

function main() {
  const version = require('yaml/package.json').version;
  if (version !== EXPECTED_VERSION) {
    throw new Error(`expected yaml ${EXPECTED_VERSION}, found ${version}`);
  }
  const cases = [...scalarCases(), ...documentCases()].map(run);
  const ids = new Set();
  for (const { id } of cases) {
    if (ids.has(id)) throw new Error(`duplicate case id ${id}`);
    ids.add(id);
  }
  const corpus = {
    description: 'Values that YAML.parse of the npm yaml package returns with default options.',
    yaml_package_version: version,
    generator: 'tests/yaml/generate.mjs',
    cases,
  };
  const path = new URL('./yaml-corpus.json', import.meta.url);
  writeFileSync(path, `${JSON.stringify(corpus, null, 2)}\n`);
  console.log(`wrote ${cases.length} cases to ${path.pathname}`);
}

main();
