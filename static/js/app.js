// Small behaviours on top of htmx: confirmation prompts and the dashboard's charts live in their pages.
document.addEventListener("htmx:responseError", function (evt) {
  var box = document.getElementById("htmx-error");
  if (box) { box.textContent = "请求失败（" + evt.detail.xhr.status + "），请重试。"; }
});

// Forms that ask first: <form data-confirm="…">. Inline onsubmit handlers are refused by the page's
// Content-Security-Policy, and inside one `confirm` would name the form's own field called confirm.
document.addEventListener("submit", function (evt) {
  var form = evt.target.closest && evt.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) { evt.preventDefault(); evt.stopImmediatePropagation(); }
}, true);

// <button data-print>: the page's print stylesheet gives the paper version (inline handlers are refused by the CSP).
document.addEventListener("click", function (evt) {
  if (evt.target.closest && evt.target.closest("[data-print]")) { window.print(); }
});

// <input type="checkbox" data-select-all="NAME">: ticks or clears every checkbox named NAME on the page.
document.addEventListener("change", function (evt) {
  var all = evt.target.closest && evt.target.closest("[data-select-all]");
  if (!all) { return; }
  document.querySelectorAll('input[type=checkbox][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});
