/* A stand-in for WPS 表格's Application object, for the add-in test in headless Chromium: a
   workbook built from the sheets' values, a small part of the WPS table object model, and a record
   of every call that changes the workbook (window.calls) and of every message box (window.alerts).
   window.makeWpsApplication(book) with book = {name, sheets: [{name, values}]}. */
(function () {
  window.calls = [];
  window.alerts = [];
  window.alert = function (text) { window.alerts.push(String(text)); };
  window.open = function (url) { window.calls.push({ op: 'open', url: url }); };

  function colNumber(letters) {
    var n = 0;
    for (var i = 0; i < letters.length; i++) { n = n * 26 + letters.charCodeAt(i) - 64; }
    return n;
  }
  function parse(addr) {
    var parts = addr.replace(/\$/g, '').split(':');
    var cells = parts.map(function (p) {
      var m = /^([A-Z]+)(\d+)$/.exec(p);
      if (!m) { throw new Error('bad address ' + addr); }
      return [parseInt(m[2], 10), colNumber(m[1])];
    });
    return { r1: cells[0][0], c1: cells[0][1], r2: cells[cells.length - 1][0], c2: cells[cells.length - 1][1] };
  }

  function makeSheet(book, name, values) {
    var sheet = { Name: name, values: values, comments: {} };
    function record(op, address, value) { window.calls.push({ op: op, sheet: sheet.Name, address: address, value: value }); }
    sheet.Range = function (addr) {
      var p = parse(addr);
      var range = {
        address: addr.replace(/\$/g, ''),
        get Value2() {
          var out = [];
          for (var r = p.r1; r <= p.r2; r++) {
            var row = [];
            for (var c = p.c1; c <= p.c2; c++) {
              var v = (sheet.values[r - 1] || [])[c - 1];
              row.push(v === '' || v === undefined ? null : v);
            }
            out.push(row);
          }
          return out;
        },
        set Value2(v) { record('Value2', addr, v); },
        Interior: {
          set Color(v) { record('Color', addr, v); },
          set ColorIndex(v) { record('ColorIndex', addr, v); }
        },
        get Comment() {
          var key = addr.replace(/\$/g, '');
          if (!sheet.comments[key]) { return null; }
          return { Delete: function () { delete sheet.comments[key]; record('DeleteComment', key); } };
        },
        AddComment: function (text) { sheet.comments[addr] = text; record('AddComment', addr, text); },
        ClearContents: function () { record('ClearContents', addr); },
        set NumberFormat(v) { record('NumberFormat', addr, v); }
      };
      return range;
    };
    sheet.Cells = { ClearContents: function () { record('ClearContents', 'ALL'); } };
    Object.defineProperty(sheet, 'UsedRange', { get: function () {
      var rows = sheet.values.length;
      var cols = sheet.values.reduce(function (m, r) { return Math.max(m, r.length); }, 0);
      return { Row: 1, Column: 1, Rows: { Count: rows }, Columns: { Count: cols } };
    } });
    Object.defineProperty(sheet, 'Index', { get: function () { return book.list.indexOf(sheet) + 1; } });
    sheet.Hyperlinks = { Add: function (anchor, address, sub, tip, text) {
      record('Hyperlink', anchor.address || '', { address: address, sub: sub, tip: tip, text: text });
    } };
    sheet.Unprotect = function () { record('Unprotect'); };
    sheet.Protect = function () { record('Protect', '', Array.prototype.slice.call(arguments)); };
    Object.defineProperty(sheet, 'EnableSelection', { set: function (v) { record('EnableSelection', '', v); } });
    sheet.Activate = function () { record('Activate'); };
    return sheet;
  }

  window.makeWpsApplication = function (data) {
    var book = { list: [] };
    data.sheets.forEach(function (s) { book.list.push(makeSheet(book, s.name, s.values)); });
    var wb = {
      Name: data.name,
      Sheets: {
        get Count() { return book.list.length; },
        Item: function (key) {
          if (typeof key === 'number') { return book.list[key - 1]; }
          return book.list.filter(function (s) { return s.Name === key; })[0];
        },
        Add: function (before, after) {
          var at = after ? book.list.indexOf(after) + 1 : book.list.indexOf(before);
          var sheet = makeSheet(book, 'Sheet' + (book.list.length + 1), [[]]);
          book.list.splice(at, 0, sheet);
          var name = sheet.Name;
          Object.defineProperty(sheet, 'Name', {
            get: function () { return name; },
            set: function (v) { window.calls.push({ op: 'AddSheet', sheet: v, address: '', value: at }); name = v; }
          });
          return sheet;
        }
      },
      get ActiveSheet() { return book.list[0]; }
    };
    return { ActiveWorkbook: wb };
  };
}());
