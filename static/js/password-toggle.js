// 显示密码 (issue #28): a button beside each password field marked data-password-toggle that
// shows the typed password as text and hides it again. aria-pressed tells a screen reader
// whether it is shown. Without script there is no button and the field stays a password field.
(function () {
  "use strict";

  document.querySelectorAll("input[type=password][data-password-toggle]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary password-toggle";
    button.textContent = "显示密码";
    button.setAttribute("aria-pressed", "false");
    if (input.id) { button.setAttribute("aria-controls", input.id); }
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
      input.focus();
    });
    // Side by side in an input group; the field's own error stays below both (Bootstrap shows
    // an .invalid-feedback that follows the invalid field, so it moves into the group too).
    var group = document.createElement("div");
    group.className = "input-group has-validation";
    var feedback = [];
    for (var next = input.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.classList.contains("invalid-feedback")) { feedback.push(next); }
    }
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    group.appendChild(button);
    feedback.forEach(function (node) { group.appendChild(node); });
    // The form is sent with the field a password field again (a browser may offer to save it).
    if (input.form) {
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.setAttribute("aria-pressed", "false");
      });
    }
  });
})();
