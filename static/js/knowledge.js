// 知识库 on the intake page: "采用此答复" copies the entry's answer into the 即办 answer, opens the 即办
// box and fills the ticket's category when the form has a category field.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-kb-use]");
  if (!button) return;
  var answer = document.getElementById("id_answer");
  if (!answer) return;
  var text = button.getAttribute("data-kb-answer") || "";
  answer.value = answer.value.trim() ? answer.value.trim() + "\n" + text : text;
  answer.dispatchEvent(new Event("input", { bubbles: true }));
  var category = document.getElementById("id_category_code");
  var code = button.getAttribute("data-kb-category");
  if (category && code) {
    category.value = code;
    category.dispatchEvent(new Event("change", { bubbles: true }));
  }
  var box = document.getElementById("close-at-intake");
  if (box) box.open = true;
  var used = document.getElementById("id_kb_article");
  if (used) used.value = button.getAttribute("data-kb-code") || "";
  answer.focus();
  button.textContent = "已填入即办答复";
});

// The search box sits inside the intake form: Enter searches, it never files the ticket.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target && event.target.id === "kb-q" && event.target.form) {
    event.preventDefault();
    event.target.dispatchEvent(new Event("search", { bubbles: true }));
  }
});
