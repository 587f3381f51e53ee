/* xlgoals WPS 加载项: the template's buttons, answered by the xlgoals service through the xlgoals
   button protocol (docs/服务.md §8; the same answers Excel's VBA and LibreOffice get).

   A press sends the workbook's values (every sheet's UsedRange.Value2, in one call per sheet) as
   JSON; the answer's operations are applied, in order, to the workbook that was active when the
   button was pressed (not to whichever is active when the answer arrives). A sheet is unprotected
   only when the answer says so and protected again, with the options it names, once the operations
   are done or one of them failed. A second press while one runs is refused with a sentence. The
   access token (if the service has one) travels in the request body, so any characters work; when
   the service refuses it, the add-in asks for it once and remembers it.

   Plain ES5 and the WPS table object model only, so it runs in the WPS of 信创 machines. The
   service address comes from js/config.js (xlgoals wps-addin --url …, or the service itself). */
var XlGoals = (function () {
  'use strict';
  var config = window.XLGOALS_CONFIG || {};
  var PROTOCOL = 1;
  var CLIENT_VERSION = config.version || '';
  var NO_FILL = -4142; /* xlColorIndexNone */
  var TOKEN_KEY = 'xlgoals.token';
  var busy = false;
  /* Excel's error values as Value2 hands them over (CVErr codes as HRESULTs): sent as their text. */
  var ERRORS = { '-2146826288': '#NULL!', '-2146826281': '#DIV/0!', '-2146826273': '#VALUE!',
    '-2146826265': '#REF!', '-2146826259': '#NAME?', '-2146826252': '#NUM!', '-2146826246': '#N/A' };

  function column(n) {
    var s = '';
    while (n > 0) { var m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
    return s;
  }

  function cellValue(v) {
    if (v === null || v === undefined || v === '') { return null; }
    if (typeof v === 'number') { return ERRORS.hasOwnProperty(String(v)) ? ERRORS[String(v)] : v; }
    if (typeof v === 'boolean' || typeof v === 'string') { return v; }
    return String(v);
  }

  function grid(value) {
    /* Value2 of a range: a 2-D array (a 1-D array for one row, a single value for one cell). */
    if (value && typeof value.toArray === 'function') { value = value.toArray(); }
    if (!(value instanceof Array)) { return [[cellValue(value)]]; }
    if (!(value[0] instanceof Array)) { value = [value]; }
    var out = [];
    for (var r = 0; r < value.length; r++) {
      var row = [];
      for (var c = 0; c < value[r].length; c++) { row.push(cellValue(value[r][c])); }
      out.push(row);
    }
    return out;
  }

  function values(sheet) {
    /* The sheet's values from A1 (the used range may start further down and right). */
    var used = sheet.UsedRange;
    var top = used.Row, left = used.Column;
    var block = grid(used.Value2);
    var rows = [];
    for (var r = 1; r < top; r++) { rows.push([]); }
    for (var k = 0; k < block.length; k++) {
      var row = [];
      for (var c = 1; c < left; c++) { row.push(null); }
      rows.push(row.concat(block[k]));
    }
    return rows;
  }

  function request(wb, action, token) {
    var sheets = [];
    for (var i = 1; i <= wb.Sheets.Count; i++) {
      var sheet = wb.Sheets.Item(i);
      sheets.push({ name: sheet.Name, hidden: sheet.Visible !== -1 && sheet.Visible !== true, rows: values(sheet) });
    }
    return { xlgoals: PROTOCOL, client: 'wps', client_version: CLIENT_VERSION, action: action,
      book: wb.Name, can: [], token: token || '', sheets: sheets };
  }

  function bgr(hex) {
    var n = parseInt(hex, 16);
    return ((n >> 16) & 255) + ((n >> 8) & 255) * 256 + (n & 255) * 65536;
  }

  function protect(sheet, allowed) {
    var a = ',' + allowed + ',';
    function has(name) { return a.indexOf(',' + name + ',') >= 0; }
    /* Worksheet.Protect(Password, DrawingObjects, Contents, Scenarios, UserInterfaceOnly,
       AllowFormattingCells, AllowFormattingColumns, AllowFormattingRows, AllowInsertingColumns,
       AllowInsertingRows, AllowInsertingHyperlinks, AllowDeletingColumns, AllowDeletingRows,
       AllowSorting, AllowFiltering, AllowUsingPivotTables) — positional, as the template's VBA. */
    sheet.Protect('', !has('objects'), true, !has('scenarios'), false, has('format_cells'),
      has('format_columns'), has('format_rows'), has('insert_columns'), has('insert_rows'),
      has('insert_hyperlinks'), has('delete_columns'), has('delete_rows'), has('sort'), has('autofilter'),
      has('pivot_tables'));
    sheet.EnableSelection = has('select_locked_cells') ? 0 : (has('select_unlocked_cells') ? 1 : -4142);
  }

  function literal(v) {
    /* What to assign so the cell keeps the value as sent: text with the text prefix (never read as a
       number or a formula), numbers and booleans as they are, blanks as nothing. */
    if (v === null || v === undefined || v === '') { return ''; }
    if (typeof v === 'string') { return "'" + v; }
    return v;
  }

  function block(rows) {
    var width = 0, out = [], r, c;
    for (r = 0; r < rows.length; r++) { width = Math.max(width, rows[r].length); }
    for (r = 0; r < rows.length; r++) {
      var row = [];
      for (c = 0; c < width; c++) { row.push(literal(rows[r][c])); }
      out.push(row);
    }
    return { rows: out, width: width };
  }

  function resize(cell, height, width) {
    var m = /^([A-Z]+)(\d+)$/.exec(cell);
    var first = parseInt(m[2], 10), col = 0;
    for (var i = 0; i < m[1].length; i++) { col = col * 26 + m[1].charCodeAt(i) - 64; }
    return cell + ':' + column(col + width - 1) + (first + height - 1);
  }

  function sheetOf(wb, name) { return wb.Sheets.Item(name); }

  var operations = {
    fill: function (wb, op) {
      var interior = sheetOf(wb, op.sheet).Range(op.cell).Interior;
      if (op.color === null || op.color === undefined || op.color === '') { interior.ColorIndex = NO_FILL; } else { interior.Color = bgr(op.color); }
    },
    note: function (wb, op) {
      var cell = sheetOf(wb, op.sheet).Range(op.cell);
      if (cell.Comment) { cell.Comment.Delete(); }
      if (op.text) { cell.AddComment(op.text); }
    },
    clear: function (wb, op) {
      var range = sheetOf(wb, op.sheet).Range(op.cell);
      range.ClearContents();
      range.Hyperlinks.Delete(); /* ClearContents keeps a cell's link */
    },
    values: function (wb, op) {
      var b = block(op.rows);
      if (b.rows.length && b.width) { sheetOf(wb, op.sheet).Range(resize(op.cell, b.rows.length, b.width)).Value2 = b.rows; }
    },
    formula: function (wb, op) { sheetOf(wb, op.sheet).Range(op.cell).Formula = op.text; },
    link: function (wb, op) {
      var sheet = sheetOf(wb, op.sheet);
      sheet.Hyperlinks.Add(sheet.Range(op.cell), '', op.target, '', op.text || '');
    },
    add_sheet: function (wb, op) {
      var added = wb.Sheets.Add(null, sheetOf(wb, op.after)); /* after the named sheet: never before the active one */
      added.Name = op.name;
    },
    copy_sheet: function (wb, op) {
      var before = wb.Sheets.Count;
      sheetOf(wb, op.sheet).Copy(null, sheetOf(wb, op.after));
      if (wb.Sheets.Count !== before + 1) { throw new Error('复制工作表失败'); }
      var index = sheetOf(wb, op.after).Index + 1;
      wb.Sheets.Item(index).Name = op.name;
    },
    insert_rows: function (wb, op) {
      sheetOf(wb, op.sheet).Range(op.row + ':' + (op.row + op.count - 1)).Insert();
    }
  };

  function apply(wb, answer) {
    /* The answer's operations, in order; every sheet unprotected is protected again at the end,
       also when an operation fails. Returns the message to show. */
    if (answer.error) { throw new Error(answer.error); }
    if (typeof answer.xlgoals !== 'number' || answer.xlgoals > PROTOCOL) {
      throw new Error('校验服务比此加载项新：请联系财政局信息科更新 WPS 加载项后再试。');
    }
    var unprotected = [];
    try {
      var ops = answer.ops || [];
      for (var i = 0; i < ops.length; i++) {
        var op = ops[i];
        if (op.op === 'unprotect') {
          var sheet = sheetOf(wb, op.sheet);
          if (sheet.ProtectContents) { sheet.Unprotect(); unprotected.push([op.sheet, op.allow || '']); }
        } else if (operations.hasOwnProperty(op.op)) {
          operations[op.op](wb, op);
        } else {
          throw new Error('校验服务要求的操作“' + op.op + '”此加载项不认识：请更新 WPS 加载项后再试。');
        }
      }
    } finally {
      for (var k = unprotected.length - 1; k >= 0; k--) {
        try { protect(sheetOf(wb, unprotected[k][0]), unprotected[k][1]); } catch (ignored) { /* protect the others */ }
      }
    }
    return answer.message || '';
  }

  function service() { return String(config.url || '').replace(/\/+$/, ''); }

  function storedToken() {
    try { return window.localStorage.getItem(TOKEN_KEY) || config.token || ''; } catch (e) { return config.token || ''; }
  }

  function rememberToken(token) {
    try { window.localStorage.setItem(TOKEN_KEY, token); } catch (e) { /* not kept: asked again next time */ }
  }

  function post(body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', service() + '/api/press');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onload = function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      done(xhr.status, answer);
    };
    xhr.onerror = function () { done(0, null); };
    xhr.send(JSON.stringify(body));
  }

  function press(action, app, done) {
    function finish(message) {
      busy = false;
      if (message) { window.alert(message); }
      if (done) { done(); }
    }
    if (busy) { window.alert('上一次操作还在进行，请等它完成后再点。'); if (done) { done(); } return; }
    var wb = app.ActiveWorkbook; /* the workbook of this press, whatever is active when the answer comes */
    if (!wb) { window.alert('请先打开要校验的绩效目标表。'); if (done) { done(); } return; }
    busy = true;
    var body;
    try { body = request(wb, action, storedToken()); } catch (err) {
      finish('无法读取工作簿：' + (err && err.message ? err.message : err)); return;
    }
    var asked = false;
    function answered(status, answer) {
      if (status === 401 && !asked) {
        asked = true;
        var token = window.prompt('校验服务需要访问口令，请输入财政局提供的访问口令：', '');
        if (token) { rememberToken(token); body.token = token; post(body, answered); return; }
      }
      if (status === 0) { finish('无法连接校验服务 ' + service() + '，请检查网络，或联系财政局信息科。'); return; }
      if (!answer) { finish('校验服务出错（' + status + '），请稍后重试。'); return; }
      try { finish(apply(wb, answer)); } catch (err) {
        finish(answer.error ? answer.error : 'xlgoals 加载项未能完成操作：' + (err && err.message ? err.message : err));
      }
    }
    post(body, answered);
  }

  function onButton(id, app, done) {
    var actions = { btnValidate: 'validate', btnTotals: 'totals', btnExport: 'export', btnNewProject: 'new_project' };
    if (id === 'btnTemplate') {
      window.open(service() + '/template');
      if (done) { done(); }
      return;
    }
    if (!actions[id]) { if (done) { done(); } return; }
    press(actions[id], app, done);
  }

  return { press: onButton, request: request, apply: apply, column: column };
}());
