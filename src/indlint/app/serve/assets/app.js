// indlint serve: choose or drop files, upload them, follow the check, show the report and downloads.
// Every text goes in through textContent: nothing from a file or the server becomes markup.
"use strict";
(function () {
  var form = document.getElementById("upload");
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var chosenList = document.getElementById("chosen");
  var start = document.getElementById("start");
  var clear = document.getElementById("clear");
  var progress = document.getElementById("progress");
  var bar = document.getElementById("bar");
  var statusLine = document.getElementById("status");
  var errorLine = document.getElementById("error");
  var result = document.getElementById("result");
  var chosen = [];

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function showChosen() {
    chosenList.replaceChildren();
    chosen.forEach(function (file) {
      chosenList.appendChild(el("li", file.name + "（" + Math.max(1, Math.round(file.size / 1024)) + " KB）"));
    });
    start.disabled = clear.disabled = chosen.length === 0;
  }

  function add(files) {
    for (var i = 0; i < files.length; i++) chosen.push(files[i]);
    showChosen();
  }

  function fail(message) {
    progress.hidden = true;
    errorLine.textContent = message;
    errorLine.hidden = false;
    start.disabled = chosen.length === 0;
  }

  function errorOf(xhrText, status) {
    try { return JSON.parse(xhrText).error || ("出错了（" + status + "）"); }
    catch (e) { return "出错了（" + status + "），请重试。"; }
  }

  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  clear.addEventListener("click", function () { chosen = []; showChosen(); });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files) add(event.dataTransfer.files);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!chosen.length) return;
    // The server refuses these too (413); saying so before uploading spares a long wait.
    var limits = form.dataset;
    if (chosen.length > Number(limits.maxFiles)) {
      fail("文件太多：一次最多上传 " + limits.maxFiles + " 个文件。请分批上传。");
      return;
    }
    var big = chosen.filter(function (file) { return file.size > Number(limits.maxBytes); });
    if (big.length) {
      fail("文件太大：每个文件不能超过 " + limits.maxMb + " MiB（" + big.map(function (f) { return f.name; }).join("、") + "）。");
      return;
    }
    var data = new FormData();
    data.append("profile", document.getElementById("profile").value);
    chosen.forEach(function (file) { data.append("files", file, file.name); });
    errorLine.hidden = true;
    result.hidden = true;
    progress.hidden = false;
    start.disabled = true;
    bar.value = 0;
    statusLine.textContent = "正在上传 " + chosen.length + " 个文件……";
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/jobs");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round(e.loaded / e.total * 30);
        statusLine.textContent = "正在上传：" + Math.round(e.loaded / e.total * 100) + "%";
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status !== 202) { fail(errorOf(xhr.responseText, xhr.status)); return; }
      follow(JSON.parse(xhr.responseText).id);
    });
    xhr.addEventListener("error", function () { fail("无法连接检查服务，请确认服务仍在运行。"); });
    xhr.send(data);
  });

  function follow(id) {
    fetch("/jobs/" + encodeURIComponent(id), {headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (answer) {
        var job = answer.body;
        if (!answer.ok) { fail(job.error || "出错了，请重试。"); return; }
        if (job.state === "failed") { fail(job.message); return; }
        if (job.state === "done") { show(job); return; }
        bar.value = 30 + Math.round(job.done / Math.max(1, job.total) * 70);
        statusLine.textContent = job.state === "queued" ? "排队等待检查……"
          : "正在检查：已完成 " + job.done + " / " + job.total + " 个文件";
        setTimeout(function () { follow(id); }, 300);
      })
      .catch(function () { fail("无法连接检查服务，请确认服务仍在运行。"); });
  }

  function link(item) {
    var a = el("a", item.label);
    a.href = item.url;
    a.setAttribute("download", item.filename || "");
    return a;
  }

  function show(job) {
    bar.value = 100;
    statusLine.textContent = "检查完成：共 " + job.total + " 个文件。";
    var s = job.summary;
    document.getElementById("summary").textContent = s.files + " 个文件，" + s.forms + " 张表，" +
      s.rows + " 项指标；错误 " + s.error + " 个，警告 " + s.warning + " 个，提示 " + s.info + " 个。";
    var downloads = document.getElementById("downloads");
    downloads.replaceChildren();
    job.downloads.filter(function (d) { return !/^(yaml|xlsx|docx)-/.test(d.key); })
      .forEach(function (d) { var li = el("li"); li.appendChild(link(d)); downloads.appendChild(li); });
    var body = document.querySelector("#files tbody");
    body.replaceChildren();
    job.files.forEach(function (f) {
      var tr = el("tr");
      tr.appendChild(el("td", f.name));
      if (!f.readable) {
        var cell = el("td", f.message, "unreadable");
        cell.colSpan = 5;
        tr.appendChild(cell);
      } else {
        [f.forms, f.rows, f.error, f.warning, f.info].forEach(function (n, i) {
          tr.appendChild(el("td", n, i >= 2 && n > 0 ? ["error", "warning", "info"][i - 2] : "num"));
        });
      }
      var links = el("td");
      f.downloads.forEach(function (d) { links.appendChild(link(d)); links.appendChild(document.createTextNode(" ")); });
      tr.appendChild(links);
      body.appendChild(tr);
    });
    var frame = document.getElementById("report");
    frame.addEventListener("load", function () {
      try { frame.style.height = (frame.contentDocument.documentElement.scrollHeight + 20) + "px"; }
      catch (e) { /* the frame keeps its default height */ }
    }, {once: true});
    frame.src = "/jobs/" + encodeURIComponent(job.id) + "/report";
    result.hidden = false;
    start.disabled = chosen.length === 0;
  }
}());
