/* A strict double of WPS 表格's Application object (the ET object model the add-in uses), for the
   add-in's tests in headless Chromium. As strict as the host where WPS's documentation says it
   refuses or misplaces, and stricter where it is silent (docs/服务.md §10 lists which):

   * Value2 hands over numbers for dates (serial numbers) and Excel's error codes for error cells;
     empty cells come back undefined; one cell is a single value, one row a 2-D array;
   * writing, clearing or filling a locked cell of a protected sheet throws; so does a note unless
     drawing objects are allowed, a link unless inserting hyperlinks is; so does part of a merged area;
   * AddComment on a cell that has a comment throws (what WPS does is not documented);
   * Sheets.Add(Before, After) with both omitted inserts before the active sheet; Worksheet.Copy with
     both omitted makes a new workbook (here: throws); the added or copied sheet becomes active;
   * a string assigned to Value2 is read as typing: 'text is text, =… a formula, a number-like string a
     number; ClearContents keeps a cell's link (Hyperlinks.Delete removes it).

   window.makeEtApplication(spec): spec = {name, active, sheets: [{name, rows, locked: false-cells
   as [[r, c]...] (every other cell locked), protected, allowed: [...], merged: [[r1,c1,r2,c2]...],
   hidden, dates: [[r, c]...], errors: [[r, c, code]...], fills/notes/links/formulas: [[r, c, x]...]}]}. window.book is the workbook; its sheets'
   cells are read back by the test (window.state()). Message boxes go to window.alerts. */
