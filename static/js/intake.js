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

  // 即办 needs a category: opening the 即办 box fills the category with the AI's top suggestion when the
  // operator has chosen none, and closing it again takes that default back out (for a filed ticket the
  // category is the operator's choice, which routing follows, so it is never set behind their back).
  var category = document.getElementById("id_category_code");
  var quick = document.getElementById("close-at-intake");
  var aiTop = null;
  if (category && quick) {
    var fill = function () {
      if (quick.open && aiTop && !category.value) {
        category.value = aiTop.code;
        category.dataset.auto = "1";
      }
    };
    category.addEventListener("change", function (event) {
      if (event.isTrusted) { delete category.dataset.auto; }
    });
    quick.addEventListener("toggle", function () {
      if (quick.open) { fill(); } else if (category.dataset.auto) { category.value = ""; delete category.dataset.auto; }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (!event.detail || !event.detail.target || event.detail.target.id !== "ai-panel") return;
      var top = event.detail.target.querySelector("[data-top-category]");
      if (!top) return;
      aiTop = { code: top.getAttribute("data-top-category"), label: top.getAttribute("data-top-label") };
      var hint = document.getElementById("category-ai-hint");
      if (hint) hint.textContent = "智能分类建议：" + aiTop.label + "（即办时默认采用）";
      if (category.dataset.auto) { category.value = aiTop.code; } // follows the text while it is the default
      fill();
    });
  }
})();
