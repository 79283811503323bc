// The intake page: keyboard shortcuts, the live character counter, and the 即办 category that follows
// the AI's top suggestion until the operator picks one.
(function () {
  var form = document.getElementById("intake-form");
  if (!form) return;

  // Alt+<key> on any element with data-shortcut="<key>": a button is clicked, a field focused, a
  // <details> opened (and its first field focused). The help line under the form lists them.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var key = (event.key || "").toLowerCase();
    var target = form.querySelector('[data-shortcut="' + key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "DETAILS") {
      target.open = true;
      var first = target.querySelector("select, textarea, input");
      if (first) first.focus();
    } else if (target.tagName === "BUTTON") {
      target.click();
    } else {
      target.focus();
    }
  });

  // Live counter: no silent cut at the limit; the operator sees the count and a plain message.
  var content = document.getElementById("id_content");
  var counter = document.getElementById("content-counter");
  if (content && counter) {
    var limit = parseInt(content.getAttribute("data-max"), 10) || 2000;
    var update = function () {
      var n = content.value.length;
      counter.textContent = n + " / " + limit + " 字";
      var over = n > limit;
      counter.classList.toggle("over", n >= limit);
      var note = document.getElementById("content-limit-note");
      if (note) {
        note.hidden = n < limit;
        note.textContent = over
          ? "已超出 " + (n - limit) + " 字：诉求内容最多 " + limit + " 字，请精简，补充情况可另行记录"
          : "已达 " + limit + " 字上限";
      }
    };
    content.addEventListener("input", update);
    update();
  }

  // 即办 category: follows the AI's top suggestion (rendered into #ai-panel) until the operator chooses.
  var category = document.getElementById("id_category_code");
  if (category) {
    category.addEventListener("change", function (event) {
      if (event.isTrusted) category.dataset.chosen = "1";
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (!event.detail || !event.detail.target || event.detail.target.id !== "ai-panel") return;
      var top = event.detail.target.querySelector("[data-top-category]");
      var hint = document.getElementById("category-ai-hint");
      if (!top) return;
      if (hint) hint.textContent = "智能建议：" + top.getAttribute("data-top-label");
      if (!category.dataset.chosen && !category.value) {
        category.value = top.getAttribute("data-top-category");
      }
    });
  }
})();
