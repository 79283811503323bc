// Small behaviours on top of htmx: confirmation prompts and the dashboard's charts live in their pages.
document.addEventListener("htmx:responseError", function (evt) {
  var box = document.getElementById("htmx-error");
  if (box) { box.textContent = "请求失败（" + evt.detail.xhr.status + "），请重试。"; }
});