(function () {
  window.alerts = [];
  window.prompts = [];
  window.alert = function (text) { window.alerts.push(String(text)); };
  window.prompt = function (text) { window.prompts.push(String(text)); return window.nextPrompt || null; };
  window.open = function (url) { window.opened = url; };

  function colNumber(letters) {
    var n = 0;
    for (var i = 0; i < letters.length; i++) { n = n * 26 + letters.charCodeAt(i) - 64; }
    return n;
  }
  function colLetters(n) {
    var s = '';
    while (n > 0) { var m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
    return s;
  }
  function parse(addr) {
    var rows = /^(\d+):(\d+)$/.exec(addr);
    if (rows) { return { r1: +rows[1], c1: 1, r2: +rows[2], c2: 16384, wholeRows: true }; }
    var parts = addr.replace(/\$/g, '').split(':');
    var cells = parts.map(function (p) {
      var m = /^([A-Z]+)(\d+)$/.exec(p);
      if (!m) { throw new Error('bad address ' + addr); }
      return [parseInt(m[2], 10), colNumber(m[1])];
    });
    var last = cells[cells.length - 1];
    return { r1: Math.min(cells[0][0], last[0]), c1: Math.min(cells[0][1], last[1]),
      r2: Math.max(cells[0][0], last[0]), c2: Math.max(cells[0][1], last[1]) };
  }
  function key(r, c) { return r + ',' + c; }

  function typed(v) {
    if (typeof v !== 'string') { return { v: v, f: '' }; }
    if (v.charAt(0) === "'") { return { v: v.substring(1), f: '' }; }
    if (v.charAt(0) === '=') { return { v: undefined, f: v }; }
    if (v === '') { return { v: undefined, f: '' }; }
    if (/^(TRUE|FALSE)$/i.test(v)) { return { v: v.toUpperCase() === 'TRUE', f: '' }; }
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) { return { v: parseFloat(v), f: '' }; }
    return { v: v, f: '' };
  }

  function Book(spec) {
    var book = this;
    book.Name = spec.name;
    book.list = [];
    spec.sheets.forEach(function (s) { book.list.push(new Sheet(book, s)); });
    book.active = book.list[spec.active || 0];
    book.Sheets = {
      get Count() { return book.list.length; },
      Item: function (which) {
        if (typeof which === 'number') {
          if (which < 1 || which > book.list.length) { throw new Error('下标越界 ' + which); }
          return book.list[which - 1];
        }
        for (var i = 0; i < book.list.length; i++) { if (book.list[i].Name === which) { return book.list[i]; } }
        throw new Error('没有工作表 ' + which);
      },
      Add: function (before, after) {
        var sheet = new Sheet(book, { name: 'Sheet' + (book.list.length + 1), rows: [] });
        var where;
        if (after) { where = book.list.indexOf(after) + 1; } else if (before) { where = book.list.indexOf(before); } else { where = book.list.indexOf(book.active); }
        book.list.splice(where, 0, sheet);
        book.active = sheet;
        return sheet;
      }
    };
    Object.defineProperty(book, 'ActiveSheet', { get: function () { return book.active; } });
  }

  function Sheet(book, s) {
    var sheet = this;
    sheet.book = book;
    sheet._name = s.name;
    sheet.cells = {};
    sheet.merged = (s.merged || []).map(function (m) { return { r1: m[0], c1: m[1], r2: m[2], c2: m[3] }; });
    sheet.unlocked = {};
    (s.locked || []).forEach(function (rc) { sheet.unlocked[key(rc[0], rc[1])] = true; });
    sheet.ProtectContents = !!s.protected;
    sheet.allowed = s.allowed || [];
    sheet.drawingObjects = true;
    sheet.EnableSelection = -4142;
    sheet.Visible = s.hidden ? 0 : -1;
    (s.rows || []).forEach(function (row, r) {
      row.forEach(function (v, c) { if (v !== null && v !== '' && v !== undefined) { sheet.cells[key(r + 1, c + 1)] = { v: v, f: '' }; } });
    });
    (s.dates || []).forEach(function (rc) { var cell = sheet.cells[key(rc[0], rc[1])]; if (cell) { cell.date = true; } });
    (s.errors || []).forEach(function (e) { sheet.cells[key(e[0], e[1])] = { v: e[2], f: '=NA()', error: true }; });
    (s.fills || []).forEach(function (e) {
      var n = parseInt(e[2], 16);
      sheet.cell(e[0], e[1]).fill = ((n >> 16) & 255) + ((n >> 8) & 255) * 256 + (n & 255) * 65536;
    });
    (s.notes || []).forEach(function (e) { sheet.cell(e[0], e[1]).comment = e[2]; });
    (s.links || []).forEach(function (e) { sheet.cell(e[0], e[1]).link = e[2]; });
    (s.formulas || []).forEach(function (e) { sheet.cell(e[0], e[1]).f = e[2]; });
    Object.defineProperty(sheet, 'Name', {
      get: function () { return sheet._name; },
      set: function (name) {
        book.list.forEach(function (o) { if (o !== sheet && o._name === name) { throw new Error('工作表名称重复 ' + name); } });
        sheet._name = name;
      }
    });
    Object.defineProperty(sheet, 'Index', { get: function () { return book.list.indexOf(sheet) + 1; } });
    Object.defineProperty(sheet, 'UsedRange', {
      get: function () {
        var r1 = Infinity, c1 = Infinity, r2 = 0, c2 = 0;
        Object.keys(sheet.cells).forEach(function (k) {
          var cell = sheet.cells[k];
          if (cell.v === undefined && !cell.f) { return; }
          var rc = k.split(',').map(Number);
          r1 = Math.min(r1, rc[0]); c1 = Math.min(c1, rc[1]); r2 = Math.max(r2, rc[0]); c2 = Math.max(c2, rc[1]);
        });
        if (!r2) { return sheet.Range('A1'); }
        return sheet.Range(colLetters(c1) + r1 + ':' + colLetters(c2) + r2);
      }
    });
    sheet.Hyperlinks = {
      Add: function (anchor, address, sub, tip, text) {
        sheet.guard('link', anchor._p);
        var cell = sheet.cell(anchor._p.r1, anchor._p.c1);
        cell.link = address ? address : sub;
        if (text) { cell.v = text; cell.f = ''; }
      }
    };
  }
  Sheet.prototype.cell = function (r, c) {
    var k = key(r, c);
    if (!this.cells[k]) { this.cells[k] = { v: undefined, f: '' }; }
    return this.cells[k];
  };
  Sheet.prototype.locked = function (r, c) { return !this.unlocked[key(r, c)]; };
  Sheet.prototype.guard = function (action, p) {
    if (!this.ProtectContents) { return; }
    var anyLocked = false;
    for (var r = p.r1; r <= Math.min(p.r2, p.r1 + 2000); r++) {
      for (var c = p.c1; c <= Math.min(p.c2, 60); c++) { if (this.locked(r, c)) { anyLocked = true; } }
    }
    var allowed = this.allowed;
    function has(name) { return allowed.indexOf(name) >= 0; }
    if (action === 'write' && anyLocked) { throw new Error('单元格受保护（' + this._name + '）'); }
    if (action === 'format' && !has('format_cells')) { throw new Error('工作表受保护，不能设置格式（' + this._name + '）'); }
    if (action === 'note' && this.drawingObjects) { throw new Error('工作表受保护，不能插入批注（' + this._name + '）'); }
    if (action === 'link' && (!has('insert_hyperlinks') || anyLocked)) { throw new Error('工作表受保护，不能插入超链接（' + this._name + '）'); }
    if (action === 'insert' && !has('insert_rows')) { throw new Error('工作表受保护，不能插入行（' + this._name + '）'); }
  };
  Sheet.prototype.checkMerges = function (p) {
    this.merged.forEach(function (m) {
      var overlaps = !(m.r2 < p.r1 || m.r1 > p.r2 || m.c2 < p.c1 || m.c1 > p.c2);
      var inside = p.r1 <= m.r1 && m.r2 <= p.r2 && p.c1 <= m.c1 && m.c2 <= p.c2;
      var topLeftOnly = p.r1 === p.r2 && p.c1 === p.c2 && p.r1 === m.r1 && p.c1 === m.c1;
      if (overlaps && !inside && !topLeftOnly) { throw new Error('不能更改合并单元格的一部分'); }
    });
  };
  Sheet.prototype.Unprotect = function () { this.ProtectContents = false; };
  Sheet.prototype.Protect = function (pw, drawing, contents, scenarios, uiOnly, fmtCells, fmtCols, fmtRows,
    insCols, insRows, insLinks, delCols, delRows, sort, filter, pivot) {
    if (arguments.length !== 16) { throw new Error('Protect: 16 positional arguments expected, got ' + arguments.length); }
    var names = ['format_cells', 'format_columns', 'format_rows', 'insert_columns', 'insert_rows', 'insert_hyperlinks',
      'delete_columns', 'delete_rows', 'sort', 'autofilter', 'pivot_tables'];
    var flags = [fmtCells, fmtCols, fmtRows, insCols, insRows, insLinks, delCols, delRows, sort, filter, pivot];
    this.allowed = names.filter(function (n, i) { return flags[i] === true; });
    this.drawingObjects = drawing !== false;
    this.ProtectContents = true;
  };
  Sheet.prototype.Copy = function (before, after) {
    if (!before && !after) { throw new Error('Copy 未指定位置：WPS 会把工作表复制到新工作簿'); }
    var book = this.book, src = this;
    var copy = new Sheet(book, { name: this._name + ' (2)', rows: [] });
    Object.keys(src.cells).forEach(function (k) { var c = src.cells[k]; copy.cells[k] = JSON.parse(JSON.stringify(c)); });
    copy.merged = src.merged.slice();
    copy.unlocked = JSON.parse(JSON.stringify(src.unlocked));
    copy.ProtectContents = src.ProtectContents;
    copy.allowed = src.allowed.slice();
    copy.drawingObjects = src.drawingObjects;
    var where = after ? book.list.indexOf(after) + 1 : book.list.indexOf(before);
    book.list.splice(where, 0, copy);
    book.active = copy;
  };
  Sheet.prototype.Range = function (addr) {
    var sheet = this;
    var p = parse(addr);
    var range = { _p: p };
    Object.defineProperty(range, 'Row', { get: function () { return p.r1; } });
    Object.defineProperty(range, 'Column', { get: function () { return p.c1; } });
    Object.defineProperty(range, 'Value2', {
      get: function () {
        function shown(r, c) {
          var cell = sheet.cells[key(r, c)];
          return cell ? cell.v : undefined;
        }
        if (p.r1 === p.r2 && p.c1 === p.c2) { return shown(p.r1, p.c1); }
        var out = [];
        for (var r = p.r1; r <= p.r2; r++) {
          var row = [];
          for (var c = p.c1; c <= p.c2; c++) { row.push(shown(r, c)); }
          out.push(row);
        }
        return out;
      },
      set: function (value) {
        var rows = value instanceof Array ? (value[0] instanceof Array ? value : [value]) : [[value]];
        var height = p.r2 - p.r1 + 1, width = p.c2 - p.c1 + 1;
        if (rows.length !== height || rows.some(function (r) { return r.length !== width; })) {
          throw new Error('Value2 的数组大小与区域不一致 ' + addr);
        }
        sheet.guard('write', p);
        sheet.checkMerges(p);
        for (var r = 0; r < height; r++) {
          for (var c = 0; c < width; c++) {
            var t = typed(rows[r][c]);
            var cell = sheet.cell(p.r1 + r, p.c1 + c);
            cell.v = t.v; cell.f = t.f; delete cell.error; delete cell.date;
          }
        }
      }
    });
    Object.defineProperty(range, 'Formula', {
      set: function (f) {
        sheet.guard('write', p);
        sheet.checkMerges(p);
        var cell = sheet.cell(p.r1, p.c1);
        cell.f = f; cell.v = undefined;
      }
    });
    range.Interior = {};
    Object.defineProperty(range.Interior, 'Color', {
      set: function (v) {
        sheet.guard('format', p);
        for (var r = p.r1; r <= p.r2; r++) { for (var c = p.c1; c <= p.c2; c++) { sheet.cell(r, c).fill = v; } }
      }
    });
    Object.defineProperty(range.Interior, 'ColorIndex', {
      set: function (v) {
        if (v !== -4142) { throw new Error('the double knows ColorIndex xlNone only'); }
        sheet.guard('format', p);
        for (var r = p.r1; r <= p.r2; r++) { for (var c = p.c1; c <= p.c2; c++) { sheet.cell(r, c).fill = null; } }
      }
    });
    Object.defineProperty(range, 'Comment', {
      get: function () {
        var cell = sheet.cells[key(p.r1, p.c1)];
        if (!cell || !cell.comment) { return null; }
        return { Text: function () { return cell.comment; }, Delete: function () { sheet.guard('note', p); cell.comment = null; } };
      }
    });
    range.AddComment = function (text) {
      var cell = sheet.cell(p.r1, p.c1);
      if (cell.comment) { throw new Error('该单元格已有批注'); }
      sheet.guard('note', p);
      cell.comment = String(text);
    };
    range.ClearContents = function () {
      sheet.guard('write', p);
      sheet.checkMerges(p);
      for (var r = p.r1; r <= Math.min(p.r2, p.r1 + 5000); r++) {
        for (var c = p.c1; c <= Math.min(p.c2, 200); c++) {
          var cell = sheet.cells[key(r, c)];
          if (cell) { cell.v = undefined; cell.f = ''; delete cell.error; }
        }
      }
    };
    range.Hyperlinks = {
      Delete: function () {
        for (var r = p.r1; r <= Math.min(p.r2, p.r1 + 5000); r++) {
          for (var c = p.c1; c <= Math.min(p.c2, 200); c++) { var cell = sheet.cells[key(r, c)]; if (cell) { cell.link = null; } }
        }
      }
    };
    range.Insert = function () {
      if (!p.wholeRows) { throw new Error('the double inserts whole rows only'); }
      sheet.guard('insert', p);
      var count = p.r2 - p.r1 + 1, moved = {};
      Object.keys(sheet.cells).forEach(function (k) {
        var rc = k.split(',').map(Number);
        moved[key(rc[0] >= p.r1 ? rc[0] + count : rc[0], rc[1])] = sheet.cells[k];
      });
      sheet.cells = moved;
    };
    return range;
  };

  window.makeEtApplication = function (spec) {
    window.book = new Book(spec);
    return { get ActiveWorkbook() { return window.currentBook === undefined ? window.book : window.currentBook; } };
  };

  window.state = function (book) {
    /* What the test compares: each sheet's cells (value, formula, fill as RRGGBB, note, link) and protection. */
    book = book || window.book;
    function hex(bgr) {
      if (bgr === null || bgr === undefined) { return null; }
      var r = bgr & 255, g = (bgr >> 8) & 255, b = (bgr >> 16) & 255;
      return [r, g, b].map(function (x) { return (x < 16 ? '0' : '') + x.toString(16).toUpperCase(); }).join('');
    }
    return {
      order: book.list.map(function (s) { return s.Name; }),
      sheets: book.list.map(function (s) {
        var cells = {};
        Object.keys(s.cells).forEach(function (k) {
          var c = s.cells[k];
          var v = c.v === undefined ? null : c.v;
          if (v !== null || c.f || (c.fill !== null && c.fill !== undefined) || c.comment || c.link) {
            cells[k] = [v, c.f || '', hex(c.fill), c.comment || null, c.link || null];
          }
        });
        return { name: s.Name, protected: s.ProtectContents, allowed: s.allowed.slice().sort(), cells: cells };
      })
    };
  };
}());
