// Records how JavaScript runs OpenLeash `op: regex` patterns, for the
// differential test core/tests/regex_js.rs.
//
// Usage: node tests/regex/generate.mjs
// Writes tests/regex/js-semantics.json next to this script. Needs Node.js 20
// (no npm packages). For each (pattern, input) case it records whether
// `new RegExp(pattern)` compiles (`valid`) and, if so, the result of
// `RegExp.prototype.test(input)` (`match`). Cases marked `unsupported` are
// valid JavaScript that the linear-time engine rejects on purpose
// (REGEX_UNSUPPORTED); cases marked `too_large` pass a documented size limit
// (REGEX_TOO_LARGE). The output is deterministic for a given Node.js version:
// the random cases come from a seeded generator.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UNSUPPORTED = { unsupported: true };
const TOO_LARGE = { too_large: true };

const EMOJI = '\u{1F600}';
const A50K = 'a'.repeat(50);

// [group, pattern, inputs, marks?]
const CASES = [
  // The regex cases of the match-operators conformance corpus.
  ['conformance', '^[A-Z]{3}$', ['USD', 'usd', 'USDX']],
  ['conformance', '^EU', ['USD', 'EUR']],
  ['conformance', '^5', ['5', '15']],
  ['conformance', '5', ['5']],
  ['conformance', '.*', ['', 'anything']],
  ['conformance', '', ['', 'x']],
  ['conformance', '[', ['[']],
  ['conformance', '(', ['anything']],
  ['conformance', String.raw`^(?!internal\.)`, ['public.report', 'internal.x'], UNSUPPORTED],
  ['conformance', String.raw`^\d+$`, ['\u0661\u0662\u0663', '123']],
  ['conformance', String.raw`^\w+$`, ['caf\u00e9', 'cafe']],
  ['conformance', '(?i)^usd$', ['USD']],
  ['conformance', String.raw`^\p{L}+$`, ['p{L}', 'abc', 'p{L}p{L}']],
  ['conformance', '^[[:alpha:]]$', ['a', ':]', '[]']],
  ['conformance', '^a.b$', ['a\nb', 'axb']],
  ['conformance', '^abc$', ['abc\n', 'abc']],

  // Search, alternation, groups.
  ['basics', 'abc', ['abc', 'xabcx', 'ab', 'ABC']],
  ['basics', 'a|b', ['a', 'b', 'c', '']],
  ['basics', 'a|', ['b', '']],
  ['basics', '|', ['', 'x']],
  ['basics', 'a||b', ['c']],
  ['basics', '^(a|b)c$', ['ac', 'bc', 'abc']],
  ['basics', '^(?:ab|cd)+$', ['abcdab', 'abc', '']],
  ['basics', '()', ['']],
  ['basics', '(?:)', ['x']],
  ['basics', '^()$', ['', 'x']],
  ['basics', '^(?<year>\\d{4})-(?<month>\\d{2})$', ['2024-05', '2024-5']],
  ['basics', '(?<$>x)(?<_a1>y)', ['xy']],
  ['basics', '(?<\\u0061>x)', ['x']],
  ['basics', '(?<\\u{62}c>x)', ['x']],
  ['basics', '^(((a)))$', ['a', 'aa']],
  ['basics', 'USD|EUR|GBP', ['amount in GBP', 'JPY']],
  ['basics', '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$', ['a.b@example.com', 'a@b', 'A@example.com']],
  ['basics', '^https://([a-z0-9-]+\\.)*example\\.com(/|$)', ['https://example.com', 'https://api.example.com/x', 'https://example.com.evil.org', 'http://example.com']],

  // Quantifiers.
  ['quantifiers', '^a*$', ['', 'aaa', 'ab']],
  ['quantifiers', '^a+$', ['', 'a', 'aa']],
  ['quantifiers', '^a?$', ['', 'a', 'aa']],
  ['quantifiers', '^a{2}$', ['a', 'aa', 'aaa']],
  ['quantifiers', '^a{2,}$', ['a', 'aa', 'aaaaa']],
  ['quantifiers', '^a{2,3}$', ['a', 'aa', 'aaa', 'aaaa']],
  ['quantifiers', '^a{0}$', ['', 'a']],
  ['quantifiers', '^a{0,0}b$', ['b', 'ab']],
  ['quantifiers', '^a{01}$', ['a']],
  ['quantifiers', '^a*?$', ['aaa']],
  ['quantifiers', '^a+?b$', ['aab']],
  ['quantifiers', '^a??$', ['', 'a']],
  ['quantifiers', '^a{2}?$', ['aa']],
  ['quantifiers', '^a{1,2}?$', ['aa', 'aaa']],
  ['quantifiers', '^(ab){2}$', ['abab', 'ab']],
  ['quantifiers', '^(a|b)*c$', ['ababc', 'c', 'abab']],
  ['quantifiers', '^(a*)*$', ['aaa', 'b']],
  ['quantifiers', '^(a*)+b$', ['b', 'aab']],
  ['quantifiers', '^(a|)*b$', ['aab', 'c']],
  ['quantifiers', '^(?:a?){3}$', ['', 'aa', 'aaaa']],
  ['quantifiers', '^(?:a|ab)(?:c|bcd)(?:d*)$', ['abcd']],
  ['quantifiers', 'a{1000}', ['a'.repeat(1000), 'a'.repeat(999)]],
  ['quantifiers', '^[a-z]{0,1000}$', ['abc', '']],
  ['quantifiers', '(?:a{1000}){1000}', ['a'], TOO_LARGE],
  ['quantifiers', 'a{1000000}', ['a'], TOO_LARGE],
  ['quantifiers', 'a{0,2147483648}', ['aaa'], TOO_LARGE],
  ['quantifiers', '*', ['*']],
  ['quantifiers', '+a', ['a']],
  ['quantifiers', '?', ['']],
  ['quantifiers', 'a**', ['a']],
  ['quantifiers', 'a+*', ['a']],
  ['quantifiers', 'a*??', ['a']],
  ['quantifiers', 'a???', ['a']],
  ['quantifiers', 'a|*', ['a']],
  ['quantifiers', '(*)', ['']],
  ['quantifiers', '(|*)', ['']],
  ['quantifiers', 'a{2,1}', ['aa']],
  ['quantifiers', 'a{2147483648,2147483647}', ['a'], TOO_LARGE],
  ['quantifiers', 'a{1}{2}', ['a']],
  ['quantifiers', 'a{1000}{1000}', ['a']],
  ['quantifiers', 'a{1,2}{3}', ['a']],
  ['quantifiers', 'a*{2}', ['a']],

  // A `{` that starts no quantifier is a literal; `}` and `]` are literals.
  ['braces', 'x{', ['x{', 'x']],
  ['braces', '{', ['{']],
  ['braces', '}', ['}']],
  ['braces', ']', [']']],
  ['braces', '}]', ['}]']],
  ['braces', 'a{,5}', ['a{,5}', 'aaaaa']],
  ['braces', 'a{1', ['a{1', 'a']],
  ['braces', 'a{1,', ['a{1,']],
  ['braces', 'a{1,2', ['a{1,2']],
  ['braces', 'a{a}', ['a{a}']],
  ['braces', 'a{ 1}', ['a{ 1}']],
  ['braces', 'a{1, 2}', ['a{1, 2}']],
  ['braces', 'a{,}', ['a{,}']],
  ['braces', 'a{}', ['a{}']],
  ['braces', '{}', ['{}']],
  ['braces', '{a', ['{a']],
  ['braces', '^{+$', ['{{{']],
  ['braces', '^}*$', ['}}', '']],
  ['braces', '^]{2}$', [']]']],
  ['braces', '{1}', ['{1}']],
  ['braces', '{1,}', ['{1,}']],
  ['braces', '{2,1}', ['{2,1}']],
  ['braces', 'x|{1}', ['x']],
  ['braces', '({1})', ['']],
  ['braces', '^{1', ['{1']],

  // Anchors.
  ['anchors', '^abc', ['abcd', 'xabc', 'x\nabc']],
  ['anchors', 'abc$', ['xabc', 'abcx', 'abc\n', 'abc\r']],
  ['anchors', '^$', ['', '\n', 'a']],
  ['anchors', '$', ['', 'a\n']],
  ['anchors', 'a^b', ['ab', 'a^b']],
  ['anchors', 'a$b', ['ab', 'a$b']],
  ['anchors', '^^a$$', ['a']],
  ['anchors', '(^a|b$)', ['ab', 'ba', 'ca']],
  ['anchors', '(?:^)*a', ['a']],
  ['anchors', '(?:$)+', ['a']],
  ['anchors', '^*', ['']],
  ['anchors', '$+', ['']],
  ['anchors', '^{1}', ['']],
  ['anchors', '^{', ['{']],
  ['anchors', '$?', ['']],

  // Dot and line terminators.
  ['dot', '^.$', ['a', '\n', '\r', '\u2028', '\u2029', '\u0085', '\t', '\u000b', '\u00e9', '\u0000']],
  ['dot', '^.+$', ['abc', 'a\nb', 'a\u2028b']],
  ['dot', '^a.c$', ['abc', 'a\rc', 'a\u2029c']],
  ['dot', '^...$', ['\u00e9\u00e8\u00ea']],

  // Character class escapes: ASCII \d \w, JavaScript \s.
  ['class escapes', '^\\d$', ['0', '9', 'a', '\u0661', '\uff11']],
  ['class escapes', '^\\D$', ['0', 'a', '\u0661']],
  ['class escapes', '^\\w$', ['a', 'Z', '_', '0', '-', '\u00e9', '\u212a', '\u017f']],
  ['class escapes', '^\\W$', ['a', '-', '\u00e9']],
  ['class escapes', '^\\s$', [' ', '\t', '\n', '\u000b', '\u000c', '\r', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', '\u180e', 'a']],
  ['class escapes', '^\\S$', [' ', 'a', '\u00a0', '\u0085']],
  ['class escapes', '^[\\s\\S]$', ['\n', 'a']],
  ['class escapes', '^[\\d\\D]+$', ['anything\n']],
  ['class escapes', '^[^\\d]$', ['1', 'a']],
  ['class escapes', '^[^\\s]$', [' ', 'a']],
  ['class escapes', '^[^\\W]$', ['a', '-']],

  // Word boundaries with the ASCII word set.
  ['boundaries', '\\bfoo\\b', ['a foo b', 'afoob', 'foo', 'foo_']],
  ['boundaries', '\\Bfoo\\B', ['afoob', 'a foo b']],
  ['boundaries', '\\b', ['', ' ', 'a', '\u00e9']],
  ['boundaries', '\\B', ['', 'a', '\u00e9', 'a\u00e9a', 'aa']],
  ['boundaries', '\u00e9\\b', ['\u00e9', '\u00e9a']],
  ['boundaries', '\\b\u00e9', ['a\u00e9', ' \u00e9']],
  ['boundaries', '^\\b$', ['']],
  ['boundaries', '^\\B$', ['']],
  ['boundaries', '\\b\\B', ['ab', '']],
  ['boundaries', 'a\\b-', ['a-', 'ab']],
  ['boundaries', '\\b*', ['']],
  ['boundaries', '\\B+', ['']],
  ['boundaries', '(?:\\b)*a', ['a']],

  // Character escapes.
  ['escapes', '^\\t\\n\\v\\f\\r$', ['\t\n\u000b\f\r']],
  ['escapes', '^\\0$', ['\0', '0']],
  ['escapes', '^\\0a$', ['\0a']],
  ['escapes', '^\\00$', ['\0']],
  ['escapes', '^\\08$', ['\u00008', '\0']],
  ['escapes', '^\\01$', ['\u0001']],
  ['escapes', '^\\012$', ['\n']],
  ['escapes', '^\\0377$', ['\u001f7']],
  ['escapes', '^\\1$', ['\u0001', '1']],
  ['escapes', '^\\7$', ['\u0007']],
  ['escapes', '^\\18$', ['\u00018']],
  ['escapes', '^\\101$', ['A']],
  ['escapes', '^\\377$', ['\u00ff']],
  ['escapes', '^\\400$', [' 0', '\u0100']],
  ['escapes', '^\\777$', ['?7']],
  ['escapes', '^\\8$', ['8', '\u0008']],
  ['escapes', '^\\9$', ['9']],
  ['escapes', '^\\81$', ['81']],
  ['escapes', '^(a)\\10$', ['a\u0008', 'aa0']],
  ['escapes', '^(a)\\8$', ['a8']],
  ['escapes', '^(a)\\2$', ['a\u0002']],
  ['escapes', '^\\cA\\cz$', ['\u0001\u001a']],
  ['escapes', '^\\cJ$', ['\n']],
  ['escapes', '^\\cj$', ['\n']],
  ['escapes', '^\\c1$', ['\\c1', '\u0011']],
  ['escapes', '^\\c$', ['\\c']],
  ['escapes', '^\\c_$', ['\\c_', '\u001f']],
  ['escapes', '^\\c*$', ['\\', '\\ccc', '\\c']],
  ['escapes', '^\\c\u00e9$', ['\\c\u00e9']],
  ['escapes', '^\\x41$', ['A']],
  ['escapes', '^\\x4$', ['x4']],
  ['escapes', '^\\xZZ$', ['xZZ']],
  ['escapes', '^\\x$', ['x']],
  ['escapes', '^\\xe9$', ['\u00e9']],
  ['escapes', '^\\u0041$', ['A']],
  ['escapes', '^\\u00E9$', ['\u00e9']],
  ['escapes', '^\\u12$', ['u12']],
  ['escapes', '^\\u$', ['u']],
  ['escapes', '^\\u{41}$', ['u'.repeat(41), 'u'.repeat(40), 'A']],
  ['escapes', '^\\u{2,3}$', ['uu', 'uuuu']],
  ['escapes', '^\\u{g}$', ['u{g}']],
  ['escapes', '^\\a\\e\\g\\i\\j\\l\\m\\o\\q\\y\\z$', ['aegijlmoqyz']],
  ['escapes', '^\\p{L}$', ['p{L}', 'a']],
  ['escapes', '^\\P{L}$', ['P{L}']],
  ['escapes', '^\\k$', ['k']],
  ['escapes', '^\\k<a>$', ['k<a>']],
  ['escapes', '^\\-\\/\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$', ['-/.*+?()[]{}|^$\\']],
  ['escapes', '^\\ $', [' ']],
  ['escapes', '^\\\u00e9$', ['\u00e9']],
  ['escapes', `^\\${EMOJI}$`, [EMOJI]],
  ['escapes', '\\', ['\\']],
  ['escapes', 'a\\', ['a\\']],

  // Whether `\1` is a backreference depends on a count of the capturing
  // groups that skips escapes and classes.
  ['capture scan', '^[(]\\1$', ['(\u0001']],
  ['capture scan', '^[\\](]\\1$', ['(\u0001', ']\u0001']],
  ['capture scan', '^\\(\\1$', ['(\u0001']],
  ['capture scan', '^(?:a)\\1$', ['a\u0001']],
  ['capture scan', '[a](b)\\1', ['abb'], UNSUPPORTED],
  ['capture scan', '\\((a)\\1', ['(aa'], UNSUPPORTED],
  ['capture scan', '^[(?<a>)]\\k$', ['(k', 'k']],
  ['capture scan', '^[(?<a>)]\\k<a>$', ['ak<a>']],
  ['capture scan', '^\\(?<a>x\\)\\k', ['<a>x)k']],

  // UTF-16 code units: astral characters are two units.
  ['code units', '\\uD83D\\uDE00', [EMOJI, '\u{1F601}']],
  ['code units', '^\\uD83D\\uDE00$', [EMOJI]],
  ['code units', '\\uD83D', [EMOJI, '\u{1F4A9}', '\u{1F900}', 'a']],
  ['code units', '\\uDE00', [EMOJI, '\u{1F601}', '\u{10600}']],
  ['code units', '^\\uD83D$', [EMOJI]],
  ['code units', '\\uD83D$', [EMOJI, 'x\u{1F600}']],
  ['code units', '^.$', [EMOJI, '\u{10000}', '\u{10FFFF}']],
  ['code units', '^..$', [EMOJI, 'ab']],
  ['code units', '^.{4}$', [EMOJI + EMOJI, EMOJI]],
  ['code units', '^[^a]$', [EMOJI]],
  ['code units', '^[^a][^a]$', [EMOJI]],
  ['code units', '^\\S$', [EMOJI]],
  ['code units', '^\\W\\W$', [EMOJI]],
  ['code units', '^\\D{2}$', [EMOJI]],
  ['code units', `^${EMOJI}$`, [EMOJI]],
  ['code units', `${EMOJI}+`, [EMOJI + EMOJI, EMOJI, '\u{1F601}']],
  ['code units', `^${EMOJI}+$`, [EMOJI + EMOJI, EMOJI]],
  ['code units', `^${EMOJI}{2}$`, [EMOJI + EMOJI, EMOJI]],
  ['code units', `^${EMOJI}?$`, [EMOJI]],
  ['code units', `^(?:${EMOJI})+$`, [EMOJI + EMOJI]],
  ['code units', `[${EMOJI}]`, [EMOJI, '\u{1F601}', 'a']],
  ['code units', `^[${EMOJI}]$`, [EMOJI]],
  ['code units', `^[${EMOJI}]+$`, [EMOJI, '\u{1F4A9}\u{1F600}']],
  ['code units', `^[^${EMOJI}]$`, ['a', EMOJI]],
  ['code units', `^[^${EMOJI}]+$`, ['\u{1F601}', '\u{1F4A9}', 'abc']],
  ['code units', '[\\uD83D\\uDE00]', [EMOJI, '\u{1F4A9}']],
  ['code units', '[\\uD83D-\\uDE00]', [EMOJI]],
  ['code units', '^[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]$', [EMOJI, 'ab', '\u{10000}']],
  ['code units', '[\\uD800-\\uDFFF]', [EMOJI, 'abc']],
  ['code units', '^[\\u0000-\\uFFFF]$', [EMOJI, 'a']],
  ['code units', '^[\\u0000-\\uFFFF]+$', [EMOJI, 'a\n']],
  ['code units', '^[\\u0000-\\uD7FF\\uE000-\\uFFFF]+$', [EMOJI, 'abc\u00e9']],
  ['code units', `[${EMOJI}-\u{1F602}]`, [EMOJI]],
  ['code units', '\\uD83D\\uDE00+', [EMOJI + EMOJI]],
  ['code units', '^\\uD83D\\uDE00+$', [EMOJI + EMOJI, EMOJI]],
  ['code units', '\\B', ['a\u{1F600}a', 'a-a']],
  ['code units', '\\b', [EMOJI]],
  ['code units', '\u{100000}', ['\u{100000}', '\u{100001}']],
  ['code units', '\\uDBC0', ['\u{100000}', 'x']],
  ['code units', '^\\uDBC0\\uDC00$', ['\u{100000}']],
  ['code units', '^\u00e9' + EMOJI + 'x$', ['\u00e9' + EMOJI + 'x']],
  ['code units', '^[\u00e9' + EMOJI + ']{3}$', ['\u00e9' + EMOJI]],

  // Character classes.
  ['classes', '^[abc]$', ['a', 'd']],
  ['classes', '^[^abc]$', ['a', 'd', '\n']],
  ['classes', '^[a-z]+$', ['hello', 'Hello']],
  ['classes', '^[A-Za-z0-9_]+$', ['abc_123', 'a-b']],
  ['classes', '[]', ['', 'a', '[]']],
  ['classes', '^[]$', ['']],
  ['classes', 'a[]', ['a']],
  ['classes', '[^]', ['', 'a', '\n']],
  ['classes', '^[^]*$', ['a\nb\r\u2028']],
  ['classes', '[]]', [']', '[]]']],
  ['classes', '^[]a]$', ['a', ']']],
  ['classes', '[^]]', [']', ']]', 'a]']],
  ['classes', '^[[]$', ['[']],
  ['classes', '^[[]]$', ['[]', '[']],
  ['classes', '^[[:alpha:]]+$', ['a]', ':]', 'alpha]']],
  ['classes', '^[[:digit:]]$', ['5', 'd]']],
  ['classes', '^[\\]]$', [']']],
  ['classes', '^[\\[]$', ['[']],
  ['classes', '^[\\\\]$', ['\\']],
  ['classes', '^[a-]$', ['-', 'a', 'b']],
  ['classes', '^[-a]$', ['-', 'a']],
  ['classes', '^[-]$', ['-']],
  ['classes', '^[--0]$', ['-', '.', '/', '0', '1']],
  ['classes', '^[a-z-0]$', ['-', '0', 'm', '5']],
  ['classes', '^[\\d-a]$', ['-', 'a', '5', 'b']],
  ['classes', '^[a-\\d]$', ['-', 'a', '5', 'b']],
  ['classes', '^[\\d-\\w]$', ['-', 'x']],
  ['classes', '^[\\w-]$', ['-', 'a']],
  ['classes', '^[\\s-\\d]$', [' ', '-', '1']],
  ['classes', '^[%--]$', ['%', '+', '-', '.']],
  ['classes', '^[\\b]$', ['\u0008', 'b']],
  ['classes', '^[\\B]$', ['B', '\u0008']],
  ['classes', '^[\\-]$', ['-']],
  ['classes', '^[a\\-z]$', ['-', 'm']],
  ['classes', '^[\\0]$', ['\0']],
  ['classes', '^[\\08]$', ['8', '\0']],
  ['classes', '^[\\1]$', ['\u0001']],
  ['classes', '^(a)[\\1]$', ['a\u0001', 'aa']],
  ['classes', '^[\\8]$', ['8']],
  ['classes', '^[\\101]$', ['A']],
  ['classes', '^[\\cA]$', ['\u0001']],
  ['classes', '^[\\c1]$', ['\u0011', '1', '\\']],
  ['classes', '^[\\c_]$', ['\u001f']],
  ['classes', '^[\\c]$', ['\\', 'c']],
  ['classes', '^[\\c-d]$', ['\\', 'c', 'd', '-']],
  ['classes', '^[\\c*]$', ['\\', 'c', '*']],
  ['classes', '^[\\x41-\\x43]$', ['B', 'D']],
  ['classes', '^[\\u0041-\\u0043]$', ['C', 'D']],
  ['classes', '^[\\x]$', ['x']],
  ['classes', '^[\\u]$', ['u']],
  ['classes', '^[\\u{41}]+$', ['u{41}', 'A']],
  ['classes', '^[\\k]$', ['k']],
  ['classes', '^[\\p{L}]+$', ['p{L}', 'a']],
  ['classes', '^[.]$', ['.', 'a']],
  ['classes', '^[$^]+$', ['$^']],
  ['classes', '^[(|)]+$', ['(|)']],
  ['classes', '^[*+?{}]+$', ['*+?{}']],
  ['classes', '^[\\n\\t]$', ['\n', 'n']],
  ['classes', '^[\u00e9-\u00ea]$', ['\u00e9', '\u00eb']],
  ['classes', '^[^\\n]$', ['\n', '\r']],
  ['classes', '[z-a]', ['a']],
  ['classes', '[b-a]', ['a']],
  ['classes', '[a-a]', ['a']],
  ['classes', '[\\x43-\\x41]', ['A']],
  ['classes', '[a', ['a']],
  ['classes', '[a-', ['a']],
  ['classes', '[\\', ['\\']],
  ['classes', '[a-\\', ['a']],
  ['classes', '[^', ['']],

  // No case folding; inline flags do not exist.
  ['case', 'abc', ['ABC', 'Abc']],
  ['case', '[a-z]', ['A']],
  ['case', '\u00e9', ['\u00c9']],
  ['case', '(?i)abc', ['abc']],
  ['case', '(?i:abc)', ['abc']],
  ['case', '(?-i)abc', ['abc']],
  ['case', '(?m)^a', ['a']],
  ['case', '(?s).', ['a']],
  ['case', '(?x)a', ['a']],
  ['case', 'a(?i)', ['a']],

  // Groups that are syntax errors.
  ['groups', '(', ['']],
  ['groups', ')', [')']],
  ['groups', 'a)', ['a)']],
  ['groups', '(a', ['a']],
  ['groups', '((a)', ['a']],
  ['groups', '(a))', ['a']],
  ['groups', '(?', ['']],
  ['groups', '(?)', ['']],
  ['groups', '(?:', ['']],
  ['groups', '(?<', ['']],
  ['groups', '(?<>a)', ['a']],
  ['groups', '(?<a', ['a']],
  ['groups', '(?<a>', ['a']],
  ['groups', '(?<1a>x)', ['x']],
  ['groups', '(?<a-b>x)', ['x']],
  ['groups', '(?<a b>x)', ['x']],
  ['groups', '(?<a>x)(?<a>y)', ['xy']],
  ['groups', '(?<a>x)|(?<a>y)', ['x']],
  ['groups', '(?<a>x)\\k', ['xk']],
  ['groups', '(?<a>x)\\k<', ['x']],
  ['groups', '(?<a>x)\\k<a', ['x']],
  ['groups', '(?<a>x)\\k<b>', ['x']],
  ['groups', '(?<a>x)\\k<1>', ['x']],
  ['groups', '(?<a>x)[\\k]', ['k']],
  ['groups', '(?<a>x)[\\k<a>]', ['k']],
  ['groups', '(?<\\x61>x)', ['x']],
  ['groups', '(?<\\u{110000}>x)', ['x']],
  ['groups', '(?P<a>x)', ['x']],
  ['groups', '(?#comment)', ['']],
  ['groups', '(?>a)', ['a']],
  ['groups', '(?|a)', ['a']],
  ['groups', '(?=a', ['a']],
  ['groups', '(?<=a)*', ['a']],
  ['groups', '(?<!a)+b', ['b']],
  ['groups', '(?<=a){2}', ['a']],
  ['groups', '(?=a)(', ['a']],
  ['groups', '(a)\\1)', ['a']],

  // Valid patterns that need backtracking: rejected on purpose.
  ['backtracking', 'a(?=b)', ['ab'], UNSUPPORTED],
  ['backtracking', 'a(?!b)', ['ac'], UNSUPPORTED],
  ['backtracking', '(?<=a)b', ['ab'], UNSUPPORTED],
  ['backtracking', '(?<!a)b', ['cb'], UNSUPPORTED],
  ['backtracking', '(?=a)*', [''], UNSUPPORTED],
  ['backtracking', 'x(?=y)+', ['xy'], UNSUPPORTED],
  ['backtracking', '(?!a){2}b', ['b'], UNSUPPORTED],
  ['backtracking', '(?<=a)', ['a'], UNSUPPORTED],
  ['backtracking', '(?<=(?<a>x))', ['x'], UNSUPPORTED],
  ['backtracking', '(a)\\1', ['aa'], UNSUPPORTED],
  ['backtracking', '(a)\\1*', ['a'], UNSUPPORTED],
  ['backtracking', '\\1(a)', ['a'], UNSUPPORTED],
  ['backtracking', '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10', ['abcdefghijj'], UNSUPPORTED],
  ['backtracking', '(a)(b)(c)(d)(e)(f)(g)(h)\\8', ['abcdefghh'], UNSUPPORTED],
  ['backtracking', '(?<a>.)\\k<a>', ['aa'], UNSUPPORTED],
  ['backtracking', '\\k<a>(?<a>.)', ['a'], UNSUPPORTED],
  ['backtracking', '(?<a>)\\k<a>', [''], UNSUPPORTED],
  ['backtracking', '(?<a>x)\\k<\\u0061>', ['xx'], UNSUPPORTED],
  ['backtracking', '(?:(a)|b)\\1', ['b'], UNSUPPORTED],
  ['backtracking', '(?<\u00e9>x)', ['x'], UNSUPPORTED],
  ['backtracking', '(?<a\u00e9>x)', ['x'], UNSUPPORTED],
  ['backtracking', '(?<\\u00e9>x)', ['x'], UNSUPPORTED],
  ['backtracking', '(?<\u{1D49C}>x)', ['x'], UNSUPPORTED],

  // Patterns that backtracking engines run in exponential time.
  ['hostile', '(a+)+$', ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaab', 'aaa']],
  ['hostile', '(a|a)*b', ['aaaaaaaaaaaaaaaaaaaaaaaaa', 'aab']],
  ['hostile', '(x+x+)+y', ['xxxxxxxxxxxxxxxxxxxx', 'xxy']],
  ['hostile', '^(a|aa)*$', [A50K + '!', A50K]],
  ['hostile', '^(\\w+\\s?)*$', ['aaaaaaaaaaaaaaaaaaaaaaaa!', 'ab cd']],
  ['hostile', '(.*a){12}', ['aaaaaaaaaaaa', 'aaaaaaaaaaa']],
];

// Seeded random patterns built from tokens, each with a sample text that the
// token alone would match, so that one input per pattern is likely to match.
// The tokens leave out lookaround, named groups, `\k` and the digits 1 to 9
// after a backslash, so that no random pattern needs a deliberate
// REGEX_UNSUPPORTED mark.
const TOKENS = [
  ['a', 'a'], ['b', 'b'], ['A', 'A'], ['0', '0'], ['_', '_'], ['-', '-'], [' ', ' '], [',', ','],
  ['\u00e9', '\u00e9'], [EMOJI, EMOJI], ['.', 'x'], ['\\d', '7'], ['\\D', EMOJI], ['\\w', 'w'],
  ['\\W', '\u00e9'], ['\\s', ' '], ['\\S', EMOJI], ['\\b', ''], ['\\B', ''], ['^', ''], ['$', ''],
  ['\\n', '\n'], ['\\u00e9', '\u00e9'], ['\\uD83D', EMOJI], ['\\uDE00', EMOJI], ['\\x41', 'A'],
  ['\\0', '\0'], ['\\c1', '\\c1'], ['\\cA', '\u0001'], ['\\p', 'p'], ['\\u{2}', 'uu'], ['[', ''],
  [']', ']'], ['[^', ''], ['(', ''], [')', ''], ['(?:', ''], ['|', ''], ['{', '{'], ['}', '}'],
  ['*', ''], ['+', ''], ['?', ''], ['*?', ''], ['{2}', ''], ['{1,2}', ''], ['{0,}', ''],
  ['{2,1}', ''], ['\\', '\\'], ['\\-', '-'], ['\\.', '.'], ['[a-z]', 'q'], ['[^a]', 'b'],
  ['[\\d-]', '-'], ['[]', ''], ['[^]', '\n'],
];
const INPUT_CHARS = [
  'a', 'b', 'A', '0', '_', '-', ' ', ',', '\u00e9', EMOJI, '\n', '{', '}', '[', ']', 'u', 'x',
  '\\', 'c', '1', '\u0011', '\u2028', '\u00a0', 'p',
];
const RANDOM_PATTERNS = 300;
const INPUTS_PER_RANDOM_PATTERN = 3;

// mulberry32: a small deterministic generator, so the corpus is stable.
function randomGenerator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}

function randomCases() {
  const random = randomGenerator(20250301);
  const cases = [];
  for (let index = 0; index < RANDOM_PATTERNS; index += 1) {
    const tokenCount = 1 + Math.floor(random() * 7);
    let pattern = '';
    let sample = '';
    for (let token = 0; token < tokenCount; token += 1) {
      const [text, sampleText] = pick(random, TOKENS);
      pattern += text;
      sample += sampleText;
    }
    const inputs = [sample];
    for (let input = 1; input < INPUTS_PER_RANDOM_PATTERN; input += 1) {
      const length = Math.floor(random() * 6);
      let text = '';
      for (let char = 0; char < length; char += 1) {
        text += pick(random, INPUT_CHARS);
      }
      inputs.push(text);
    }
    cases.push(['random', pattern, inputs]);
  }
  return cases;
}

function record(group, pattern, input, marks) {
  let valid = true;
  let match = null;
  try {
    match = new RegExp(pattern).test(input);
  } catch (error) {
    if (!(error instanceof SyntaxError)) {
      throw error;
    }
    valid = false;
  }
  if (!valid && (marks.unsupported || marks.too_large)) {
    throw new Error(`pattern ${JSON.stringify(pattern)} is marked but is not valid JavaScript`);
  }
  return { group, pattern, input, valid, match, ...marks };
}

function hasLoneSurrogate(text) {
  return !text.isWellFormed();
}

const records = [];
for (const [group, pattern, inputs, marks = {}] of [...CASES, ...randomCases()]) {
  if (hasLoneSurrogate(pattern)) {
    throw new Error(`pattern ${JSON.stringify(pattern)} is not well-formed UTF-16`);
  }
  for (const input of inputs) {
    if (hasLoneSurrogate(input)) {
      throw new Error(`input ${JSON.stringify(input)} is not well-formed UTF-16`);
    }
    records.push(record(group, pattern, input, marks));
  }
}

// One case per line keeps the file readable and its diffs small.
const header = {
  description:
    'How JavaScript runs OpenLeash regex patterns: `valid` is whether new RegExp(pattern) compiles, ' +
    '`match` is RegExp.prototype.test(input). `unsupported` and `too_large` mark valid patterns that ' +
    'the linear-time engine rejects on purpose. Generated by tests/regex/generate.mjs; do not edit.',
  engine: `V8 ${process.versions.v8} (Node.js ${process.version})`,
};
const lines = records.map((entry) => `    ${JSON.stringify(entry)}`);
const output =
  '{\n' +
  `  "description": ${JSON.stringify(header.description)},\n` +
  `  "engine": ${JSON.stringify(header.engine)},\n` +
  '  "cases": [\n' +
  lines.join(',\n') +
  '\n  ]\n}\n';

const target = join(dirname(fileURLToPath(import.meta.url)), 'js-semantics.json');
writeFileSync(target, output);

const valid = records.filter((entry) => entry.valid).length;
console.log(`${records.length} cases (${valid} valid, ${records.length - valid} invalid) written to ${target}`);
