/* xlgoals serve: the page's script. Plain ES5 (old Chromium in 信创 browsers and WPS): the form
   works without it; with it, uploads show progress, findings appear in place, downloads keep the
   page, and a dropped folder-sized batch shows how many files are done. */
(function () {
  'use strict';
  var form = document.getElementById('upload');
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = document.getElementById('files');
  var drop = document.getElementById('drop');
  var statusBox = document.getElementById('status');
  var results = document.getElementById('results');
  var chosen = document.getElementById('chosen');
  var tokenInput = document.getElementById('token');
  var maxMb = parseInt(form.getAttribute('data-max-mb'), 10) || 100;
  var dropped = null;
  var clicked = null;
  var buttons = form.querySelectorAll('button[type=submit]');

  function store() { try { return window.localStorage; } catch (e) { return null; } }
  if (tokenInput && store()) { tokenInput.value = store().getItem('xlgoals-token') || ''; }

  function files() { return dropped || input.files; }
  function mb(bytes) { return (bytes / 1048576).toFixed(1) + ' MB'; }

  function say(text, isError, fraction) {
    statusBox.innerHTML = '';
    var p = document.createElement('p');
    p.className = isError ? 'problem' : 'progress-text';
    p.textContent = text;
    statusBox.appendChild(p);
    if (typeof fraction === 'number') {
      var bar = document.createElement('div');
      bar.className = 'bar';
      var fill = document.createElement('div');
      fill.style.width = Math.round(Math.min(1, fraction) * 100) + '%';
      bar.appendChild(fill);
      statusBox.appendChild(bar);
    }
  }

  function busy(on) {
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = on; }
  }

  function showChosen() {
    chosen.innerHTML = '';
    var list = files();
    for (var i = 0; list && i < list.length; i++) {
      var li = document.createElement('li');
      li.textContent = list[i].name + '（' + mb(list[i].size) + '）';
      chosen.appendChild(li);
    }
  }

  input.addEventListener('change', function () { dropped = null; showChosen(); });
  drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.className = 'drop over'; });
  drop.addEventListener('dragleave', function () { drop.className = 'drop'; });
  drop.addEventListener('drop', function (e) {
    e.preventDefault();
    drop.className = 'drop';
    dropped = e.dataTransfer.files;  /* old browsers cannot set input.files: keep the list here */
    try { input.files = dropped; } catch (err) { /* the list above is used */ }
    showChosen();
  });
  for (var b = 0; b < buttons.length; b++) {
    buttons[b].addEventListener('click', function () { clicked = this; });
  }

  function sentence(xhr, text) {
    try { return JSON.parse(text).error || ''; } catch (e) { /* not JSON */ }
    if (xhr.status === 413) { return '上传的内容超过 ' + maxMb + ' MB 的上限，已拒绝；请分批上传。'; }
    return '校验服务出错（' + xhr.status + '），请稍后重试。';
  }

  function nameFrom(header) {
    var m = /filename\*=UTF-8''([^;]+)/i.exec(header || '');
    return m ? decodeURIComponent(m[1]) : 'xlgoals';
  }

  function save(blob, name) {
    if (window.navigator.msSaveBlob) { window.navigator.msSaveBlob(blob, name); return; }
    var url = URL.createObjectURL(blob);
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); document.body.removeChild(a); }, 2000);
  }

  function send(action, data, responseType, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', action);
    xhr.setRequestHeader('Accept', 'application/json, text/html');
    if (responseType) { xhr.responseType = responseType; }
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { say('正在上传：' + mb(e.loaded) + ' / ' + mb(e.total), false, e.loaded / e.total); }
    };
    xhr.upload.onload = function () { say('已上传，正在处理…', false); };
    xhr.onerror = function () { busy(false); say('无法连接校验服务，请检查网络后重试。', true); };
    xhr.onload = function () { busy(false); done(xhr); };
    busy(true);
    xhr.send(data);
    return xhr;
  }

  function check(action, data) {
    var url = action + (action.indexOf('?') < 0 ? '?' : '&') + 'fragment=1';
    var xhr = send(url, data, '', function (x) {
      if (x.status !== 200) { say(sentence(x, x.responseText), true); return; }
      results.innerHTML = x.responseText;
      var total = results.querySelector('.total');
      say(total ? total.textContent : '校验完成。', false);
      if (results.scrollIntoView) { results.scrollIntoView(); }
    });
    xhr.onprogress = function () {
      if (xhr.status !== 200) { return; }
      var text = xhr.responseText;
      var m = /data-total="(\d+)"/.exec(text);
      var done = text.split('data-file="1"').length - 1;
      if (m && +m[1] > 1) { say('正在校验：已完成 ' + done + ' / ' + m[1] + ' 个文件', false, done / +m[1]); }
    };
  }

  function download(action, data) {
    send(action, data, 'blob', function (x) {
      if (x.status === 200) {
        var name = nameFrom(x.getResponseHeader('Content-Disposition'));
        save(x.response, name);
        say('已下载：' + name, false);
        return;
      }
      var reader = new FileReader();
      reader.onload = function () { say(sentence(x, reader.result), true); };
      reader.readAsText(x.response);
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var button = clicked || form.querySelector('button.primary');
    clicked = null;
    var list = files();
    if (!list || !list.length) { say('请先选择要上传的文件。', true); return; }
    var size = 0;
    var data = new FormData();
    if (tokenInput) {  // first: a wrong token is refused before the files are sent
      data.append('token', tokenInput.value);
      if (store()) { store().setItem('xlgoals-token', tokenInput.value); }
    }
    for (var i = 0; i < list.length; i++) { size += list[i].size; data.append('files', list[i], list[i].name); }
    if (size > maxMb * 1048576) {
      say('所选文件共 ' + mb(size) + '，超过 ' + maxMb + ' MB 的上限；请分批上传。', true);
      return;
    }
    var action = button.getAttribute('formaction');
    if (button.getAttribute('data-kind') === 'check') { check(action, data); } else { download(action, data); }
  });
}());
