// Split page: show the sum of the shares as they are typed, and whether it matches the
// unit's target. The server checks the same (indicators/targets.split_target).
(function () {
  "use strict";
  var form = document.getElementById("split-form");
  if (!form) { return; }
  var target = Number(form.dataset.target);
  var sumBox = document.getElementById("split-sum");
  var checkBox = document.getElementById("split-check");
  var labels = document.getElementById("split-labels").dataset;
  var inputs = form.querySelectorAll(".split-share");

  function update() {
    var sum = 0;
    var valid = true;
    inputs.forEach(function (input) {
      var text = input.value.trim();
      if (text === "") { return; }
      if (!/^\d+$/.test(text)) { valid = false; return; }
      sum += Number(text);
    });
    sumBox.textContent = valid ? String(sum) : "?";
    checkBox.className = "ms-2 badge";
    if (!valid) {
      checkBox.textContent = "";
    } else if (sum === target) {
      checkBox.textContent = "✓ " + labels.ok;
      checkBox.classList.add("text-bg-success");
    } else if (sum > target) {
      checkBox.textContent = labels.more + " " + (sum - target);
      checkBox.classList.add("text-bg-danger");
    } else {
      checkBox.textContent = labels.less + " " + (target - sum);
      checkBox.classList.add("text-bg-warning");
    }
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
