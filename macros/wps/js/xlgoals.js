/* xlgoals WPS 加载项: the buttons of the template, done by the xlgoals service.

   校验 and 汇总 send the open workbook to the service in the xlwings client format (the values of
   every sheet) and apply the actions it answers with — the same actions Excel's buttons get:
   setValues, setRangeColor, addNote, addHyperlink, addSheet, rangeClearContents,
   sheetClearContents, setNumberFormat, setSheetName, activateSheet, runMacro (XgUnprotect /
   XgProtect: sheet protection, done here as the template's VBA does it), alert.
   Plain ES5 and the WPS table object model only (Application.ActiveWorkbook.Sheets.Item(i).Range(...)),
   so it runs in the WPS of 信创 machines. The service address comes from js/config.js (written when
   the add-in is built: xlgoals wps-addin --url ...). */
var XlGoals = (function () {
  'use strict';
  var config = window.XLGOALS_CONFIG || {};
  var NO_FILL = -4142; /* xlNone */

  function column(n) {
    var s = '';
    while (n > 0) { var m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
    return s;
  }

  function address(row, col, rows, cols) {
    var first = column(col) + row;
    if ((rows || 1) === 1 && (cols || 1) === 1) { return first; }
    return first + ':' + column(col + cols - 1) + (row + rows - 1);
  }

  function grid(value, rows, cols) {
    /* Value2 of a range: a 2-D array, a 1-D array (one row) or a single value; blanks as "". */
    var out = [];
    if (value && typeof value.toArray === 'function') { value = value.toArray(); }
    if (!(value instanceof Array)) { value = [[value]]; } else if (rows === 1 && !(value[0] instanceof Array)) { value = [value]; }
    for (var r = 0; r < rows; r++) {
      var row = [];
      for (var c = 0; c < cols; c++) {
        var v = value[r] instanceof Array ? value[r][c] : undefined;
        row.push(v === null || v === undefined ? '' : v);
      }
      out.push(row);
    }
    return out;
  }

  function values(sheet) {
    var used = sheet.UsedRange;
    var rows = used.Row + used.Rows.Count - 1;
    var cols = used.Column + used.Columns.Count - 1;
    if (rows < 1 || cols < 1) { return [['']]; }
    return grid(sheet.Range(address(1, 1, rows, cols)).Value2, rows, cols);
  }

  function payload(app) {
    var wb = app.ActiveWorkbook;
    var sheets = [];
    for (var i = 1; i <= wb.Sheets.Count; i++) {
      var sheet = wb.Sheets.Item(i);
      sheets.push({ name: sheet.Name, values: values(sheet), pictures: [], tables: [], notes: [] });
    }
    /* "Office.js" is the xlwings client whose action vocabulary (notes included) this add-in applies. */
    return {
      client: 'Office.js',
      version: 'wps',
      book: { name: wb.Name, active_sheet_index: Math.max(0, wb.ActiveSheet.Index - 1), selection: 'A1' },
      names: [],
      sheets: sheets
    };
  }

  function bgr(hex) {
    var n = parseInt(hex.replace('#', ''), 16);
    return ((n >> 16) & 255) + ((n >> 8) & 255) * 256 + (n & 255) * 65536;
  }

  function rangeOf(sheet, a) {
    return sheet.Range(address(a.start_row + 1, a.start_column + 1, a.row_count, a.column_count));
  }

  function protect(sheet, allowed) {
    var a = ',' + allowed + ',';
    function has(name) { return a.indexOf(',' + name + ',') >= 0; }
    /* Worksheet.Protect(Password, DrawingObjects, Contents, Scenarios, UserInterfaceOnly,
       AllowFormattingCells, AllowFormattingColumns, AllowFormattingRows, AllowInsertingColumns,
       AllowInsertingRows, AllowInsertingHyperlinks, AllowDeletingColumns, AllowDeletingRows,
       AllowSorting, AllowFiltering, AllowUsingPivotTables) — as the template's XgProtect. */
    sheet.Protect('', !has('objects'), true, !has('scenarios'), false, has('format_cells'),
      has('format_columns'), has('format_rows'), has('insert_columns'), has('insert_rows'),
      has('insert_hyperlinks'), has('delete_columns'), has('delete_rows'), has('sort'), has('autofilter'),
      has('pivot_tables'));
    sheet.EnableSelection = has('select_locked_cells') ? 0 : (has('select_unlocked_cells') ? 1 : -4142);
  }

  var actions = {
    setValues: function (wb, sheet, a) {
      var rows = a.values.length;
      var cols = rows ? a.values[0].length : 0;
      if (rows && cols) { sheet.Range(address(a.start_row + 1, a.start_column + 1, rows, cols)).Value2 = a.values; }
    },
    setRangeColor: function (wb, sheet, a) {
      var interior = rangeOf(sheet, a).Interior;
      if (a.args[0] === null) { interior.ColorIndex = NO_FILL; } else { interior.Color = bgr(a.args[0]); }
    },
    addNote: function (wb, sheet, a) {
      var cell = sheet.Range(a.args[0].replace(/\$/g, ''));
      if (cell.Comment) { cell.Comment.Delete(); }
      cell.AddComment(a.args[1]);
    },
    addHyperlink: function (wb, sheet, a) {
      var target = a.args[0];
      var inside = target.charAt(0) === '#';
      sheet.Hyperlinks.Add(rangeOf(sheet, a), inside ? '' : target, inside ? target.substring(1) : '',
        a.args[2] || '', a.args[1] || '');
    },
    addSheet: function (wb, sheet, a) {
      var index = parseInt(a.args[0], 10);
      var added = index > 0 ? wb.Sheets.Add(null, wb.Sheets.Item(index)) : wb.Sheets.Add(wb.Sheets.Item(1));
      added.Name = a.args[1];
    },
    rangeClearContents: function (wb, sheet, a) { rangeOf(sheet, a).ClearContents(); },
    sheetClearContents: function (wb, sheet) { sheet.Cells.ClearContents(); },
    setNumberFormat: function (wb, sheet, a) { rangeOf(sheet, a).NumberFormat = a.args[0]; },
    setSheetName: function (wb, sheet, a) { sheet.Name = a.args[0]; },
    activateSheet: function (wb, sheet, a) { wb.Sheets.Item(parseInt(a.args[0], 10) + 1).Activate(); },
    runMacro: function (wb, sheet, a) {
      var name = String(a.args[0]).split('!').pop();
      var target = wb.Sheets.Item(a.args[1]);
      if (name === 'XgUnprotect') { target.Unprotect(); } else if (name === 'XgProtect') { protect(target, a.args[2] || ''); } else { throw new Error(name); }
    },
    alert: function (wb, sheet, a) { window.alert(a.args[0]); }
  };

  function apply(app, list) {
    var wb = app.ActiveWorkbook;
    for (var i = 0; i < list.length; i++) {
      var a = list[i];
      var handler = actions[a.func];
      if (!handler) { throw new Error('不支持的操作 ' + a.func + '，请更新 xlgoals 加载项。'); }
      var sheet = typeof a.sheet_position === 'number' ? wb.Sheets.Item(a.sheet_position + 1) : null;
      handler(wb, sheet, a);
    }
  }

  function service() { return String(config.url || '').replace(/\/+$/, ''); }

  function run(script, app, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', service() + '/xlwings/custom-scripts-call/' + script);
    xhr.setRequestHeader('Content-Type', 'application/json');
    if (config.token) { xhr.setRequestHeader('Authorization', config.token); }
    xhr.onload = function () {
      try {
        if (xhr.status === 200) {
          apply(app, JSON.parse(xhr.responseText).actions);
        } else {
          var sentence = '';
          try { sentence = JSON.parse(xhr.responseText).error; } catch (e) { sentence = ''; }
          window.alert(sentence || ('校验服务出错（' + xhr.status + '），请稍后重试。'));
        }
      } catch (err) {
        window.alert('xlgoals 加载项未能完成操作：' + (err && err.message ? err.message : err));
      }
      if (done) { done(); }
    };
    xhr.onerror = function () {
      window.alert('无法连接校验服务 ' + service() + '，请检查网络，或联系财政局信息科。');
      if (done) { done(); }
    };
    xhr.send(JSON.stringify(payload(app)));
  }

  function press(id, app, done) {
    var scripts = { btnValidate: 'xg_validate', btnTotals: 'xg_totals', btnExport: 'xg_export' };
    if (id === 'btnTemplate') {
      window.open(service() + '/template');
      if (done) { done(); }
      return;
    }
    if (!scripts[id]) { return; }
    if (!app.ActiveWorkbook) { window.alert('请先打开要校验的绩效目标表。'); if (done) { done(); } return; }
    run(scripts[id], app, done);
  }

  return { press: press, payload: payload, apply: apply, address: address };
}());
